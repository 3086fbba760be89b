package dev.kordon.guard;

import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import java.util.UUID;

/**
 * Access tokens signed out before they expire, by jti. A signed token cannot be recalled, so every
 * check asks here; an entry only needs to outlive the token it names.
 */
public final class DenyList {
    private final RedisStore redis;

    public DenyList(RedisStore redis) {
        this.redis = redis;
    }

    /** Denies the token for {@code ttlMs}, which the caller takes from the token's expiry. */
    public Future<Void> deny(UUID account, String jti, long ttlMs) {
        return redis.send(Command.SET, redis.keys().denied(account, jti), "1", "PX", ttlMs)
                .mapEmpty();
    }

    /** Denies every access token of the refresh family {@code family} for {@code ttlMs}: the access lifetime. */
    public Future<Void> denyFamily(UUID account, String family, long ttlMs) {
        return redis.send(Command.SET, redis.keys().deniedFamily(account, family), "1", "PX", ttlMs)
                .mapEmpty();
    }

    /** Whether the token {@code jti}, or its family {@code family} (null: none), was signed out. */
    public Future<Boolean> denied(UUID account, String jti, String family) {
        // One EXISTS: both keys sit under the account's hash tag.
        return (family == null
                        ? redis.send(Command.EXISTS, redis.keys().denied(account, jti))
                        : redis.send(
                                Command.EXISTS,
                                redis.keys().denied(account, jti),
                                redis.keys().deniedFamily(account, family)))
                .map(r -> r.toInteger() != 0);
    }
}
