package dev.kordon.ops;

import dev.kordon.credential.HashQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus metrics ({@code GET /metrics}): Vert.x's own (HTTP server, pools, event bus), the
 * JVM's, and Kordon's, all named here:
 * <ul>
 *   <li>{@code kordon_security_events_total{event}}: the audit events by name;</li>
 *   <li>{@code kordon_throttle_hits_total{kind}}: requests a throttle or cap refused with 429;</li>
 *   <li>{@code kordon_sms_budget_spent_total}, {@code kordon_sms_budget_per_minute}: SMS counted
 *       against {@code sending.sms-per-minute}, and that cap;</li>
 *   <li>{@code kordon_credential_shed_total}: sign-ins refused with 503, the hash pool full;
 *       {@code kordon_hash_seconds{op}} and {@code kordon_hash_queue_wait_seconds{op}}: each
 *       Argon2id job's time on a hashing thread and before it; {@code kordon_hash_queue_depth}
 *       and {@code kordon_hash_queue_capacity}: jobs waiting for a thread, and how many may;</li>
 *   <li>{@code kordon_outbox_deliveries_total{kind,outcome}}: delivery attempts;
 *       {@code kordon_outbox_pending} and {@code kordon_outbox_lag_seconds}: messages not yet
 *       delivered and the age of the oldest (the one stream of all instances, as each sees it);</li>
 *   <li>{@code kordon_sim_swap_checks_total{outcome}}, {@code kordon_sim_swap_check_seconds},
 *       {@code kordon_sim_swap_breaker_open}: the SIM swap check before SMS codes.</li>
 * </ul>
 * Labels are closed sets (kinds, outcomes, events), never a login, an address or an account.
 * Every series a dashboard or an alert reads is registered at zero up front, so a rate over it
 * exists before the first event. One instance per Kordon, made by whoever makes its Vert.x and
 * handed to what counts.
 */
public final class Metrics {
    /**
     * Vert.x registers each of its shared gauges again for every client and handler, on purpose:
     * all registrations feed one counter per meter id. Micrometer warns about the first repeat as
     * if a value were lost; none is, so that one message is dropped.
     */
    static {
        Logging.drop("io.micrometer.core.instrument.MeterRegistry", "This Gauge has been already registered");
    }

