package dev.kordon.token;

import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.store.Keys;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Browser sessions for the pages: the cookie holds an opaque id (the account id for Redis routing
 * plus 256 random bits); Redis holds only its SHA-256, with what {@code /auth/verify} answers.
 * Every sign-in makes a new id; any instance serves any page. A session created before the
 * account's {@link AccountEpoch} is over.
 *
 * <p>What Redis answered is kept for a moment in {@link VerifiedTokens} (at most {@link
 * VerifiedTokens#SESSION_MAX_AGE_MS}, only while the revocation feed is live), so a browser's
 * burst of requests costs one round trip. Whatever ends a session here announces it, and whatever
 * ends an account's credentials announces the account, so every instance drops it at once.
 */
public final class BrowserSessions {
    /** 48 bytes in unpadded base64url: the account's 16, then 32 random. */
    private static final int ID_LENGTH = 64;

    private final RedisStore redis;
    private final Duration ttl;
    private final VerifiedTokens verified;
    private final SecureRandom random = new SecureRandom();

    public BrowserSessions(RedisStore redis, Duration ttl, VerifiedTokens verified) {
        this.redis = redis;
        this.ttl = ttl;
        this.verified = verified;
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * A session for {@code who}: {@code sub}, {@code login}, {@code cat}, {@code role}, {@code amr}. It
     * counts from {@code iat_ms} when given (the access token it replaces), else from now.
     */
    public Future<String> create(JsonObject who) {
        UUID account = UUID.fromString(who.getString("sub"));
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String id = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(ByteBuffer.allocate(48)
                        .putLong(account.getMostSignificantBits())
                        .putLong(account.getLeastSignificantBits())
                        .put(secret)
                        .array());
        JsonObject kept = new JsonObject()
                .put("sub", who.getString("sub"))
                .put("login", who.getString("login"))
                .put("cat", who.getString("cat"))
                .put("role", who.getString("role", "subscriber"))
                .put("amr", who.getValue("amr", new JsonArray()))
                .put("at", who.getValue("iat_ms") instanceof Number ms ? ms.longValue() : System.currentTimeMillis());
        // When the person signed in, in epoch seconds: what an OpenID Connect ID token calls auth_time.
        kept.put("auth_time", kept.getLong("at") / 1000);
        String index = redis.keys().browserSessions(account);
        return redis.send(
                        Command.SET,
                        redis.keys().browserSession(account, Keys.hashed(id)),
                        kept.encode(),
                        "PX",
                        ttl.toMillis())
                // Filed under the account for the operator's list; a lost entry only hides the session there.
                .compose(r -> redis.send(Command.SADD, index, Keys.hashed(id)))
                .compose(r -> redis.send(Command.PEXPIRE, index, ttl.toMillis()))
                .map(r -> id);
    }

    /**
     * The account's live browser sessions: {@code id} (the SHA-256 the session is kept under, never
     * the cookie), {@code kind}, {@code created_at} and {@code expires_at} in epoch milliseconds.
     */
    public Future<JsonArray> list(UUID account) {
        return redis.send(Command.SMEMBERS, redis.keys().browserSessions(account))
                .compose(members -> {
                    List<String> ids = new ArrayList<>();
                    members.forEach(m -> ids.add(m.toString()));
                    List<Future<JsonObject>> each =
                            ids.stream().map(sha -> one(account, sha)).toList();
                    return Future.all(each)
                            .compose(all -> redis.send(Command.GET, redis.keys().epoch(account))
                                    .map(epoch -> {
                                        JsonArray out = new JsonArray();
                                        for (Future<JsonObject> f : each) {
                                            JsonObject s = f.result();
                                            // One that predates the epoch is already refused: it is no longer a
                                            // session.
                                            if (s != null && !AccountEpoch.predates(s.getLong("created_at"), epoch)) {
                                                out.add(s);
                                            }
                                        }
                                        return out;
                                    }));
                });
    }

    private Future<JsonObject> one(UUID account, String sha) {
        String key = redis.keys().browserSession(account, sha);
        return redis.send(Command.GET, key)
                .compose(value -> value == null
                        ? Future.<JsonObject>succeededFuture(null)
                        : redis.send(Command.PTTL, key).map(pttl -> {
                            Object at = new JsonObject(value.toString()).getValue("at");
                            long created = at instanceof Number n ? n.longValue() : 0;
                            long left = pttl == null ? 0 : pttl.toLong();
                            return new JsonObject()
                                    .put("id", sha)
                                    .put("kind", "browser")
                                    .put("created_at", created)
                                    .put("expires_at", left > 0 ? System.currentTimeMillis() + left : null);
                        }));
    }

    /** Ends one session by the id {@link #list} gave; false when there was none. */
    public Future<Boolean> end(UUID account, String sha) {
        return redis.send(Command.DEL, redis.keys().browserSession(account, sha))
                .compose(n -> redis.send(Command.SREM, redis.keys().browserSessions(account), sha)
                        .map(r -> n.toInteger() > 0))
                .compose(found -> forget(sha).map(found));
    }

    /**
     * Ends every listed session of the account. The epoch refuses them already; this also takes them
     * out of Redis and off the operator's list.
     */
    public Future<Void> endAll(UUID account) {
        String index = redis.keys().browserSessions(account);
        return redis.send(Command.SMEMBERS, index)
                .compose(members -> {
                    List<Future<?>> dels = new ArrayList<>();
                    members.forEach(m ->
                            dels.add(redis.send(Command.DEL, redis.keys().browserSession(account, m.toString()))));
                    return Future.all(dels);
                })
                .compose(v -> {
                    // Announced after the keys are gone: an instance that hears of it and asks again finds none.
                    verified.evictAccount(account);
                    return verified.announceAccount(
                            account, System.currentTimeMillis() + VerifiedTokens.SESSION_MAX_AGE_MS + 1_000);
                })
                .compose(v -> redis.send(Command.DEL, index))
                .mapEmpty();
    }

    /**
     * Who the session belongs to (read-only), or a failed future when it is unknown or over. From
     * this instance's cache when it holds the session, else from Redis.
     */
    public Future<JsonObject> lookup(String id) {
        if (id == null || id.length() != ID_LENGTH) {
            return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
        }
        // Only a well-formed id is ever cached, so a hit needs no decoding.
        String sha = Keys.hashed(id);
        JsonObject cached = verified.session(sha);
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        UUID account = accountOf(id);
        if (account == null) {
            return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
        }
        // Taken before the read: a revocation heard while it runs keeps the answer out of the cache.
        long since = verified.epoch();
        long readAt = System.currentTimeMillis();
        // One round trip: the session and the account's epoch share the account's hash tag.
        // No session is UNAUTHORIZED; Redis failing is not, and reaches the caller as it is (503).
        return redis.send(
                        Command.MGET,
                        redis.keys().browserSession(account, sha),
                        redis.keys().epoch(account))
                .compose(r -> {
                    if (r == null || r.get(0) == null) {
                        return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
                    }
                    JsonObject who = new JsonObject(r.get(0).toString());
                    Object at = who.getValue("at");
                    long createdMs = at instanceof Number n ? n.longValue() : 0;
                    if (AccountEpoch.predates(createdMs, r.get(1))) {
                        return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
                    }
                    who.remove("at");
                    who.put("sid", sid(sha));
                    // Said as an access token says it, so /auth/verify reads both alike.
                    who.put("acr", Assurance.of(who));
                    JsonObject frozen = FrozenJson.of(who);
                    // Its Redis key was set no earlier than its "at", with the ttl: it ends no later than this.
                    verified.putSession(sha, account, frozen, createdMs + ttl.toMillis(), readAt, since);
                    return Future.succeededFuture(frozen);
                });
    }

    public Future<Void> destroy(String id) {
        UUID account = accountOf(id);
        if (account == null) {
            return Future.succeededFuture();
        }
        String sha = Keys.hashed(id);
        return redis.send(Command.DEL, redis.keys().browserSession(account, sha))
                .compose(r -> redis.send(Command.SREM, redis.keys().browserSessions(account), sha))
                .compose(r -> forget(sha));
    }

    /**
     * After its key is gone: the session leaves this instance's cache, then every other instance is
     * told; done once Redis took the announcement.
     */
    private Future<Void> forget(String sha) {
        verified.evictSession(sha);
        return verified.announceSession(sha);
    }

    /** The session's OpenID Connect {@code sid}, by the key it is kept under: public, never the cookie. */
    public static String sid(String sha) {
        return Keys.hashed("sid:" + sha).substring(0, 32);
    }

    /** The {@code sid} of the session a cookie holds. */
    public static String sidOfCookie(String id) {
        return sid(Keys.hashed(id));
    }

    /** The account a session id names; null when it is not one of ours (length, base64url). */
    public static UUID accountOf(String id) {
        if (id == null || id.length() != ID_LENGTH) {
            return null;
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(Base64.getUrlDecoder().decode(id));
            return new UUID(buf.getLong(), buf.getLong());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
