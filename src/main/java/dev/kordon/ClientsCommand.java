package dev.kordon;

import dev.kordon.client.ClientAdmin;
import dev.kordon.client.ClientMetadata;
import dev.kordon.client.OidcClient;
import dev.kordon.config.KordonConfig;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * {@code clients list | show ID | delete ID | put ID --file CLIENT.json [--rotate-secret]}: the
 * OpenID Connect clients, through the same {@link ClientAdmin} as the admin API (audited the same
 * way). The file holds the client's RFC 7591 metadata as the admin API takes it; a secret that was
 * just made is printed this once.
 */
final class ClientsCommand {
    static final String COMMAND = "clients";
    private static final String FILE = "--file";
    private static final String ROTATE = "--rotate-secret";

    private ClientsCommand() {}

    /** Whether {@code words} (the whole command) is one of this command's forms. */
    static boolean understood(List<String> words) {
        if (words.isEmpty() || !words.get(0).equals(COMMAND) || words.size() < 2) {
            return false;
        }
        return switch (words.get(1)) {
            case "list" -> words.size() == 2;
            case "show", "delete" -> words.size() == 3;
            case "put" ->
                file(words) != null
                        && words.size() == (words.contains(ROTATE) ? 6 : 5)
                        && !words.get(2).startsWith("--");
            default -> false;
        };
    }

    /** The path after --file, or null. */
    private static String file(List<String> words) {
        int at = words.indexOf(FILE);
        return at > 2 && at + 1 < words.size() && !words.get(at + 1).equals(ROTATE) ? words.get(at + 1) : null;
    }

    /** {@code args}: the words after {@code clients}. */
    static int run(List<String> args, KordonConfig config, PrintStream out, PrintStream err) {
        JsonObject metadata = null;
        if (args.get(0).equals("put")) {
            String file = file(prefixed(args));
            try {
                if (!(Json.decodeValue(Files.readString(Path.of(file))) instanceof JsonObject json)) {
                    err.println("kordon: " + file + " must hold one JSON object of client metadata");
                    return Cli.USAGE;
                }
                metadata = json;
            } catch (IOException | RuntimeException e) {
                String why = e instanceof DecodeException ? "not JSON" : e.getMessage();
                err.println("kordon: cannot read " + file + ": " + why);
                return e instanceof DecodeException ? Cli.USAGE : Cli.FAILED;
            }
        }
        JsonObject body = metadata;
        Function<ClientAdmin, Future<Integer>> op = switch (args.get(0)) {
            case "list" ->
                clients -> clients.list().map(all -> {
                    all.forEach(c -> out.println(c.clientId() + "\t" + c.authMethod().wire + "\t" + c.name()));
                    return Cli.OK;
                });
            case "show" ->
                clients -> found(clients.show(args.get(1)).map(c -> print(out, ClientMetadata.json(c))), err);
            case "delete" ->
                clients -> found(
                        clients.delete(args.get(1), null).map(v -> {
                            out.println("deleted client " + args.get(1));
                            return Cli.OK;
                        }),
                        err);
            default ->
                clients -> clients.save(args.get(1), body, args.contains(ROTATE), null)
                        .map(saved -> {
                            OidcClient c = saved.client();
                            out.println((saved.created() ? "created" : "replaced") + " client " + c.clientId());
                            JsonObject shown = ClientMetadata.json(c);
                            if (saved.secret() != null) {
                                shown.put(ClientMetadata.CLIENT_SECRET, saved.secret());
                            }
                            print(out, shown);
                            if (saved.secret() != null) {
                                out.println("client_secret is shown this once: Kordon keeps only its keyed hash");
                            }
                            return Cli.OK;
                        });
        };
        return Cli.withAdmin(config, err, Cli.USAGE, (wiring, vertx) -> op.apply(wiring.oidcClients()));
    }

    /** The words as {@link #understood} sees them, with the command's name in front. */
    private static List<String> prefixed(List<String> args) {
        List<String> all = new java.util.ArrayList<>();
        all.add(COMMAND);
        all.addAll(args);
        return all;
    }

    private static int print(PrintStream out, JsonObject json) {
        out.println(json.encodePrettily());
        return Cli.OK;
    }

    /** A missing client is exit code 4, told as such (not as a missing account). */
    private static Future<Integer> found(Future<Integer> done, PrintStream err) {
        return done.recover(e -> {
            if (e instanceof FlowException fe && fe.failure() == Failure.NOT_FOUND) {
                err.println("kordon: no such client");
                return Future.succeededFuture(Cli.NO_ACCOUNT);
            }
            return Future.failedFuture(e);
        });
    }
}
