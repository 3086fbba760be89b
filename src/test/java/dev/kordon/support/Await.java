package dev.kordon.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for something a test can observe, instead of sleeping a fixed time: polls until it holds or
 * the deadline passes. Never throws on timeout; the assertion that follows judges what was seen.
 */
public final class Await {
    private static final long POLL_MS = 20;

    private Await() {}

    /** The last value {@code probe} gave: the first that satisfied {@code done}, or the one at the deadline. */
    public static <T> T until(Duration within, Supplier<T> probe, Predicate<? super T> done) {
        long end = System.nanoTime() + within.toNanos();
        T value = probe.get();
        while (!done.test(value) && System.nanoTime() < end) {
            pause();
            value = probe.get();
        }
        return value;
    }

    /** Whether {@code done} came true before the deadline. */
    public static boolean until(Duration within, BooleanSupplier done) {
        return until(within, done::getAsBoolean, Boolean::booleanValue);
    }

    /** The one place the tests sleep: between two looks at what they wait for. */
    private static void pause() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    /**
     * Lets a measured window pass: for the tests whose subject is what happens during a stretch of
     * time (a storm held for seconds, a relay left to settle), not a condition to wait for.
     */
    public static void hold(Duration window) {
        until(window, () -> false);
    }
}
