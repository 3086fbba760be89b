package dev.kordon;

import dev.kordon.config.KordonConfig;
import dev.kordon.credential.PasswordHasher;
import dev.kordon.operator.OperatorAdmin;
import dev.kordon.operator.Operators;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;

/**
 * {@code operators list | show NAME | add NAME --email EMAIL --display-name TEXT | disable NAME |
 * enable NAME | reset NAME | delete NAME}: the console's named operators, through the same {@link
 * OperatorAdmin} as the admin API (audited the same way, as the token's doing). A temporary password
 * that was just made is printed this once; the operator changes it at the first sign-in. Hashing
 * runs on a worker thread with the server's {@code hash.*} parameters.
 */
final class OperatorsCommand {
    static final String COMMAND = "operators";
    private static final String EMAIL = "--email";
    private static final String DISPLAY = "--display-name";

    private OperatorsCommand() {}

    /** Whether {@code words} (the whole command) is one of this command's forms. */
    static boolean understood(List<String> words) {
        if (words.size() < 2 || !words.get(0).equals(COMMAND)) {
            return false;
        }
        return switch (words.get(1)) {
            case "list" -> words.size() == 2;
            case "show", "disable", "enable", "reset", "delete" -> words.size() == 3;
            case "add" -> words.size() == 7 && option(words, EMAIL) != null && option(words, DISPLAY) != null;
            default -> false;
        };
    }

    private static String option(List<String> words, String name) {
        int at = words.indexOf(name);
        return at > 2 && at + 1 < words.size() && !words.get(at + 1).startsWith("--") ? words.get(at + 1) : null;
    }

    /** {@code words}: the whole command. */
    static int run(List<String> words, KordonConfig config, PrintStream out, PrintStream err) {
        String name = words.size() > 2 ? words.get(2) : null;
        Function<OperatorAdmin, Future<Integer>> op = switch (words.get(1)) {
            case "list" ->
                ops -> ops.list().map(all -> {
                    all.forEach(o -> out.println(line(o)));
                    return Cli.OK;
                });
            case "show" -> ops -> ops.show(name).map(o -> print(out, line(o)));
            case "disable" ->
                ops -> ops.setDisabled(name, true, null)
                        .map(v -> print(out, "disabled operator " + name + ": their console sessions end"));
            case "enable" -> ops -> ops.setDisabled(name, false, null).map(v -> print(out, "enabled operator " + name));
            case "delete" -> ops -> ops.delete(name, null).map(v -> print(out, "deleted operator " + name));
            case "reset" -> ops -> ops.reset(name, null).map(saved -> shown(out, saved));
            default ->
                ops -> ops.save(name, option(words, DISPLAY), option(words, EMAIL), null)
                        .map(saved -> shown(out, saved));
        };
        PasswordHasher hasher = new PasswordHasher(
                config.hash().memoryKib(),
                config.hash().iterations(),
                config.hash().parallelism());
        return Cli.withAdmin(
                config,
                err,
                Cli.USAGE,
                (wiring, vertx) -> found(
                        op.apply(wiring.operators(
                                password -> vertx.executeBlocking(() -> hasher.hash(password), false))),
                        err));
    }

    private static int shown(PrintStream out, OperatorAdmin.Saved saved) {
        out.println((saved.created() ? "added " : saved.temporaryPassword() != null ? "reset " : "changed ")
                + line(saved.operator()));
        if (saved.temporaryPassword() != null) {
            out.println("temporary password: " + saved.temporaryPassword());
            out.println("shown this once: the operator changes it at the first console sign-in,"
                    + " then sets up an authenticator app");
        }
        return Cli.OK;
    }

    private static String line(Operators.Operator o) {
        return o.name() + "\t" + o.displayName() + "\t" + o.email() + "\t" + (o.disabled() ? "disabled" : "active")
                + "\t" + (o.totp() ? "totp" : "no second step yet");
    }

    private static int print(PrintStream out, String line) {
        out.println(line);
        return Cli.OK;
    }

    /** A missing operator is exit code 4, told as such. */
    private static Future<Integer> found(Future<Integer> done, PrintStream err) {
        return done.recover(e -> {
            if (e instanceof FlowException fe && fe.failure() == Failure.NOT_FOUND) {
                err.println("kordon: no such operator");
                return Future.succeededFuture(Cli.NO_ACCOUNT);
            }
            return Future.failedFuture(e);
        });
    }
}
