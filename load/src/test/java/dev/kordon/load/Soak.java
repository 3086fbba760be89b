package dev.kordon.load;

import dev.kordon.load.Recorder.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The soak ({@code load/run --soak}): the mix (85 % verify, 5 % password sign-in, 6 % refresh, 2 %
 * SMS sign-in, 2 % recovery) as an open model for {@code --soak-minutes}, at half the capacity: its
 * password sign-ins at half the hash-only rate measured just before, the one figure of capacity
 * that a noisy machine does not bend through Kordon. Every {@code --soak-interval} seconds it
 * samples Kordon's RSS, its heap after a full collection, its open descriptors and TCP sockets, and
 * the interval's answers; then {@link SlopeJudge} says whether any of them grew after the warm-up.
 */
final class Soak {
    /** The mix's share of password sign-ins, the only requests that run Argon2id. */
    static final double SIGN_IN_SHARE = 0.05;
    /** The mix's share of SMS sign-ins, and of recoveries. */
    static final double SMS_SHARE = 0.02;
    /**
     * A number comes round for SMS or recovery no sooner than this: at most two uses in 30 min,
     * within every per-number cap (codes: 60 s apart, 5 an hour; recovery: 3 an hour, 10 a day).
     */
    static final double REUSE_SECONDS = 1300;
    /** The first fifth of the run is warm-up (JIT, pools, G1's sizing), not judged. */
    static final double WARM_UP = 0.2;
    /**
     * One access-token lifetime (tokens.access-ttl, 15 min by default): the verified-token cache
     * fills over it by design (what one lifetime brings) and stays level after, so it is warm-up too,
     * up to half the run.
     */
    static final double CACHE_FILL_SECONDS = 15 * 60;
    /** The load reaches its rate over this (or half the warm-up, if shorter). */
    static final double RAMP_SECONDS = 60;

    /**
     * Each about three standard errors of the fitted rise of a flat series, as the first 30-minute soak
     * scattered (the rise's error is the points' scatter times the square root of 12/n): RSS 3.9 % of
     * its mean, fds 3.0 %, TCP 2.4 sockets, p99 22 % (a 15 s p99 on two shared cores moves by 60 %).
     */
    static final List<SlopeJudge.Rule> RULES = List.of(
            new SlopeJudge.Rule("RSS", "MB", 10, 0),
            new SlopeJudge.Rule("heap after full GC", "MB", 10, 0),
            new SlopeJudge.Rule("open fds", "fds", 10, 5),
            new SlopeJudge.Rule("TCP connections", "sockets", 10, 8),
            new SlopeJudge.Rule("p99", "ms", 50, 5));

    private final Settings cfg;
    private final Path jar;
    private final Path outDir;
    private final Resources open;
    /** Kordon's class histogram at the first sample after the warm-up. */
    private String afterWarmUp;

    /** Not judged: the first fifth, or one token lifetime, whichever is longer, at most half the run. */
    double warmUpSeconds() {
        double run = cfg.soakMinutes() * 60.0;
        return Math.min(run / 2, Math.max(WARM_UP * run, CACHE_FILL_SECONDS));
    }

    Soak(Settings cfg, Path jar, Path outDir, Resources open) {
        this.cfg = cfg;
        this.jar = jar;
        this.outDir = outDir;
        this.open = open;
    }

