package dev.kordon.client;

import dev.kordon.config.ConfigException;
import dev.kordon.problem.Bundles;
import dev.kordon.problem.FlowException;
import io.vertx.core.Future;
import io.vertx.core.file.FileSystem;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The clients of the configuration ({@code oidc.clients}), upserted once at start: GitOps keeps them
 * in a repository, and a confidential one's secret in a file (a mounted Kubernetes Secret) whose
 * keyed hash is stored, so the operator, not Kordon, holds the secret. A bad entry stops the start
 * with a message naming it; an entry already stored as written changes nothing and is not audited.
 */
public final class ConfiguredClients {
    static final String SECRET_FILE = "client_secret_file";
    /** A secret an operator picks must be as hard to guess as one Kordon makes (32 random bytes). */
    static final int SECRET_MIN = 32;

    private final ClientAdmin admin;

    public ConfiguredClients(ClientAdmin admin) {
        this.admin = admin;
    }

    private record Entry(String name, OidcClient client, String secretFile) {}

    /**
     * Checks every entry and reads every secret file, then saves the entries in order: a bad entry or
     * an unreadable file anywhere stores nothing.
     */
    public Future<Void> upsert(FileSystem files, List<Map<String, Object>> entries) {
        List<Entry> checked;
        try {
            checked = checked(entries);
        } catch (ConfigException e) {
            return Future.failedFuture(e);
        }
        List<String> secrets = new ArrayList<>();
        Future<Void> read = Future.succeededFuture();
        for (Entry e : checked) {
            read = read.compose(v -> secret(files, e)).map(secret -> {
                secrets.add(secret);
                return null;
            });
        }
        return read.compose(v -> {
            Future<Void> done = Future.succeededFuture();
            for (int i = 0; i < checked.size(); i++) {
                Entry e = checked.get(i);
                String secret = secrets.get(i);
                done = done.compose(w -> save(e, secret));
            }
            return done;
        });
    }

    private static List<Entry> checked(List<Map<String, Object>> entries) {
        List<Entry> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            JsonObject json = new JsonObject(entries.get(i));
            Object id = json.getValue(ClientMetadata.CLIENT_ID);
            String name = "oidc.clients[" + i + "]" + (id instanceof String s ? " (client_id " + s + ")" : "");
            if (!(id instanceof String clientId)) {
                throw new ConfigException(name + ": client_id is required");
            }
            if (!ids.add(clientId)) {
                throw new ConfigException(name + ": client_id appears more than once");
            }
            OidcClient client;
            try {
                client = ClientMetadata.parse(clientId, json);
            } catch (FlowException e) {
                throw new ConfigException(name + ": " + describe(e));
            }
            Object file = json.getValue(SECRET_FILE);
            if (client.isPublic() != (file == null)) {
                throw new ConfigException(name + ": " + SECRET_FILE
                        + (client.isPublic()
                                ? " must be absent for a public client (token_endpoint_auth_method none)"
                                : " is required for a confidential client"));
            }
            if (file != null && !(file instanceof String)) {
                throw new ConfigException(name + ": " + SECRET_FILE + " must be a path");
            }
            out.add(new Entry(name, client, (String) file));
        }
        return out;
    }

    /** The secret of the entry's file, surrounding white space (a final newline) left out; null for a public client. */
    private static Future<String> secret(FileSystem files, Entry e) {
        if (e.secretFile() == null) {
            return Future.succeededFuture(null);
        }
        return files.readFile(e.secretFile())
                .recover(err -> Future.failedFuture(
                        new ConfigException(e.name() + ": cannot read " + SECRET_FILE + " " + e.secretFile())))
                .compose(buf -> {
                    String secret = buf.toString(java.nio.charset.StandardCharsets.UTF_8)
                            .strip();
                    if (secret.length() < SECRET_MIN || !secret.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
                        // Only the length is told: the value is a secret.
                        return Future.failedFuture(new ConfigException(e.name() + ": the secret in " + e.secretFile()
                                + " must be at least " + SECRET_MIN + " printable ASCII characters without spaces"
                                + " (it has " + secret.length() + ")"));
                    }
                    return Future.succeededFuture(secret);
                });
    }

    private Future<Void> save(Entry e, String secret) {
        ClientRegistry registry = admin.registry();
        String id = e.client().clientId();
        String wanted = secret == null ? null : registry.hash(id, secret);
        return registry.find(id)
                .compose(found -> registry.storedHash(id)
                        .map(stored -> found.isPresent()
                                && found.get().equals(e.client())
                                && java.util.Objects.equals(stored, wanted)))
                .compose(same -> same
                        ? Future.<Void>succeededFuture()
                        : registry.putWithSecret(e.client(), secret)
                                .onSuccess(saved -> admin.saved(saved, null, "config"))
                                .<Void>mapEmpty());
    }

    /** The refused fields, {@code field: text; ...}, in English: it goes to the start-up log. */
    public static String describe(FlowException e) {
        StringBuilder out = new StringBuilder();
        e.fields()
                .forEach((field, text) -> out.append(out.length() == 0 ? "" : "; ")
                        .append(field)
                        .append(": ")
                        .append(Bundles.text(Bundles.EN, text.key(), text.args().toArray())));
        return out.length() == 0 ? e.failure().code() : out.toString();
    }
}
