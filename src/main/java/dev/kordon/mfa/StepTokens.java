package dev.kordon.mfa;

import dev.kordon.store.Keys;
import dev.kordon.store.RedisStore;
import dev.kordon.store.Scripts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The short-lived token between a first step that held and the second one: like a change token, no
 * session or token pair exists until the second step is done. It names the account (its first 16
 * bytes) and 32 random bytes; Redis keeps, by its SHA-256, what the first step proved and how many
 * tries were made. A token dies after {@code ttl}, at its last try, or when spent, whichever is first.
 */
public final class StepTokens {
    private static final int LENGTH = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A live step: its account, what the first step proved, and which try this is (from 1). */
    public record Step(UUID account, JsonObject proved, long attempt) {}

    private final RedisStore redis;
    private final Duration ttl;
    private final int tries;

    /** {@code ttl}: mfa.step-ttl; {@code tries}: wrong codes a token takes before it dies. */
    public StepTokens(RedisStore redis, Duration ttl, int tries) {
        this.redis = redis;
        this.ttl = ttl;
        this.tries = tries;
    }

    public Duration ttl() {
        return ttl;
    }

    /** A new token for {@code account}, keeping {@code proved} (method, when, from where) beside it. */
    public Future<String> issue(UUID account, JsonObject proved) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(ByteBuffer.allocate(48)
                        .putLong(account.getMostSignificantBits())
                        .putLong(account.getLeastSignificantBits())
                        .put(secret)
                        .array());
        String key = redis.keys().mfaStep(account, Keys.hashed(token));
        return redis.send(Command.HSET, key, "proved", proved.encode(), "tries", "0")
                .compose(r -> redis.send(Command.PEXPIRE, key, Long.toString(ttl.toMillis())))
                .map(r -> token);
    }

    /**
     * Counts one try of the token before its code is judged, so no more than {@code tries} codes are
     * ever judged for it, however many race: the step, or null when the token is unknown, over, or
     * out of tries (and then it is gone).
     */
    public Future<Step> attempt(String token) {
        UUID account = accountOf(token);
        if (account == null) {
            return Future.succeededFuture(null);
        }
        return redis.eval(
                        Scripts.STEP_TRY,
                        List.of(redis.keys().mfaStep(account, Keys.hashed(token))),
                        List.of(Integer.toString(tries)))
                .map(r -> r == null || r.size() < 2
                        ? null
                        : new Step(
                                account,
                                new JsonObject(r.get(1).toString()),
                                r.get(0).toLong()));
    }

    /** The step without counting a try (attempt 0): for what judges no code, such as showing an enrolment. */
    public Future<Step> peek(String token) {
        UUID account = accountOf(token);
        if (account == null) {
            return Future.succeededFuture(null);
        }
        return redis.send(Command.HGET, redis.keys().mfaStep(account, Keys.hashed(token)), "proved")
                .map(r -> r == null ? null : new Step(account, new JsonObject(r.toString()), 0));
    }

    /** Spends the token once its second step held: true for exactly one caller. */
    public Future<Boolean> spend(String token) {
        UUID account = accountOf(token);
        if (account == null) {
            return Future.succeededFuture(false);
        }
        return redis.send(Command.DEL, redis.keys().mfaStep(account, Keys.hashed(token)))
                .map(n -> n != null && n.toInteger() == 1);
    }

    private static UUID accountOf(String token) {
        if (token == null || token.length() != LENGTH) {
            return null;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(Base64.getUrlDecoder().decode(token));
            return new UUID(b.getLong(), b.getLong());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