    /** 0 it ran and nothing grew (or not --strict); 1 the harness broke; 3 --strict and a series grew. */
    int run() throws Exception {
        if (cfg.url() != null) {
            throw new IllegalArgumentException("--soak starts its own Kordon (it reads its heap and /proc): no --url");
        }
        int memoryKib = cfg.params().get(0)[0];
        int iterations = cfg.params().get(0)[1];
        int cpus = Runtime.getRuntime().availableProcessors();
        double seconds = cfg.soakMinutes() * 60;
        Path hashFile = Seeder.hashes(
                jar, Path.of("load/target/bench-cache").toAbsolutePath(), memoryKib, iterations, cfg.accounts());

        // Capacity: the hash-only rate before Kordon runs, as the benchmark measures it first.
        double capacity =
                HashOnly.measure(jar, cfg, memoryKib, iterations, cpus).perSecond();
        double rate = Math.max(5, Math.round(0.5 * capacity / SIGN_IN_SHARE));
        int perShare = (int) Math.ceil(rate * SMS_SHARE * Math.min(seconds, REUSE_SECONDS) * 1.25) + 10;
        System.out.printf(
                Locale.ROOT,
                "soak: hash-only %.1f/s, so the mix at %.0f/s (password sign-ins %.1f/s = half of it) for %.1f min; "
                        + "%d accounts for sign-ins, %d numbers each for SMS and recovery%n",
                capacity,
                rate,
                rate * SIGN_IN_SHARE,
                cfg.soakMinutes(),
                cfg.accounts(),
                perShare);

        SmsStandIn sms = open.remember(new SmsStandIn(cfg.smsPort()));
        ReportBlock notes = new Report(cfg, outDir).block(memoryKib, iterations);
        KordonUnderTest target = KordonUnderTest.start(cfg, jar, outDir, memoryKib, iterations, sms, open, notes);
        notes.notes.forEach(n -> System.out.println("soak: " + n));
        KordonProcess kordon = target.kordon();
        long pid = kordon.process.pid();
        Pool pool = Pool.soak(cfg.accounts(), perShare);
        Seeder.seedReusing(target.pgUrl(), hashFile, pool.accounts);
        new HarnessClient().tokens(target.baseUrl(), pool, 100, cpus);

        RssSampler rss = open.remember(new RssSampler(pid));
        ImportMemory.LiveHeap heap = open.remember(new ImportMemory.LiveHeap(pid));
        SoakProbe probe = new SoakProbe(
                pid,
                Set.of(
                        Integer.parseInt(kordon.env.get("KORDON_HTTP_PORT")),
                        Integer.parseInt(kordon.env.get("KORDON_ADMIN_PORT"))));
        List<String> problems = new ArrayList<>();
        GatlingRun gatling = new GatlingRun(problems);
        ExecutorService loader = Executors.newSingleThreadExecutor(r -> new Thread(r, "soak-load"));
        long t0 = System.currentTimeMillis();
        // Ramped up within the warm-up: offered at once to a cold Kordon, 478/s once had every answer 503
        // (Redis pool's wait queue full) or late for a minute, a cliff the soak is not there to measure.
        double ramp = Math.min(RAMP_SECONDS, WARM_UP * seconds / 2);
        Future<Scenario> load = loader.submit(() ->
                gatling.run(Plan.soak(target.baseUrl(), pool, sms, rate, ramp, seconds), "soak", rss, kordon, false));
        List<SoakPoint> points = sample(load, t0, rss, heap, probe, target.stack());
        loader.shutdown();
        heapGrowth(heap.histogram());
        heap.close();
        double after = HashOnly.measure(jar, cfg, memoryKib, iterations, cpus).perSecond();
        if (!kordon.process.isAlive()) {
            throw new IllegalStateException("Kordon died during the soak:\n" + kordon.tail(30));
        }
        kordon.close();
        long blocked = kordon.blockedWarnings();
        return report(points, new double[] {capacity, after, rate}, blocked, problems);
    }

    /** Samples every interval until the load is done; the last, shorter interval takes what the run handed back. */
    private List<SoakPoint> sample(
            Future<Scenario> load, long t0, RssSampler rss, ImportMemory.LiveHeap heap, SoakProbe probe, Stack stack)
            throws Exception {
        List<SoakPoint> points = new ArrayList<>();
        long interval = cfg.soakInterval() * 1000L;
        long from = t0;
        while (true) {
            List<Sample> tail = List.of();
            boolean done;
            try {
                tail = load.get(Math.max(1, from + interval - System.currentTimeMillis()), TimeUnit.MILLISECONDS)
                        .samples();
                done = true;
            } catch (TimeoutException e) {
                done = false;
            }
            long now = System.currentTimeMillis();
            List<Sample> xs = new ArrayList<>(Recorder.drain());
            xs.addAll(tail);
            double rssMb = rss.peakMb(from, now);
            SoakProbe.Held held = probe.read();
            long g0 = System.nanoTime();
            double heapMb = heap.usedAfterFullGc() / 1e6;
            double gcMs = (System.nanoTime() - g0) / 1e6;
            if (afterWarmUp == null && now - t0 >= warmUpSeconds() * 1000) {
                afterWarmUp = heap.histogram();
            }
            // GreenMail keeps every message in this JVM; the soak only needs Kordon to have sent them.
            stack.smtp.purgeEmailFromAllMailboxes();
            SoakPoint p = SoakPoint.of((now - t0) / 1000.0, (now - from) / 1000.0, xs, rssMb, heapMb, gcMs, held);
            points.add(p);
            System.out.printf(
                    Locale.ROOT,
                    "soak: %5.0f s  RSS %.0f MB  heap %.1f MB (gc %.0f ms)  fds %d  tcp %d (in %d, out %d)  "
                            + "%.0f ok/s  p99 %.0f ms  errors %d  shed %d%n",
                    p.seconds(),
                    rssMb,
                    heapMb,
                    gcMs,
                    held.fds(),
                    held.tcp(),
                    held.tcpIn(),
                    held.tcpOut(),
                    p.okPerSecond(),
                    p.p99(),
                    p.errors(),
                    p.shed());
            from = now;
            if (done) {
                return points;
            }
        }
    }

