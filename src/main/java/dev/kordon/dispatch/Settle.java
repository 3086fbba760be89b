package dev.kordon.dispatch;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/**
 * A sending verticle's stop waits for the sends it has under way: one cut by the stop may have
 * reached the relay already, and another instance would then send it a second time. The wait is
 * bounded by {@link #MAX_MS} (or the send timeout, if shorter), so a hung relay cannot stretch a
 * pod's stop past its grace; what is still unfinished then is retried elsewhere, as after a crash.
 */
public final class Settle {
    /** Counted in the pod's termination grace (see ManifestTest), after the HTTP shutdown grace. */
    public static final long MAX_MS = 10_000;

    private static final long CHECK_MS = 20;

    private Settle() {}

    static Future<Void> when(Vertx vertx, BooleanSupplier idle, long sendTimeoutMs) {
        if (idle.getAsBoolean()) {
            return Future.succeededFuture();
        }
        long limit = Math.min(MAX_MS, sendTimeoutMs);
        long start = System.nanoTime();
        Promise<Void> done = Promise.promise();
        vertx.setPeriodic(CHECK_MS, id -> {
            if (idle.getAsBoolean() || (System.nanoTime() - start) / 1_000_000 >= limit) {
                vertx.cancelTimer(id);
                done.tryComplete();
            }
        });
        return done.future();
    }
}
