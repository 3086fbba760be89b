package dev.kordon;

import dev.kordon.admin.FileImport;
import dev.kordon.admin.ImportSummary;
import dev.kordon.config.ConfigException;
import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import dev.kordon.keys.SigningKeys;
import dev.kordon.ops.Metrics;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.store.Postgres;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator's command line: {@code migrate}, {@code accounts import FILE}, {@code accounts
 * disable CATEGORY LOGIN}, with the same configuration as the server ({@code --conf}, KORDON_*);
 * {@code hash-timing} (see {@link HashTiming}) reads only its hash parameters; {@code reseal} (see
 * {@link Reseal}) seals what is kept sealed again under the newest key of {@code secrets.keys}.
 * Exit codes: 0 done, 1 failed (database, Redis, file), 2 wrong use or configuration, 3 an import
 * refused some rows, 4 no such account (or client), 5 a reseal left entries behind (run it again).
 * {@code clients} (see {@link ClientsCommand}) registers OpenID Connect clients; {@code operators}
 * (see {@link OperatorsCommand}) manages the console's named operators.
 */
final class Cli {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int ROWS_REFUSED = 3;
    static final int NO_ACCOUNT = 4;
    static final int LEFT_BEHIND = 5;
    static final String USAGE_TEXT = """
      usage: java -jar kordon.jar [--conf FILE]                    start the server
             java -jar kordon.jar [--conf FILE] migrate            apply database migrations
             java -jar kordon.jar [--conf FILE] accounts import FILE
             java -jar kordon.jar [--conf FILE] accounts disable CATEGORY LOGIN
             java -jar kordon.jar [--conf FILE] clients list | show ID | delete ID
             java -jar kordon.jar [--conf FILE] clients put ID --file CLIENT.json [--rotate-secret]
             java -jar kordon.jar [--conf FILE] operators list | show NAME | disable NAME | enable NAME | reset NAME | delete NAME
             java -jar kordon.jar [--conf FILE] operators add NAME --email EMAIL --display-name TEXT
             java -jar kordon.jar [--conf FILE] reseal                 seal the outbox again under the newest secrets key
             java -jar kordon.jar [--conf FILE] hash-timing [--memory KiB] [--iterations N] [--parallelism N] [--count N]""";

    private Cli() {}

    /** Whether the arguments name a command rather than starting the server. */
    static boolean isCommand(String[] args) {
        return !words(args).isEmpty();
    }

