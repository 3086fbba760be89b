package dev.kordon.credential;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Kordon's admission by time ({@link HashQueue}, {@code hash.max-wait}) against an adaptive
 * concurrency limit (Netflix concurrency-limits' {@code Gradient2Limit}), with everything else
 * equal: real Argon2id at the given cost on a pool of hashing threads, one thread standing in for
 * the event loop, and closed-loop clients that resend the moment they are answered, shed or not
 * (refusals paced at Kordon's default {@code hash.shed-rate}).
 * No HTTP: what differs is only who is admitted. Run by {@code load/admission-study}; prints one
 * line per policy and crowd, and the hash-only rate measured in the same run.
 *
 * <pre>java -cp ... dev.kordon.credential.AdmissionStudy [memoryKib iterations threads seconds]</pre>
 */
public final class AdmissionStudy {
    /** Who is admitted: a ticket, or null when shed. */
    interface Policy {
        Object admit();

        void done(Object ticket, long rttNanos);

        String name();
    }

    private static final long SHED_INTERVAL_NANOS = 1_000_000_000L / 2000;

    private AdmissionStudy() {}

    public static void main(String[] args) throws Exception {
        int memory = args.length > 0 ? Integer.parseInt(args[0]) : 19456;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int threads = args.length > 2
                ? Integer.parseInt(args[2])
                : Runtime.getRuntime().availableProcessors();
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 10;
        PasswordHasher hasher = new PasswordHasher(memory, iterations, 1);
        String hash = hasher.hash("study");
        System.out.printf(
                Locale.ROOT,
                "Argon2id m=%d t=%d, %d hashing threads, %.0f s per run%n",
                memory,
                iterations,
                threads,
                seconds);
        double before = hashOnly(hasher, hash, threads, seconds / 2);
        System.out.printf(Locale.ROOT, "hash-only: %.1f/s%n", before);
        System.out.println("policy    clients  good/s  ratio  admitted p50/p99 ms  shed/s");
        for (int clients : new int[] {16, 128, 1024}) {
            for (String policy : List.of("time", "gradient")) {
                run(policy, hasher, hash, threads, clients, seconds, before);
            }
        }
        System.out.printf(Locale.ROOT, "hash-only: %.1f/s%n", hashOnly(hasher, hash, threads, seconds / 2));
    }

    /** Kordon's shipped admission: hash.max-wait 1 s, no count cap. */
    static HashQueue shippedQueue(int threads) {
        return new HashQueue(threads, 0, Duration.ofSeconds(1), new HashQueue.Meter() {
            @Override
            public void shed() {}

            @Override
            public void done(String op, long waitedNanos, long workedNanos) {}
        });
    }

    private static Policy policy(String name, HashQueue queue) {
        if (queue != null) {
            return new Policy() {
                @Override
                public Object admit() {
                    return queue.admit();
                }

                @Override
                public void done(Object ticket, long rttNanos) {
                    ((HashQueue.Place) ticket).release();
                }

                @Override
                public String name() {
                    return "time";
                }
            };
        }
        Limiter<Void> limiter = SimpleLimiter.newBuilder()
                .limit(Gradient2Limit.newBuilder().build())
                .build();
        return new Policy() {
            @Override
            public Object admit() {
                Optional<Limiter.Listener> l = limiter.acquire(null);
                return l.orElse(null);
            }

            @Override
            public void done(Object ticket, long rttNanos) {
                ((Limiter.Listener) ticket).onSuccess();
            }

            @Override
            public String name() {
                return "gradient";
            }
        };
    }

    private static void run(
            String name, PasswordHasher hasher, String hash, int threads, int clients, double seconds, double hashOnly)
            throws Exception {
        // The time policy is fed each hash's time, as Kordon's credential verticle feeds it.
        HashQueue timing = name.equals("time") ? shippedQueue(threads) : null;
        if (timing != null) {
            // Seeded with one timed hash, as the verticle's start does.
            long t0 = System.nanoTime();
            hasher.verify(hash, "study");
            timing.observe(System.nanoTime() - t0);
        }
        Policy policy = policy(name, timing);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
        long warm = System.nanoTime() + (long) (seconds / 5 * 1e9);
        long end = warm + (long) (seconds * 1e9);
        LongAdder good = new LongAdder();
        LongAdder shed = new LongAdder();
        AtomicLong live = new AtomicLong(clients);
        Object lock = new Object();
        long[][] lat = {new long[1 << 16]};
        int[] n = {0};
        Runnable[] client = new Runnable[1];
        long[] nextSlot = {System.nanoTime()};
        client[0] = () -> {
            long sent = System.nanoTime();
            if (sent >= end) {
                live.decrementAndGet();
                return;
            }
            Object ticket = policy.admit();
            if (ticket == null) {
                if (sent >= warm) {
                    shed.increment();
                }
                // Refusals are paced as Kordon paces them (hash.shed-rate, 2000/s): the client is answered in
                // the next free slot and resends at once.
                long slot = Math.max(sent, nextSlot[0]);
                nextSlot[0] = slot + SHED_INTERVAL_NANOS;
                loop.schedule(client[0], slot - sent, TimeUnit.NANOSECONDS);
                return;
            }
            pool.execute(() -> {
                long start = System.nanoTime();
                if (timing != null) {
                    timing.started();
                }
                hasher.verify(hash, "study");
                long now = System.nanoTime();
                if (timing != null) {
                    timing.finished(HashQueue.VERIFY, start - sent, now - start);
                }
                policy.done(ticket, now - sent);
                if (sent >= warm && now < end) {
                    good.increment();
                    synchronized (lock) {
                        if (n[0] == lat[0].length) {
                            lat[0] = Arrays.copyOf(lat[0], n[0] * 2);
                        }
                        lat[0][n[0]++] = now - sent;
                    }
                }
                loop.execute(client[0]);
            });
        };
        for (int i = 0; i < clients; i++) {
            loop.execute(client[0]);
        }
        while (live.get() > 0 && System.nanoTime() < end + 5_000_000_000L) {
            Thread.sleep(50);
        }
        loop.shutdownNow();
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        long[] sorted = Arrays.copyOf(lat[0], n[0]);
        Arrays.sort(sorted);
        double rate = good.sum() / seconds;
        System.out.printf(
                Locale.ROOT,
                "%-9s %7d  %6.1f  %5.2f  %8.0f / %-8.0f  %8.0f%n",
                policy.name(),
                clients,
                rate,
                rate / hashOnly,
                pct(sorted, 0.50) / 1e6,
                pct(sorted, 0.99) / 1e6,
                shed.sum() / seconds);
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double hashOnly(PasswordHasher hasher, String hash, int threads, double seconds) throws Exception {
        LongAdder done = new LongAdder();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    hasher.verify(hash, "study");
                    done.increment();
                }
            });
            t.start();
            all.add(t);
        }
        for (Thread t : all) {
            t.join();
        }
        return done.sum() / seconds;
    }
}
