package dev.kordon.credential;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Admission to the hash pool, by time: a sign-in gets a place while the wait it would have (the
 * jobs ahead of it, times the hash time measured lately, over the threads) stays within
 * {@code hash.max-wait}; past that it is shed. The bound follows the measured hash time, so a busy
 * node or a larger Argon2id {@code m} admits fewer.
 *
 * <p>A sign-in takes its place at its first look ({@link #admit}), before any Redis or Postgres
 * round trip, so a simultaneous burst cannot slip past the look and be shed only after that work.
 * The place is given back on the hashing thread the moment its hash is done, not when an event
 * loop gets round to the reply, so under a flood a finished thread's place is free at once.
 */
public final class HashQueue {
    /** The kinds of job, as the hash metrics label them. */
    public static final String VERIFY = "verify";

    public static final String HASH = "hash";

    /** What the pool reports to the metrics. */
    public interface Meter {
        /** A job refused: its wait would have passed {@code hash.max-wait}. */
        void shed();

        /** A job done: how long it held a place before a thread took it, then how long it ran. */
        void done(String op, long waitedNanos, long workedNanos);
    }

    private final int workers;
    private final int queueCap;
    private final long maxWaitNanos;
    private final Meter meter;
    /** Admitted jobs not done yet: those running, those waiting for a thread, those still on their way. */
    private final AtomicInteger held = new AtomicInteger();

    private final AtomicInteger running = new AtomicInteger();
    /** The recent hash time, a moving average of what the threads measured (0 until the first hash). */
    private volatile long hashNanos;
    /** Busy time of the hashing threads so far, summed over them: what a storm must not starve. */
    private final LongAdder busyNanos = new LongAdder();

    /**
     * {@code queueCap}: the most jobs that may wait beyond those running whatever the time says
     * ({@code hash.queue}); 0 leaves it to {@code maxWait} alone.
     */
    public HashQueue(int workers, int queueCap, Duration maxWait, Meter meter) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers " + workers);
        }
        this.workers = workers;
        this.queueCap = queueCap;
        this.maxWaitNanos = maxWait.toNanos();
        this.meter = meter;
    }

    /** A place, or null (counted as shed) when the wait it would have passes {@code hash.max-wait}. */
    public Place admit() {
        if (!hold()) {
            meter.shed();
            return null;
        }
        return new Place();
    }

    private boolean hold() {
        while (true) {
            int ahead = held.get();
            if (!fits(ahead)) {
                return false;
            }
            if (held.compareAndSet(ahead, ahead + 1)) {
                return true;
            }
        }
    }

    /** True (and counted as shed) when a sign-in arriving now would be refused: the look before any work. */
    public boolean refuses() {
        if (fits(held.get())) {
            return false;
        }
        meter.shed();
        return true;
    }

    private boolean fits(int ahead) {
        if (ahead < workers) {
            return true;
        }
        if (queueCap > 0 && ahead - workers >= queueCap) {
            return false;
        }
        // The newcomer starts once (ahead - workers + 1) of the jobs ahead are done, one per hash time per thread.
        return (ahead - workers + 1L) * hashNanos <= maxWaitNanos * workers;
    }

    /** How long the admitted jobs keep every thread busy: what a shed client should wait at least. */
    public Duration backlog() {
        return Duration.ofNanos(held.get() * hashNanos / workers);
    }

    /**
     * When a shed client should come back, in whole seconds as Retry-After says it: the backlog, at
     * least {@code floor}, spread at random up to twice that, so clients shed together do not all
     * return in the same second.
     */
    public Duration retryAfter(Duration floor) {
        long base = Math.max(1, (Math.max(floor.toMillis(), backlog().toMillis()) + 999) / 1000);
        return Duration.ofSeconds(base + ThreadLocalRandom.current().nextLong(base + 1));
    }

    /** On the hashing thread: a job holding a place starts. */
    void started() {
        running.incrementAndGet();
    }

    /** On the hashing thread: the job that started is done; its time feeds the admission bound. */
    void finished(String op, long waitedNanos, long workedNanos) {
        running.decrementAndGet();
        busyNanos.add(workedNanos);
        observe(workedNanos);
        meter.done(op, waitedNanos, workedNanos);
    }

    /** A hash's time, into the moving average (an eighth of the news each time). */
    void observe(long workedNanos) {
        long now = hashNanos;
        // Racing threads may lose an update to each other; an average of the others is just as good.
        hashNanos = now == 0 ? workedNanos : now + (workedNanos - now) / 8;
    }

    /** Admitted jobs not done yet. */
    public int inFlight() {
        return held.get();
    }

    /** Jobs holding a place that no thread has taken yet. */
    public int waiting() {
        // Read apart, a job between its end and its release would show as waiting for that instant.
        return Math.max(0, held.get() - running.get());
    }

    /** How many jobs may wait beyond those running now: the time bound over the recent hash time. */
    public int queuePlaces() {
        long perTime = hashNanos == 0 ? Integer.MAX_VALUE : maxWaitNanos * workers / hashNanos;
        int places = (int) Math.min(Integer.MAX_VALUE, perTime);
        return queueCap > 0 ? Math.min(queueCap, places) : places;
    }

    /** The recent hash time the bound is computed from. */
    public Duration hashTime() {
        return Duration.ofNanos(hashNanos);
    }

    /** Time the hashing threads spent hashing, summed over them, since start. */
    public long busyNanos() {
        return busyNanos.sum();
    }

    public int workers() {
        return workers;
    }

    /** An admitted job's place; given back once, by whoever is first: the hashing thread, or the flow that needed no hash. */
    public final class Place {
        private final AtomicBoolean released = new AtomicBoolean();

        private Place() {}

        public void release() {
            if (released.compareAndSet(false, true)) {
                held.decrementAndGet();
            }
        }

        /**
         * After {@link #release()}, before the job is sent: the place again, if the wait it would have
         * now stays within {@code hash.max-wait}; false (counted as shed) when it would not. A sign-in
         * that must wait for something other than a hash gives its place up meanwhile and asks again.
         */
        public boolean reclaim() {
            if (!released.get()) {
                return true;
            }
            if (!hold()) {
                meter.shed();
                return false;
            }
            released.set(false);
            return true;
        }
    }
}