    /** Runs one command; returns the exit code (never exits, so tests call it in-process). */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        List<String> words = words(args);
        Path conf = conf(args);
        if (!words.isEmpty() && words.get(0).equals(HashTiming.COMMAND)) {
            return HashTiming.run(words.subList(1, words.size()), conf, env, out, err);
        }
        String command = String.join(" ", words.subList(0, Math.min(2, words.size())));
        boolean known = words.equals(List.of("migrate"))
                || words.equals(List.of(Reseal.COMMAND))
                || (command.equals("accounts import") && words.size() == 3)
                || (command.equals("accounts disable") && words.size() == 4)
                || ClientsCommand.understood(words)
                || OperatorsCommand.understood(words);
        if (!known) {
            err.println("kordon: unknown command or wrong arguments: " + String.join(" ", words));
            err.println(USAGE_TEXT);
            return USAGE;
        }
        KordonConfig config;
        try {
            ConfigTree tree = ConfigTree.load(conf, env);
            if (tree.bool("dev")) {
                // Dev mode's Postgres and Redis live inside the server process: nothing here could reach them.
                err.println("kordon: the command line works on the configured Postgres and Redis; dev mode has none");
                return USAGE;
            }
            config = KordonConfig.from(tree);
        } catch (ConfigException e) {
            err.println("kordon: bad configuration: " + e.getMessage());
            return USAGE;
        }
        if (words.get(0).equals("migrate")) {
            return migrate(config, out, err);
        }
        if (words.get(0).equals(Reseal.COMMAND)) {
            return Reseal.run(config, out, err);
        }
        if (words.get(0).equals(OperatorsCommand.COMMAND)) {
            return OperatorsCommand.run(words, config, out, err);
        }
        if (words.get(0).equals(ClientsCommand.COMMAND)) {
            return ClientsCommand.run(words.subList(1, words.size()), config, out, err);
        }
        if (words.get(1).equals("import")) {
            Path file = Path.of(words.get(2));
            try (var readable = Files.newByteChannel(file)) {
                // Read as it is imported, never whole; unreadable, it is named before anything connects.
            } catch (IOException | RuntimeException e) {
                err.println("kordon: cannot read " + words.get(2) + ": " + e.getMessage());
                return FAILED;
            }
            return withAdmin(
                    config,
                    err,
                    FAILED,
                    (wiring, vertx) -> FileImport.importFile(
                                    wiring.admin(),
                                    vertx,
                                    Locale.ROOT,
                                    file,
                                    config.admin().importRows())
                            .map(answer -> imported(answer, out)));
        }
        String category = words.get(2);
        String login = words.get(3);
        return withAdmin(
                config,
                err,
                USAGE,
                (wiring, vertx) -> wiring.admin().disable(category, login, null).map(v -> {
                    out.println("disabled " + category + " " + login + ": every credential of it ended");
                    return OK;
                }));
    }

    private static int migrate(KordonConfig config, PrintStream out, PrintStream err) {
        try {
            int applied = Migrations.apply(config.pg(), 0);
            out.println("migrated: " + applied + " migration(s) applied; the schema is current");
            return OK;
        } catch (RuntimeException e) {
            err.println("kordon: cannot migrate " + redacted(config.pg().url()) + ": " + rootMessage(e));
            return FAILED;
        }
    }

    private static int imported(ImportSummary answer, PrintStream out) {
        var rejected = answer.rejected();
        int total = answer.rejectedTotal();
        out.println("created " + answer.created() + ", updated " + answer.updated() + ", rejected " + total);
        rejected.forEach(row -> out.println("line " + row.line() + ": " + row.reason()));
        if (total > rejected.size()) {
            out.println("... and " + (total - rejected.size()) + " more refused rows after line "
                    + rejected.get(rejected.size() - 1).line());
        }
        return total == 0 ? OK : ROWS_REFUSED;
    }

    /** An operation that needs the admin flows and the Vert.x they run on. */
    interface Operation extends java.util.function.BiFunction<Wiring, Vertx, Future<Integer>> {}

    /**
     * Runs {@code op} against the configured Postgres and Redis (migrated by the server or by
     * {@code migrate}) with the same flows the admin port uses, one database connection (so the audit rows are written before it closes).
     * {@code invalid}: the exit code of a refused input.
     */
    static int withAdmin(KordonConfig config, PrintStream err, int invalid, Operation op) {
        Metrics metrics = new Metrics();
        Vertx vertx = Vertx.vertx();
        Pool pg = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(1))
                .with(Postgres.transport(config.pg()))
                .connectingTo(Postgres.options(config.pg()))
                .using(vertx)
                .build();
        RedisStore redis = RedisStore.create(vertx, config.redis());
        try {
            Wiring wiring = wiring(vertx, config, pg, redis, metrics);
            Future<Integer> done = op.apply(wiring, vertx)
                    .recover(e -> e instanceof FlowException fe
                            ? Future.succeededFuture(refused(fe, err, invalid))
                            : Future.<Integer>failedFuture(e))
                    // Queued behind the audit insert on the one connection: when it answers, the trail is written.
                    .compose(code -> pg.query("SELECT 1").execute().map(code));
            return done.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
        } catch (Exception e) {
            err.println("kordon: failed (Postgres " + redacted(config.pg().url()) + ", Redis): " + rootMessage(e));
            return FAILED;
        } finally {
            try {
                Future.join(redis.close(), pg.close())
                        .transform(ar -> vertx.close())
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // Exiting anyway: the answer is already decided.
            }
        }
    }

    private static int refused(FlowException fe, PrintStream err, int invalid) {
        if (fe.failure() == Failure.NOT_FOUND) {
            err.println("kordon: no such account (or category)");
            return NO_ACCOUNT;
        }
        err.println("kordon: refused: " + FileImport.describe(Locale.ROOT, fe));
        return fe.failure() == Failure.INVALID_REQUEST ? invalid : FAILED;
    }

    /**
     * The admin port's flow, wired by {@link Wiring} as the server wires it. The command line issues
     * no token: a throwaway signing key stands in, so no key directory is needed here; and it keeps no
     * verified-token cache, while its announcements still tell the running instances to drop theirs.
     */
    private static Wiring wiring(Vertx vertx, KordonConfig config, Pool pg, RedisStore redis, Metrics metrics)
            throws java.security.GeneralSecurityException {
        return new Wiring(new Wiring.Clients(vertx, config, pg, redis, metrics), SigningKeys.generate("cli"), 0);
    }

    /** The arguments that are not {@code --conf FILE}. */
    private static List<String> words(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ("--conf".equals(args[i]) && i + 1 < args.length) {
                i++;
            } else {
                out.add(args[i]);
            }
        }
        return out;
    }

    /** The file of {@code --conf FILE}; null without one. The server reads its flag here too. */
    static Path conf(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if ("--conf".equals(args[i])) {
                return Path.of(args[i + 1]);
            }
        }
        return null;
    }

    /** The URL without its password: error text goes to terminals and CI logs. */
    static String redacted(String url) {
        return url == null ? null : url.replaceFirst("//([^:/@]*):[^@/]*@", "//$1:***@");
    }

    /** The innermost cause's message, any URL in it without its password. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        return redacted(m);
    }
}