    /** The classes that gained most live heap from the end of the warm-up to the end, in heap-growth.txt. */
    private void heapGrowth(String atEnd) throws Exception {
        if (afterWarmUp == null) {
            return;
        }
        List<String> top = HeapGrowth.top(afterWarmUp, atEnd, 25);
        Files.write(outDir.resolve("heap-growth.txt"), top, StandardCharsets.UTF_8);
        System.out.println(
                "soak: live heap gained from the end of the warm-up to the end, by class (GC.class_histogram):");
        top.stream().limit(8).forEach(l -> System.out.println("soak:   " + l));
    }

    private int report(List<SoakPoint> points, double[] rates, long blocked, List<String> problems) throws Exception {
        StringBuilder csv = new StringBuilder(SoakPoint.CSV_HEADER);
        points.forEach(p -> csv.append(p.csv()));
        Files.writeString(outDir.resolve("soak.csv"), csv, StandardCharsets.UTF_8);
        // The last interval is shorter and ends with the load's tail (the open model's last users): not judged.
        List<SoakPoint> judged = points.size() > 1 ? points.subList(0, points.size() - 1) : points;
        double[] t = judged.stream().mapToDouble(SoakPoint::seconds).toArray();
        List<double[]> series = List.of(
                judged.stream().mapToDouble(SoakPoint::rssMb).toArray(),
                judged.stream().mapToDouble(SoakPoint::heapMb).toArray(),
                judged.stream().mapToDouble(p -> p.held().fds()).toArray(),
                judged.stream().mapToDouble(p -> p.held().tcp()).toArray(),
                judged.stream().mapToDouble(SoakPoint::p99).toArray());
        double from = warmUpSeconds();
        List<SlopeJudge.Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < RULES.size(); i++) {
            verdicts.add(SlopeJudge.judge(RULES.get(i), t, series.get(i), from));
        }
        List<SoakPoint> window =
                judged.stream().filter(p -> p.seconds() >= from).toList();
        long answers = window.stream().mapToLong(SoakPoint::answers).sum();
        long errors = window.stream().mapToLong(SoakPoint::errors).sum();
        long shed = window.stream().mapToLong(SoakPoint::shed).sum();
        long allErrors = points.stream().mapToLong(SoakPoint::errors).sum();
        boolean fewErrors = answers > 0 && errors <= 0.001 * answers;
        List<String> lines = new ArrayList<>();
        verdicts.forEach(v -> lines.add(v.line()));
        lines.add(String.format(
                Locale.ROOT,
                "%s soak errors: %d of %,d answers after the warm-up (%.3f %%; limit 0.1 %%), %d in the whole run; "
                        + "%d sign-ins shed",
                fewErrors ? "PASS" : "FAIL",
                errors,
                answers,
                answers == 0 ? 0 : 100.0 * errors / answers,
                allErrors,
                shed));
        String figures = String.format(
                Locale.ROOT,
                "offered %.0f/s; answered %s ok/s (min-max of the intervals after the warm-up); p99 %s ms, p50 %s ms; "
                        + "hash-only %.1f/s before, %.1f/s after; forced GC per sample %s ms; blocked-thread warnings %d",
                rates[2],
                range(window, SoakPoint::okPerSecond),
                range(window, SoakPoint::p99),
                range(window, SoakPoint::p50),
                rates[0],
                rates[1],
                range(window, SoakPoint::gcMs),
                blocked);
        Plots.soak(outDir.resolve("soak.png"), points, verdicts, from);
        Files.writeString(
                outDir.resolve("soak.md"),
                "# Soak\n\n" + cfg.describe() + "\n\n" + figures + "\n\n```text\n" + String.join("\n", lines)
                        + "\n```\n\n![soak](soak.png)\n",
                StandardCharsets.UTF_8);
        System.out.println();
        System.out.println("soak: " + figures);
        lines.forEach(System.out::println);
        System.out.println("soak: " + outDir.resolve("soak.csv") + ", " + outDir.resolve("soak.png"));
        if (!problems.isEmpty() || verdicts.stream().anyMatch(v -> v.points() < 3)) {
            System.out.println("HARNESS FAILED:");
            problems.forEach(p -> System.out.println("  - " + p));
            verdicts.stream()
                    .filter(v -> v.points() < 3)
                    .forEach(v -> System.out.println("  - " + v.rule().series() + ": too few samples to judge"));
            return 1;
        }
        long failed = verdicts.stream().filter(v -> !v.pass()).count() + (fewErrors ? 0 : 1);
        if (cfg.strict() && failed > 0) {
            System.out.println("--strict: " + failed + " soak verdict(s) failed");
            return 3;
        }
        return 0;
    }

    private static String range(List<SoakPoint> xs, java.util.function.ToDoubleFunction<SoakPoint> f) {
        double lo =
                xs.stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
        double hi =
                xs.stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        return Report.fmt(lo) + "-" + Report.fmt(hi);
    }
}
