package dev.kordon.dispatch;

import dev.kordon.bus.Addresses;
import dev.kordon.guard.Secrets;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;

/**
 * The durable outbox: a Redis Stream read by a consumer group. A message is accepted once XADD
 * returns, and from then on survives SMTP or SMS outages and restarts. Payloads are sealed
 * (AES-GCM): they hold temporary passwords and codes.
 */
public final class Outbox {
    public static final String GROUP = "dispatch";
    /** Bounds the stream should deliveries stall for long; far above any real backlog. */
    private static final int MAX_LENGTH = 200_000;

    private final Vertx vertx;
    private final RedisStore redis;
    private final Secrets secrets;

    public Outbox(Vertx vertx, RedisStore redis, Secrets secrets) {
        this.vertx = vertx;
        this.redis = redis;
        this.secrets = secrets;
    }

    /** Appends {@code {kind:"mail"|"sms", ...}}; the future completes once the message is durable. */
    public Future<String> enqueue(JsonObject message) {
        return enqueueSealed(message.getString("kind"), secrets.seal(message.encode()));
    }

    /**
     * Appends a payload sealed already (a dead letter sent again), as accepted now: the give-up
     * clock starts afresh, or a letter set aside a day ago would be dropped at once.
     */
    Future<String> enqueueSealed(String kind, String sealed) {
        return redis.send(
                        Command.XADD,
                        redis.keys().outbox(),
                        "MAXLEN",
                        "~",
                        MAX_LENGTH,
                        "*",
                        "k",
                        kind,
                        "t",
                        System.currentTimeMillis(),
                        "p",
                        sealed)
                .map(r -> {
                    vertx.eventBus().publish(Addresses.OUTBOX_WAKE, null);
                    return r.toString();
                });
    }
}
