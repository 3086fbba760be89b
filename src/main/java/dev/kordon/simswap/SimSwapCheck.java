package dev.kordon.simswap;

import dev.kordon.config.KordonConfig;
import dev.kordon.ops.Metrics;
import dev.kordon.ops.RequestScope;
import dev.kordon.simswap.SwapVerdict.Action;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIM swap check before an SMS code: a live {@link SwapMarks} mark means swapped without asking;
 * else the answer kept in Redis for {@code sim-swap.cache-ttl}; else the operator's CAMARA service
 * ({@link SwapService}). Never fails: when no one can say, {@code sim-swap.on-error} decides. With
 * {@code sim-swap.url} empty only the marks are looked at.
 */
public final class SimSwapCheck {
    private static final Logger LOG = LoggerFactory.getLogger(SimSwapCheck.class);

    private final KordonConfig.SimSwap config;
    private final SwapMarks marks;
    private final RedisStore redis;
    private final SwapService service;
    private final Metrics.SwapMeter meter;

    private SimSwapCheck(
            KordonConfig.SimSwap config, SwapMarks marks, RedisStore redis, SwapService service, Metrics metrics) {
        this.config = config;
        this.marks = marks;
        this.redis = redis;
        this.service = service;
        this.meter = metrics.simSwap(SwapVerdict.OUTCOMES, () -> service != null && service.breakerOpen());
    }

    /** The check as configured; without {@code sim-swap.url} nothing is ever asked of a service. */
    public static SimSwapCheck create(
            Vertx vertx, KordonConfig.SimSwap config, SwapMarks marks, RedisStore redis, Metrics metrics) {
        SwapService service = config.on() ? new SwapService(vertx, config, new CheckToken(vertx, config)) : null;
        return new SimSwapCheck(config, marks, redis, service, metrics);
    }

    public KordonConfig.SimSwap config() {
        return config;
    }

    public SwapMarks marks() {
        return marks;
    }

    /** What to do about an SMS code for the number (E.164). */
    public Future<SwapVerdict> verdict(String e164) {
        return marks.marked(e164)
                .compose(marked -> {
                    if (marked) {
                        return counted(new SwapVerdict(SwapVerdict.MARKED, Action.SWAPPED, null));
                    }
                    if (service == null) {
                        return Future.succeededFuture(SwapVerdict.OFF);
                    }
                    String key = redis.keys().simSwapAnswer(marks.numberHash(e164));
                    return redis.send(Command.GET, key)
                            .compose(kept -> kept != null
                                    ? counted(new SwapVerdict(
                                            SwapVerdict.CACHED,
                                            "1".equals(kept.toString()) ? Action.SWAPPED : Action.SEND,
                                            null))
                                    : asked(e164, key));
                })
                .recover(err -> {
                    // Redis out of reach: no mark and no cache can be read, so no one can say.
                    LOG.warn("SIM swap check without Redis: {}", err.getMessage());
                    return counted(unanswered(SwapVerdict.ERROR, "redis"));
                });
    }

    private Future<SwapVerdict> asked(String e164, String key) {
        String requestId = RequestScope.requestId();
        // The request id ties the service's logs to Kordon's; outside a request each check gets one.
        String correlator = requestId != null ? requestId : UUID.randomUUID().toString();
        long start = System.nanoTime();
        return service.check(e164, correlator)
                .compose(
                        answer -> {
                            meter.called(System.nanoTime() - start);
                            if (answer.swapped() == null) {
                                return counted(unanswered(SwapVerdict.ERROR, answer.reason()));
                            }
                            SwapVerdict v = answer.swapped()
                                    ? new SwapVerdict(SwapVerdict.SWAPPED, Action.SWAPPED, null)
                                    : new SwapVerdict(SwapVerdict.NOT_SWAPPED, Action.SEND, null);
                            return redis.send(
                                            Command.SET,
                                            key,
                                            answer.swapped() ? "1" : "0",
                                            "PX",
                                            Long.toString(config.cacheTtl().toMillis()))
                                    .transform(ar -> counted(v));
                        },
                        err -> {
                            SwapService.Unanswered u = err instanceof SwapService.Unanswered x
                                    ? x
                                    : new SwapService.Unanswered("unreachable", false);
                            if (!u.breakerOpen) {
                                meter.called(System.nanoTime() - start);
                            }
                            LOG.warn("SIM swap service gave no answer ({}), correlator {}", u.getMessage(), correlator);
                            return counted(unanswered(
                                    u.breakerOpen ? SwapVerdict.BREAKER_OPEN : SwapVerdict.ERROR, u.getMessage()));
                        });
    }

    private SwapVerdict unanswered(String outcome, String reason) {
        return new SwapVerdict(outcome, config.allowOnError() ? Action.SEND : Action.UNAVAILABLE, reason);
    }

    private Future<SwapVerdict> counted(SwapVerdict v) {
        meter.check(v.outcome());
        return Future.succeededFuture(v);
    }
}
