package dev.kordon.dispatch;

import dev.kordon.bus.Addresses;
import dev.kordon.guard.Secrets;
import dev.kordon.store.Outage;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable outbox: a Redis Stream read by a consumer group. A message is accepted once XADD
 * returns, and, with {@code dispatch.replica-acks} set, once that many replicas of the master have it
 * too (WAIT); from then on it survives SMTP or SMS outages, restarts and the loss of that master.
 * Payloads are sealed (AES-GCM): they hold temporary passwords and codes.
 */
public final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    public static final String GROUP = "dispatch";
    /** Bounds the stream should deliveries stall for long; far above any real backlog. */
    private static final int MAX_LENGTH = 200_000;

    private final Vertx vertx;
    private final RedisStore redis;
    private final Secrets secrets;
    private final int replicaAcks;
    private final Duration replicaWait;

    /** An outbox whose messages count once the master has them. */
    public Outbox(Vertx vertx, RedisStore redis, Secrets secrets) {
        this(vertx, redis, secrets, 0, Duration.ZERO);
    }

    /** An outbox whose messages count once the master and {@code replicaAcks} of its replicas have them. */
    public Outbox(Vertx vertx, RedisStore redis, Secrets secrets, int replicaAcks, Duration replicaWait) {
        this.vertx = vertx;
        this.redis = redis;
        this.secrets = secrets;
        this.replicaAcks = replicaAcks;
        this.replicaWait = replicaWait;
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
        Object[] args = {
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
            sealed
        };
        Future<String> added = replicaAcks == 0
                ? redis.send(Command.XADD, args).map(Response::toString)
                : redis.sendConfirmed(replicaAcks, replicaWait, Command.XADD, args)
                        .compose(this::confirmed);
        return added.onSuccess(id -> vertx.eventBus().publish(Addresses.OUTBOX_WAKE, null));
    }

    /**
     * Too few replicas: an outage (503) whose attempt stays counted. The entry stays in the stream and
     * is delivered if the master lives on or a replica had it after all, so an answered 503 may still
     * bring the message; what is never seen is a 202 for a message the loss of the master takes away.
     */
    private Future<String> confirmed(RedisStore.Confirmed c) {
        String id = c.reply().toString();
        if (c.replicas() >= replicaAcks) {
            return Future.succeededFuture(id);
        }
        LOG.warn("outbox: " + id + " confirmed by " + c.replicas() + " of " + replicaAcks + " replicas within "
                + replicaWait.toMillis() + " ms; answered as an outage (it may still be sent)");
        return Future.failedFuture(new Outage.Unconfirmed("outbox entry not confirmed by enough Redis replicas"));
    }
}
