package dev.kordon.token;

import dev.kordon.store.RedisStore;
import dev.kordon.store.Scripts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The moment (epoch milliseconds) from which an account's credentials count: an access token or a
 * browser session issued before it is refused. Raised when the password changes, the account is
 * disabled or its role changes. Kept in Redis under the account's hash tag, so it is read in the
 * same round trip as the other per-account keys, and only as long as a credential issued before it
 * could still be alive.
 *
 * <p>Milliseconds, not the seconds of {@code iat}: a token issued in the same second as a change,
 * before it, must die, and one issued after it must live. So access tokens carry {@code iat_ms} and
 * sessions their creation time in milliseconds; a token without {@code iat_ms} counts from the
 * start of its {@code iat} second, which can only refuse it, never keep it.
 */
public final class AccountEpoch {
    private final RedisStore redis;
    private final Duration keep;

    /**
     * {@code credentialLife}: the longest any access token or browser session lives; an epoch is kept
     * that long, after which nothing issued before it can still be presented.
     */
    public AccountEpoch(RedisStore redis, Duration credentialLife) {
        this.redis = redis;
        this.keep = credentialLife.plusMinutes(1);
    }

    /** Raises the account's epoch to now (never lowers it); returns the epoch in force. */
    public Future<Long> raise(UUID account) {
        return redis.eval(
                        Scripts.EPOCH_RAISE,
                        List.of(redis.keys().epoch(account)),
                        List.of(
                                Long.toString(System.currentTimeMillis()),
                                Long.toString(Math.max(1000, keep.toMillis()))))
                .map(Response::toLong);
    }

    /** The account's epoch as stored (null: none), for {@link #predates}. */
    public Future<Response> read(UUID account) {
        return redis.send(Command.GET, redis.keys().epoch(account));
    }

    /** When an access token was issued, in milliseconds. */
    public static long issuedMs(JsonObject claims) {
        Object ms = claims.getValue("iat_ms");
        if (ms instanceof Number n) {
            return n.longValue();
        }
        Object iat = claims.getValue("iat");
        return iat instanceof Number n ? n.longValue() * 1000 : 0;
    }

    /** Whether something issued at {@code issuedMs} predates the epoch read from Redis (null: none). */
    public static boolean predates(long issuedMs, Response epoch) {
        if (epoch == null) {
            return false;
        }
        try {
            return issuedMs < Long.parseLong(epoch.toString());
        } catch (NumberFormatException e) {
            // Unreadable: refuse rather than guess.
            return true;
        }
    }
}