    /** Histogram buckets of the hash timers: from a cheap test hash to a pool queued for seconds. */
    private static final Duration[] HASH_BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10)
    };

    private final PrometheusMeterRegistry registry;
    private final Counter shed;
    private final Counter smsSpent;
    private final Counter faults;
    private final AtomicLong smsBudget = new AtomicLong();
    private final AtomicLong outboxPending = new AtomicLong();
    private final AtomicLong outboxLagMillis = new AtomicLong();

    /** Kordon's and the JVM's meters in a fresh registry; {@link #newVertx} adds Vert.x's own. */
    public Metrics() {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        this.shed = Counter.builder("kordon_credential_shed")
                .description("sign-ins refused with 503: hash queue full")
                .register(registry);
        this.faults = Counter.builder("kordon_internal_errors")
                .description(
                        "requests answered 500 through a fault in Kordon (each logged with its stack), not an outage")
                .register(registry);
        this.smsSpent = Counter.builder("kordon_sms_budget_spent")
                .description("SMS counted against sending.sms-per-minute (each one that goes out)")
                .register(registry);
        Gauge.builder("kordon_sms_budget_per_minute", smsBudget, AtomicLong::get)
                .description("sending.sms-per-minute: SMS all instances together may send per minute")
                .register(registry);
        Gauge.builder("kordon_outbox_pending", outboxPending, AtomicLong::get)
                .description("outbox messages not yet delivered, set aside or dropped")
                .register(registry);
        Gauge.builder("kordon_outbox_lag", outboxLagMillis, ms -> ms.get() / 1000.0)
                .baseUnit("seconds")
                .description("age of the oldest outbox message not yet delivered; 0 when none waits")
                .register(registry);
    }

    /** A Vert.x instance that reports into this registry. */
    public Vertx newVertx(VertxOptions options) {
        return Vertx.builder()
                .with(options.setMetricsOptions(
                        new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false)))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    public Handler<RoutingContext> scrapeHandler() {
        return PrometheusScrapingHandler.create(registry);
    }

    /** A request failed through a fault in Kordon itself. */
    public void internalError() {
        faults.increment();
    }

    public void securityEvent(String event) {
        Counter.builder("kordon_security_events")
                .description("audit events, by name")
                .tag("event", event)
                .register(registry)
                .increment();
    }

    /** SIM swap events the network pushed, by what Kordon did with them; every outcome starts at zero. */
    public void simSwapOutcomes(Collection<String> outcomes) {
        outcomes.forEach(this::simSwapEvents);
    }

    public void simSwapEvent(String outcome) {
        simSwapEvents(outcome).increment();
    }

    private Counter simSwapEvents(String outcome) {
        return Counter.builder("kordon_sim_swap_events")
                .description("SIM swap events pushed by the network, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    // ---- throttles and the SMS budget

    /** Every kind a throttle may refuse with, exported at zero until its first hit. */
    public void throttleKinds(Collection<String> kinds) {
        kinds.forEach(this::throttleHits);
    }

    public void throttleHit(String kind) {
        throttleHits(kind).increment();
    }

    private Counter throttleHits(String kind) {
        return Counter.builder("kordon_throttle_hits")
                .description("requests refused with 429, by the limit that decided")
                .tag("kind", kind)
                .register(registry);
    }

    public void smsBudget(int perMinute) {
        smsBudget.set(perMinute);
    }

    public void smsSpent() {
        smsSpent.increment();
    }

    // ---- the hash pool

    /**
     * The hash pool's admission ({@code workers} running, waiting bounded by {@code maxWait} and by
     * {@code queue} when set), reporting here: the sign-ins it sheds, each job's wait and work by kind
     * of job, how many wait now and may wait, and how busy the hashing threads were.
     */
    public HashQueue hashQueue(int workers, int queue, Duration maxWait) {
        Map<String, Timer> work = Map.of(
                HashQueue.VERIFY,
                hashTimer("kordon_hash", HashQueue.VERIFY, "time of one Argon2id job on a hashing thread"),
                HashQueue.HASH,
                hashTimer("kordon_hash", HashQueue.HASH, "time of one Argon2id job on a hashing thread"));
        Map<String, Timer> wait = Map.of(
                HashQueue.VERIFY,
                hashTimer(
                        "kordon_hash_queue_wait",
                        HashQueue.VERIFY,
                        "time a hash job held a place before a hashing thread took it"),
                HashQueue.HASH,
                hashTimer(
                        "kordon_hash_queue_wait",
                        HashQueue.HASH,
                        "time a hash job held a place before a hashing thread took it"));
        HashQueue places = new HashQueue(workers, queue, maxWait, new HashQueue.Meter() {
            @Override
            public void shed() {
                shed.increment();
            }

            @Override
            public void done(String op, long waitedNanos, long workedNanos) {
                wait.get(op).record(waitedNanos, TimeUnit.NANOSECONDS);
                work.get(op).record(workedNanos, TimeUnit.NANOSECONDS);
            }
        });
        // Strong references: the registry must not be what decides how long the pool lives.
        Gauge.builder("kordon_hash_queue_depth", places, HashQueue::waiting)
                .strongReference(true)
                .description("hash jobs holding a place and waiting for a hashing thread")
                .register(registry);
        Gauge.builder("kordon_hash_queue_capacity", places, HashQueue::queuePlaces)
                .strongReference(true)
                .description(
                        "hash jobs that may wait now: hash.max-wait over the recent hash time, per thread (at most "
                                + "hash.queue when set); beyond them sign-ins are shed")
                .register(registry);
        Gauge.builder("kordon_hash_recent_seconds", places, p -> p.hashTime().toNanos() / 1e9)
                .strongReference(true)
                .description("the recent time of one hash, a moving average: what hash.max-wait is divided by")
                .register(registry);
        FunctionCounter.builder("kordon_hash_busy_seconds", places, p -> p.busyNanos() / 1e9)
                .description("time the hashing threads spent hashing, summed over the threads")
                .register(registry);
        return places;
    }

    private Timer hashTimer(String name, String op, String description) {
        return Timer.builder(name)
                .tag("op", op)
                .description(description)
                .serviceLevelObjectives(HASH_BUCKETS)
                .register(registry);
    }

    // ---- the SIM swap check

    /**
     * The SIM swap check, its meters registered at zero: checks by outcome, the service's latency,
     * and whether the breaker is open (not closed: open or trying one check) now.
     */
    public SwapMeter simSwap(Collection<String> outcomes, java.util.function.BooleanSupplier breakerOpen) {
        Map<String, Counter> checks = new java.util.HashMap<>();
        for (String outcome : outcomes) {
            checks.put(
                    outcome,
                    Counter.builder("kordon_sim_swap_checks")
                            .description("SIM swap checks before an SMS code, by outcome")
                            .tag("outcome", outcome)
                            .register(registry));
        }
        Timer latency = Timer.builder("kordon_sim_swap_check")
                .description("time of one call to the SIM swap service, the token request included")
                .serviceLevelObjectives(HASH_BUCKETS)
                .register(registry);
        Gauge.builder("kordon_sim_swap_breaker_open", breakerOpen, b -> b.getAsBoolean() ? 1 : 0)
                .strongReference(true)
                .description(
                        "1 while the SIM swap service's breaker is not closed: checks are answered by sim-swap.on-error")
                .register(registry);
        return new SwapMeter() {
            @Override
            public void check(String outcome) {
                checks.get(outcome).increment();
            }

            @Override
            public void called(long nanos) {
                latency.record(nanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    /** What the SIM swap check reports. */
    public interface SwapMeter {
        void check(String outcome);

        void called(long nanos);
    }

    // ---- the outbox

    /** Every kind of message and every outcome of a delivery, exported at zero until it happens. */
    public void deliveryKinds(Collection<String> kinds, Collection<String> outcomes) {
        kinds.forEach(kind -> outcomes.forEach(outcome -> deliveries(kind, outcome)));
    }

    public void delivery(String kind, String outcome) {
        deliveries(kind, outcome).increment();
    }

    private Counter deliveries(String kind, String outcome) {
        return Counter.builder("kordon_outbox_deliveries")
                .description("outbox delivery attempts, by kind and outcome")
                .tags("kind", kind, "outcome", outcome)
                .register(registry);
    }

    /** The outbox as last measured: messages in it, and the age of the oldest (0 when empty). */
    public void outboxBacklog(long pending, long oldestAgeMillis) {
        outboxPending.set(pending);
        outboxLagMillis.set(oldestAgeMillis);
    }
}
