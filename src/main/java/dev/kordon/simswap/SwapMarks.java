package dev.kordon.simswap;

import dev.kordon.guard.Secrets;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import java.time.Duration;

/**
 * Numbers whose SIM the network says was swapped lately (a pushed event): while a mark lives, no SMS
 * code is made for the number, whatever the check service answers. Redis knows a number only by its
 * keyed hash ({@link Secrets#keyedHash}), never in plain.
 */
public final class SwapMarks {
    private final RedisStore redis;
    private final Secrets secrets;

    public SwapMarks(RedisStore redis, Secrets secrets) {
        this.redis = redis;
        this.secrets = secrets;
    }

    /** The number, in E.164 as the phone format writes it, as Redis knows it. */
    public String numberHash(String e164) {
        return secrets.keyedHash("sim-swap", e164);
    }

    /** The number's SIM was swapped: marked for {@code ttl} (sim-swap.max-age). */
    public Future<Void> mark(String e164, Duration ttl) {
        return redis.send(Command.SET, redis.keys().simSwapMark(numberHash(e164)), "1", "PX", ttl.toMillis())
                .mapEmpty();
    }

    /** Whether a live mark says the number's SIM was swapped. */
    public Future<Boolean> marked(String e164) {
        return redis.send(Command.EXISTS, redis.keys().simSwapMark(numberHash(e164)))
                .map(r -> r != null && r.toLong() > 0);
    }
}
