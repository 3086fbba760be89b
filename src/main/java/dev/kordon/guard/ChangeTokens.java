package dev.kordon.guard;

import dev.kordon.store.RedisStore;
import dev.kordon.store.Scripts;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The Redis half of a change token (the forced change after a temporary-password sign-in): by the
 * token's jti, the keyed hash of the temporary password that opened it, so the new password can be
 * compared with it, and so the token works once, whatever races it. It lives as long as the token.
 */
public final class ChangeTokens {
    private final RedisStore redis;
    private final Duration ttl;

    /** {@code ttl}: tokens.change-ttl, the signed token's own lifetime. */
    public ChangeTokens(RedisStore redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Keeps the temporary password's hash beside the token {@code jti} just issued. */
    public Future<Void> issue(UUID account, String jti, String tempHash) {
        return redis.send(Command.SET, redis.keys().changeToken(account, jti), tempHash, "PX", ttl.toMillis())
                .mapEmpty();
    }

    /** The hash kept with a live, unspent token, or null. */
    public Future<String> peek(UUID account, String jti) {
        return redis.send(Command.GET, redis.keys().changeToken(account, jti))
                .map(stored -> stored == null ? null : stored.toString());
    }

    /** Spends the token: true for exactly one caller, and only while it still holds {@code tempHash}. */
    public Future<Boolean> spend(UUID account, String jti, String tempHash) {
        return redis.eval(Scripts.TAKE_IF_EQUAL, List.of(redis.keys().changeToken(account, jti)), List.of(tempHash))
                .map(r -> r.toInteger() == 1);
    }
}
