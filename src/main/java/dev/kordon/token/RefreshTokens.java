package dev.kordon.token;

import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.store.Keys;
import dev.kordon.store.RedisStore;
import dev.kordon.store.Scripts;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Opaque refresh tokens in Redis. A token is the account id (so its keys land under the account's
 * hash tag) and 256 random bits; only its SHA-256 is stored. Tokens chain into a family that lives
 * at most the absolute lifetime; each token lives the idle lifetime and is good exactly once.
 */
public final class RefreshTokens {
    private static final int SECRET_BYTES = 32;

    private final RedisStore redis;
    private final Duration idle;
    private final Duration absolute;
    private final SecureRandom random = new SecureRandom();

    public RefreshTokens(RedisStore redis, Duration idle, Duration absolute) {
        this.redis = redis;
        this.idle = idle;
        this.absolute = absolute;
    }

    /** Starts a new family for the account, keeping how its sign-in was made ({@code amr}) for every refresh. */
    public Future<Issued> issue(UUID account, List<String> amr) {
        String family = HexFormat.of().formatHex(randomBytes(16));
        String token = newToken(account);
        long abs = System.currentTimeMillis() + absolute.toMillis();
        return redis.eval(
                        Scripts.REFRESH_ISSUE,
                        List.of(
                                tokenKey(account, token),
                                redis.keys().family(account, family),
                                redis.keys().families(account)),
                        List.of(
                                family,
                                Long.toString(abs),
                                Long.toString(absolute.toMillis()),
                                Long.toString(idle.toMillis()),
                                Long.toString(abs - absolute.toMillis()),
                                String.join(" ", amr)))
                .map(r -> new Issued(account, family, token, idle.toSeconds(), List.copyOf(amr)));
    }

    /** Exchanges a token for the next one of its family; fails with {@code invalid_grant}. */
    public Future<Issued> rotate(String presented) {
        UUID account = accountOf(presented);
        if (account == null) {
            return Future.failedFuture(new FlowException(Failure.INVALID_GRANT));
        }
        String next = newToken(account);
        return redis.eval(
                        Scripts.REFRESH_ROTATE,
                        List.of(tokenKey(account, presented), tokenKey(account, next)),
                        List.of(
                                redis.keys().familyPrefix(account),
                                Long.toString(System.currentTimeMillis()),
                                Long.toString(idle.toMillis())))
                .compose(r -> {
                    long outcome = r.get(0).toLong();
                    if (outcome == 1) {
                        return Future.succeededFuture(new Issued(
                                account, r.get(1).toString(), next, r.get(2).toLong() / 1000, amr(r)));
                    }
                    return Future.failedFuture(
                            outcome == -1
                                    ? new Reuse(account, r.get(1).toString())
                                    : new FlowException(Failure.INVALID_GRANT));
                });
    }

    public Future<Void> revokeFamily(UUID account, String family) {
        return redis.send(Command.DEL, redis.keys().family(account, family)).mapEmpty();
    }

    /**
     * The account's live families: {@code id}, {@code kind}, {@code created_at}, {@code last_used_at}
     * (the last sign-in or refresh that issued a token) and {@code expires_at} in epoch milliseconds
     * (created is the absolute end less the absolute lifetime). No token.
     */
    public Future<io.vertx.core.json.JsonArray> families(UUID account) {
        return redis.send(Command.SMEMBERS, redis.keys().families(account)).compose(members -> {
            List<String> ids = new java.util.ArrayList<>();
            members.forEach(m -> ids.add(m.toString()));
            List<Future<Response>> ttls = ids.stream()
                    .map(f -> redis.send(Command.PTTL, redis.keys().family(account, f)))
                    .toList();
            List<Future<Response>> used = ids.stream()
                    .map(f -> redis.send(Command.GET, redis.keys().family(account, f)))
                    .toList();
            return Future.all(Future.all(ttls), Future.all(used)).map(all -> {
                long now = System.currentTimeMillis();
                io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
                for (int i = 0; i < ids.size(); i++) {
                    long left = ttls.get(i).result() == null
                            ? -2
                            : ttls.get(i).result().toLong();
                    if (left > 0) {
                        long created = now + left - absolute.toMillis();
                        Response at = used.get(i).result();
                        // A family from before last use was kept holds "1": its start is all that is known.
                        long lastUsed = at == null || at.toString().length() < 13 ? created : at.toLong();
                        out.add(new io.vertx.core.json.JsonObject()
                                .put("id", ids.get(i))
                                .put("kind", "refresh")
                                .put("created_at", created)
                                .put("last_used_at", lastUsed)
                                .put("expires_at", now + left));
                    }
                }
                return out;
            });
        });
    }

    /** Ends one family by its id; false when it was not live. */
    public Future<Boolean> end(UUID account, String family) {
        return redis.send(Command.DEL, redis.keys().family(account, family))
                .compose(n -> redis.send(Command.SREM, redis.keys().families(account), family)
                        .map(r -> n.toInteger() > 0));
    }

    /** Revokes every family of the account: every refresh token it holds stops working. */
    public Future<Integer> revokeAll(UUID account) {
        return redis.eval(
                        Scripts.REVOKE_ALL,
                        List.of(redis.keys().families(account)),
                        List.of(redis.keys().familyPrefix(account)))
                .map(Response::toInteger);
    }

    /**
     * The family's amr as a rotation read it. Only a password opened families before it was kept, so
     * one without it is {@code ["pwd"]}.
     */
    private static List<String> amr(Response r) {
        String kept = r.size() > 3 && r.get(3) != null ? r.get(3).toString() : "";
        return kept.isBlank() ? List.of("pwd") : List.of(kept.split(" "));
    }

    private String newToken(UUID account) {
        ByteBuffer buf = ByteBuffer.allocate(16 + SECRET_BYTES);
        buf.putLong(account.getMostSignificantBits())
                .putLong(account.getLeastSignificantBits())
                .put(randomBytes(SECRET_BYTES));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buf.array());
    }

    private static UUID accountOf(String token) {
        if (token == null || token.length() != 64) {
            return null;
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(Base64.getUrlDecoder().decode(token));
            return new UUID(buf.getLong(), buf.getLong());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String tokenKey(UUID account, String token) {
        return redis.keys().refreshToken(account, Keys.hashed(token));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A refresh token with the family it belongs to; {@code expiresIn} in seconds; the family's {@code amr}. */
    public record Issued(UUID account, String family, String token, long expiresIn, List<String> amr) {}

    /** A used token came back: the family is already revoked; the flow records it and answers 401. */
    public static final class Reuse extends RuntimeException {
        public final UUID account;
        public final String family;

        Reuse(UUID account, String family) {
            super("refresh token reuse", null, false, false);
            this.account = account;
            this.family = family;
        }
    }
}
