package dev.kordon.guard;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Places given back after an outage, in the background: when Redis itself was what failed, the
 * give-back is retried (100 ms doubling to 5 s) until {@link Throttles#RESERVATION} has passed, by
 * when a reservation has run out by itself and a counter matters little.
 */
final class GiveBacks {
    private static final long FIRST_MS = 100;
    private static final long MAX_MS = 5_000;

    private final Vertx vertx;

    GiveBacks(Vertx vertx) {
        this.vertx = vertx;
    }

    void run(Supplier<Future<?>> giveBack) {
        attempt(giveBack, System.currentTimeMillis() + Throttles.RESERVATION.toMillis(), FIRST_MS);
    }

    private void attempt(Supplier<Future<?>> giveBack, long untilMs, long delayMs) {
        giveBack.get().onFailure(err -> {
            if (System.currentTimeMillis() + delayMs < untilMs) {
                vertx.setTimer(delayMs, id -> attempt(giveBack, untilMs, Math.min(delayMs * 2, MAX_MS)));
            }
        });
    }
}
