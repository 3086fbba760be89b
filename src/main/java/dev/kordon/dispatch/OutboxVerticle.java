package dev.kordon.dispatch;

import dev.kordon.audit.Audit;
import dev.kordon.bus.Addresses;
import dev.kordon.config.KordonConfig;
import dev.kordon.guard.Secrets;
import dev.kordon.store.RedisStore;
import dev.kordon.store.Scripts;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the outbox stream as one consumer of the group and hands each message to the mail or SMS
 * verticle. A message is acknowledged only once the provider took it. Failed deliveries stay
 * pending and are retried with a doubling delay ({@code dispatch.retry-base} … {@code retry-max});
 * messages another instance has held longer than {@code dispatch.claim-after} (it crashed) are
 * claimed and delivered here. XCLAIM's idle check makes a claim atomic between instances.
 * A message the provider refuses for good ({@link #PERMANENT}: a 5xx reply, an unusable address)
 * is not retried: it goes to the dead letters ({@link dev.kordon.store.Keys#deadLetters}, sealed as
 * it was) with an audit event and a metric; so does one that no listed key opens. The retry scan walks the whole pending list a page per
 * tick, so a message never waits behind others that are not due. At most once per poll interval a
 * tick also measures the backlog (messages left, age of the oldest) for the metrics.
 */
public final class OutboxVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxVerticle.class);
    private static final int MAX_IN_FLIGHT = 32;
    private static final int SCAN_PAGE = 64;
    /** Reply failure codes of the mail and SMS verticles: retried, or never. */
    public static final int TEMPORARY = 502;

    public static final int PERMANENT = 550;
    /** Dead letters kept for the operator: the newest this many. */
    static final int DEAD_LETTERS_KEPT = 10_000;
    /**
     * The outcomes of a delivery attempt, as {@code kordon_outbox_deliveries_total} labels them: taken
     * by the provider, failed for now, refused for good, given up (too old), or set aside unopened.
     */
    static final String SENT = "sent";

    static final String RETRY = "retry";
    static final String DEAD = "dead";
    static final String DROPPED = "dropped";
    /** Set aside as a dead letter because no key of {@code secrets.keys} opens it. */
    static final String NO_KEY = "no_key";

    public static final String NO_KEY_REASON = "no key opens it";

    private final RedisStore redis;
    private final Secrets secrets;
    private final KordonConfig.Dispatch config;
    private final String consumer;
    private final dev.kordon.ops.Metrics metrics;
    private final Audit audit;
    private final Set<String> inFlight = new HashSet<>();
    /** The outbox stream and its dead letters, from the store's keys at start. */
    private String stream;

    private String deadLetters;
    /** Where the next retry scan starts: "-" from the oldest, else after the last id seen. */
    private String scanFrom = "-";

    private boolean busy;
    /** When the backlog was last measured: once per poll interval, however often a wake-up ticks. */
    private long measuredAt;

    private long timer = -1;
    private MessageConsumer<Object> wake;

    public OutboxVerticle(
            RedisStore redis,
            Secrets secrets,
            KordonConfig.Dispatch config,
            dev.kordon.ops.Metrics metrics,
            Audit audit) {
        this.metrics = metrics;
        this.audit = audit;
        this.redis = redis;
        this.secrets = secrets;
        this.config = config;
        this.consumer = ManagementFactory.getRuntimeMXBean().getName() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public Future<?> start() {
        stream = redis.keys().outbox();
        deadLetters = redis.keys().deadLetters();
        metrics.deliveryKinds(
                List.of(Delivery.MAIL, Delivery.SMS, Delivery.LOGOUT), List.of(SENT, RETRY, DEAD, DROPPED, NO_KEY));
        wake = vertx.eventBus().consumer(Addresses.OUTBOX_WAKE, m -> tick());
        timer = vertx.setPeriodic(config.poll().toMillis(), id -> tick());
        // The group reads from the stream's start: messages accepted before any dispatcher ran are sent too.
        return redis.send(Command.XGROUP, "CREATE", stream, Outbox.GROUP, "0", "MKSTREAM")
                .recover(err -> err.getMessage() != null && err.getMessage().startsWith("BUSYGROUP")
                        ? Future.succeededFuture()
                        : Future.failedFuture(err))
                .recover(err -> {
                    // Redis down at start: the periodic tick creates nothing, but reads fail and retry; log and go on.
                    LOG.warn("outbox: cannot create the consumer group yet: " + err.getMessage());
                    return Future.succeededFuture();
                })
                .compose(v -> wake.completion());
    }

    /** The tick under way: stop waits for it, so no command of it races the Redis client's close. */
    private Future<Void> tickUnderWay = Future.succeededFuture();

    private void tick() {
        if (busy) {
            return;
        }
        busy = true;
        tickUnderWay = ensureGroup()
                .compose(v -> readNew())
                .compose(v -> retryPending())
                .eventually(this::measureBacklog)
                .onComplete(ar -> {
                    busy = false;
                    if (ar.failed()) {
                        LOG.debug("outbox tick failed: {}", ar.cause().getMessage());
                    }
                });
    }

    /**
     * The backlog for the metrics, one script per poll interval: a wake-up per accepted message adds
     * no round trip. A failed measurement leaves the last values; Redis being down has its own alerts.
     */
    private Future<Void> measureBacklog() {
        long now = System.currentTimeMillis();
        if (now - measuredAt < config.poll().toMillis()) {
            return Future.succeededFuture();
        }
        measuredAt = now;
        return redis.eval(Scripts.OUTBOX_BACKLOG, List.of(stream), List.of())
                .<Void>map(r -> {
                    metrics.outboxBacklog(r.get(0).toLong(), r.get(1).toLong());
                    return null;
                })
                .recover(err -> {
                    LOG.debug("outbox backlog not measured: {}", err.getMessage());
                    return Future.succeededFuture();
                });
    }

    private boolean groupReady;

    private Future<Void> ensureGroup() {
        if (groupReady) {
            return Future.succeededFuture();
        }
        return redis.send(Command.XGROUP, "CREATE", stream, Outbox.GROUP, "0", "MKSTREAM")
                .<Void>mapEmpty()
                .recover(err -> err.getMessage() != null && err.getMessage().startsWith("BUSYGROUP")
                        ? Future.succeededFuture()
                        : Future.failedFuture(err))
                .onSuccess(v -> groupReady = true);
    }

    private Future<Void> readNew() {
        int room = MAX_IN_FLIGHT - inFlight.size();
        if (room <= 0) {
            return Future.succeededFuture();
        }
        return redis.send(Command.XREADGROUP, "GROUP", Outbox.GROUP, consumer, "COUNT", room, "STREAMS", stream, ">")
                .map(r -> {
                    if (r != null) {
                        for (Response streamEntry : r) {
                            for (Response entry : streamEntry.get(1)) {
                                deliver(entry);
                            }
                        }
                    }
                    return null;
                });
    }

    private Future<Void> retryPending() {
        return redis.send(
                        Command.XPENDING,
                        stream,
                        Outbox.GROUP,
                        "IDLE",
                        config.retryBase().toMillis(),
                        scanFrom,
                        "+",
                        SCAN_PAGE)
                .compose(r -> {
                    Future<Void> chain = Future.succeededFuture();
                    // A full page: the next tick goes on after its last entry; a short one: back to the start.
                    scanFrom = r != null && r.size() == SCAN_PAGE
                            ? "(" + r.get(SCAN_PAGE - 1).get(0).toString()
                            : "-";
                    if (r == null) {
                        return chain;
                    }
                    for (Response p : r) {
                        String id = p.get(0).toString();
                        String owner = p.get(1).toString();
                        long idle = p.get(2).toLong();
                        long deliveries = p.get(3).toLong();
                        long needed = backoff(deliveries);
                        if (!owner.equals(consumer)) {
                            needed = Math.max(needed, config.claimAfter().toMillis());
                        }
                        if (inFlight.contains(id) || idle < needed || inFlight.size() >= MAX_IN_FLIGHT) {
                            continue;
                        }
                        long minIdle = needed;
                        chain = chain.compose(v -> redis.send(
                                        Command.XCLAIM, stream, Outbox.GROUP, consumer, minIdle, id)
                                .map(claimed -> {
                                    if (claimed != null) {
                                        for (Response entry : claimed) {
                                            if (entry != null) {
                                                deliver(entry);
                                            }
                                        }
                                    }
                                    return null;
                                }));
                    }
                    return chain;
                });
    }

    /** Wait before attempt n+1 after n deliveries: base, 2·base, 4·base … capped at retry-max. */
    long backoff(long deliveries) {
        long base = config.retryBase().toMillis();
        long shift = Math.min(Math.max(deliveries - 1, 0), 20);
        return Math.min(base << shift, config.retryMax().toMillis());
    }

    private void deliver(Response entry) {
        String id = entry.get(0).toString();
        if (entry.get(1) == null || inFlight.contains(id)) {
            return;
        }
        JsonObject fields = new JsonObject();
        Response kv = entry.get(1);
        for (int i = 0; i + 1 < kv.size(); i += 2) {
            fields.put(kv.get(i).toString(), kv.get(i + 1).toString());
        }
        long enqueued = Long.parseLong(fields.getString("t", "0"));
        // The kind as the metrics know it: the stream field is only read, never trusted as a label.
        String kind = Delivery.kindOf(fields.getString("k"));
        if (System.currentTimeMillis() - enqueued > config.giveUpAfter().toMillis()) {
            LOG.warn("outbox: message " + id + " (" + fields.getString("k") + ") undelivered after "
                    + config.giveUpAfter() + ", dropped");
            metrics.delivery(kind, DROPPED);
            ackDelete(id);
            return;
        }
        JsonObject message;
        try {
            message = new JsonObject(secrets.open(fields.getString("p", "")));
        } catch (Exception e) {
            // Kept for the operator, never dropped: once the key that sealed it is listed again, a redrive sends it.
            metrics.delivery(kind, NO_KEY);
            inFlight.add(id);
            deadLetter(id, fields, kind, NO_KEY_REASON).onComplete(x -> inFlight.remove(id));
            return;
        }
        Delivery delivery = Delivery.of(id, message);
        inFlight.add(id);
        vertx.eventBus()
                .request(
                        delivery.address(),
                        delivery,
                        new DeliveryOptions()
                                .setSendTimeout(config.sendTimeout().toMillis() + 1000))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        metrics.delivery(delivery.kind(), SENT);
                        ackDelete(id).onComplete(x -> inFlight.remove(id));
                    } else if (ar.cause() instanceof ReplyException re && re.failureCode() == PERMANENT) {
                        metrics.delivery(delivery.kind(), DEAD);
                        deadLetter(id, fields, delivery.kind(), re.getMessage()).onComplete(x -> inFlight.remove(id));
                    } else {
                        metrics.delivery(delivery.kind(), RETRY);
                        inFlight.remove(id);
                        LOG.info("outbox: delivery of " + id + " (" + delivery.kind() + ") failed, will retry: "
                                + ar.cause().getMessage());
                    }
                });
    }

    /** Set aside for good: kept sealed for the operator, off the stream, in the audit trail. */
    private Future<Void> deadLetter(String id, JsonObject fields, String kind, String reason) {
        LOG.warn("outbox: message " + id + " (" + kind + ") refused for good, set aside as a dead letter: " + reason);
        audit.record(
                Audit.DEAD_LETTER,
                null,
                null,
                null,
                null,
                new JsonObject().put("outbox_id", id).put("kind", kind).put("reason", reason));
        return redis.send(
                        Command.XADD,
                        deadLetters,
                        "MAXLEN",
                        "~",
                        DEAD_LETTERS_KEPT,
                        "*",
                        "id",
                        id,
                        "k",
                        kind,
                        "t",
                        fields.getString("t", "0"),
                        "dead",
                        System.currentTimeMillis(),
                        "reason",
                        reason,
                        "p",
                        fields.getString("p", ""))
                .compose(r -> ackDelete(id));
    }

    private Future<Void> ackDelete(String id) {
        return redis.eval(Scripts.ACK_DELETE, List.of(stream), List.of(Outbox.GROUP, id))
                .mapEmpty();
    }

    @Override
    public Future<?> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        Future<Void> unregistered = wake == null ? Future.succeededFuture() : wake.unregister();
        return unregistered
                .transform(ar -> tickUnderWay.transform(done -> Future.succeededFuture()))
                .compose(v -> Settle.when(
                        vertx, inFlight::isEmpty, config.sendTimeout().toMillis()));
    }
}
