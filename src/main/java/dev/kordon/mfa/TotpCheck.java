package dev.kordon.mfa;

import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import java.util.UUID;

/**
 * A typed TOTP code judged for one account: good for its step and the next and previous ones, and
 * once only. The step it matched is claimed in Redis with SET NX, so of two sign-ins racing with the
 * same code (or a code seen over a shoulder and replayed within its minute) one at most gets in.
 */
public final class TotpCheck {
    /** A claimed step outlives every moment at which its code could still be accepted. */
    static final long CLAIM_MS = (2L * Totp.WINDOW + 2) * Totp.STEP_SECONDS * 1000;

    private final RedisStore redis;

    public TotpCheck(RedisStore redis) {
        this.redis = redis;
    }

    /** True for the first use of a code good at {@code epochSeconds}; false for a wrong code or a replay. */
    public Future<Boolean> accept(UUID account, byte[] secret, String typed, long epochSeconds) {
        long step = Totp.matchingStep(secret, typed, epochSeconds);
        if (step < 0) {
            return Future.succeededFuture(false);
        }
        return redis.send(Command.SET, redis.keys().totpStep(account, step), "1", "NX", "PX", Long.toString(CLAIM_MS))
                .map(r -> r != null && "OK".equals(r.toString()));
    }
}
