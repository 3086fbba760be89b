package dev.kordon.client;

import dev.kordon.guard.Secrets;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import dev.kordon.store.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registered OpenID Connect clients, in Postgres through the async pool. A confidential
 * client's secret is 32 random bytes, shown once when it is made and kept only as a keyed hash
 * (HMAC-SHA256 under a key derived from {@code secrets.keys}, bound to the client's id): a copy of
 * the table gives no secret away, and none is ever logged.
 */
public final class ClientRegistry {
    private static final String PURPOSE = "oidc-client-secret";
    private static final String COLUMNS = "client_id, client_name, token_endpoint_auth_method, redirect_uris, "
            + "post_logout_redirect_uris, backchannel_logout_uri, scope";
    private static final String FIND = "SELECT " + COLUMNS + " FROM oidc_clients WHERE client_id = $1";
    private static final String LIST = "SELECT " + COLUMNS + " FROM oidc_clients ORDER BY client_id";
    private static final String HASH = "SELECT secret_hash FROM oidc_clients WHERE client_id = $1";
    private static final String DELETE = "DELETE FROM oidc_clients WHERE client_id = $1";
    // One statement, so two operators saving the same client at once cannot lose a secret between a
    // read and a write: on conflict the existing row's hash is read under its lock. $8 is the hash of
    // a fresh secret, used for a new confidential client, a public one made confidential, or when $9
    // (replace the secret) is set; a public client keeps none. xmax = 0 only for a row inserted here.
    private static final String PUT = "INSERT INTO oidc_clients (" + COLUMNS + ", secret_hash) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $3::text = 'none' THEN NULL ELSE $8::text END) "
            + "ON CONFLICT (client_id) DO UPDATE SET client_name = EXCLUDED.client_name, "
            + "token_endpoint_auth_method = EXCLUDED.token_endpoint_auth_method, "
            + "redirect_uris = EXCLUDED.redirect_uris, post_logout_redirect_uris = EXCLUDED.post_logout_redirect_uris, "
            + "backchannel_logout_uri = EXCLUDED.backchannel_logout_uri, scope = EXCLUDED.scope, "
            + "secret_hash = CASE WHEN EXCLUDED.token_endpoint_auth_method = 'none' THEN NULL "
            + "WHEN $9::boolean OR oidc_clients.secret_hash IS NULL THEN $8::text ELSE oidc_clients.secret_hash END, "
            + "updated_at = now() "
            + "RETURNING (xmax = 0) AS inserted, COALESCE(secret_hash = $8::text, false) AS issued";
    // Compare-and-set: a hash made under an older secrets key is made again under the newest.
    private static final String REHASH =
            "UPDATE oidc_clients SET secret_hash = $3 WHERE client_id = $1 AND secret_hash = $2";

    private final Database db;
    private final Pool pool;
    private final Secrets secrets;
    private final SecureRandom random = new SecureRandom();

    public ClientRegistry(Database db, Secrets secrets) {
        this.db = db;
        this.pool = db.pool();
        this.secrets = secrets;
    }

    public Future<Optional<OidcClient>> find(String clientId) {
        if (!ClientMetadata.validId(clientId)) {
            return Future.succeededFuture(Optional.empty());
        }
        return db.within(pool.preparedQuery(FIND).execute(Tuple.of(clientId))).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? Optional.of(map(it.next())) : Optional.empty();
        });
    }

    /** Every client, by id. */
    public Future<List<OidcClient>> list() {
        return db.within(pool.preparedQuery(LIST).execute()).map(ClientRegistry::all);
    }

    /**
     * Creates or replaces the client. A new confidential client, one made confidential, or one saved
     * with {@code rotateSecret} gets a new secret, in {@link Saved#secret} this once; otherwise a
     * confidential client keeps its secret, and a client made public loses it. Rotating a public
     * client's secret is refused (400, field {@code rotate_secret}).
     */
    public Future<Saved> put(OidcClient client, boolean rotateSecret) {
        if (rotateSecret && client.isPublic()) {
            return Future.failedFuture(FlowException.invalid(Map.of("rotate_secret", Text.of("field.no-secret"))));
        }
        String secret = newSecret();
        return write(client, hash(client.clientId(), secret), rotateSecret)
                .map(w -> new Saved(client, w.created, w.issued ? secret : null));
    }

    /**
     * Creates or replaces the client with a secret the operator keeps (the configuration's secret
     * file): its keyed hash replaces whatever was stored. {@link Saved#secret} is null.
     */
    Future<Saved> putWithSecret(OidcClient client, String secret) {
        return write(client, client.isPublic() ? null : hash(client.clientId(), secret), true)
                .map(w -> new Saved(client, w.created, null));
    }

    private record Written(boolean created, boolean issued) {}

    private Future<Written> write(OidcClient c, String hash, boolean replaceHash) {
        Tuple args = Tuple.tuple()
                .addString(c.clientId())
                .addString(c.name())
                .addString(c.authMethod().wire)
                .addArrayOfString(c.redirectUris().toArray(String[]::new))
                .addArrayOfString(c.postLogoutRedirectUris().toArray(String[]::new))
                .addString(c.backchannelLogoutUri())
                .addString(ClientMetadata.scope(c.scopes()))
                .addString(hash)
                .addBoolean(replaceHash);
        return db.within(pool.preparedQuery(PUT).execute(args)).map(rows -> {
            Row r = rows.iterator().next();
            return new Written(r.getBoolean("inserted"), r.getBoolean("issued"));
        });
    }

    /** Whether there was such a client; it is gone now. */
    public Future<Boolean> delete(String clientId) {
        if (!ClientMetadata.validId(clientId)) {
            return Future.succeededFuture(false);
        }
        return db.within(pool.preparedQuery(DELETE).execute(Tuple.of(clientId))).map(rows -> rows.rowCount() == 1);
    }

    /**
     * Whether {@code presented} is the secret of the confidential client {@code clientId}: the keyed
     * hashes compared in constant time under every secrets key. A match under an older key is stored
     * again under the newest, so that key can later leave {@code secrets.keys} without breaking the
     * client. False for an unknown or public client.
     */
    public Future<Boolean> secretMatches(String clientId, String presented) {
        if (presented == null || !ClientMetadata.validId(clientId)) {
            return Future.succeededFuture(false);
        }
        return storedHash(clientId).compose(stored -> {
            List<String> candidates = secrets.keyedHashes(PURPOSE, clientId, presented);
            boolean found = false;
            for (String candidate : candidates) {
                found |= Secrets.sameHash(candidate, stored);
            }
            if (!found || Secrets.sameHash(candidates.get(0), stored)) {
                return Future.succeededFuture(found);
            }
            return db.within(pool.preparedQuery(REHASH).execute(Tuple.of(clientId, stored, candidates.get(0))))
                    .map(true)
                    .otherwise(true);
        });
    }

    /** The stored keyed hash of the client's secret; null for a public or unknown client. */
    Future<String> storedHash(String clientId) {
        return db.within(pool.preparedQuery(HASH).execute(Tuple.of(clientId))).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? it.next().getString("secret_hash") : null;
        });
    }

    /** The keyed hash a secret of the client is stored as, under the newest secrets key. */
    String hash(String clientId, String secret) {
        return secrets.keyedHash(PURPOSE, clientId, secret);
    }

    private String newSecret() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static List<OidcClient> all(RowSet<Row> rows) {
        List<OidcClient> out = new ArrayList<>();
        rows.forEach(r -> out.add(map(r)));
        return out;
    }

    private static OidcClient map(Row r) {
        Set<String> scopes = new LinkedHashSet<>(List.of(r.getString("scope").split(" ")));
        return new OidcClient(
                r.getString("client_id"),
                r.getString("client_name"),
                OidcClient.AuthMethod.of(r.getString("token_endpoint_auth_method")),
                List.of(r.getArrayOfStrings("redirect_uris")),
                List.of(r.getArrayOfStrings("post_logout_redirect_uris")),
                r.getString("backchannel_logout_uri"),
                scopes);
    }

    /**
     * A client as saved. {@code secret}: the plain secret when one was just made, to be shown once;
     * null otherwise. It is withheld from {@link #toString}, so no log line can carry it.
     */
    public record Saved(OidcClient client, boolean created, String secret) {
        @Override
        public String toString() {
            return "Saved[" + client.clientId() + ", created=" + created + ", secret "
                    + (secret == null ? "none" : "issued (withheld)") + "]";
        }
    }
}
