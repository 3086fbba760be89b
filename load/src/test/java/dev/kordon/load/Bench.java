package dev.kordon.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The benchmark: per Argon2id parameter set it measures the baselines (hash-only, hello-world),
 * starts real Postgres, Redis, SMTP and an SMS stand-in, runs Kordon from its jar, seeds accounts,
 * runs the Gatling scenarios and writes one summary. Options come from the environment (load/run
 * documents them). Exit 0 = it all ran; 1 = the harness broke; 3 = --strict and a target was missed.
 */
public final class Bench {
    private final Settings cfg;
    private final Path jar = Path.of("target/kordon.jar").toAbsolutePath();
    private final Path outDir;
    private final Resources open = new Resources();
    private final List<String> problems = new ArrayList<>();
    private final GatlingRun gatling = new GatlingRun(problems);
    private final HarnessClient http = new HarnessClient();
    private final Storms storms;
    private final KeycloakStorms peer;
    private boolean peerDone;

    private Bench(Settings cfg) throws Exception {
        this.cfg = cfg;
        this.outDir = Files.createDirectories(
                Path.of("load/target/bench", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
                        .toAbsolutePath());
        this.storms = new Storms(cfg, jar, gatling, http);
        this.peer = new KeycloakStorms(cfg, outDir, open);
    }

    public static void main(String[] args) throws Exception {
        Settings cfg = Settings.fromEnv();
        Bench bench = new Bench(cfg);
        Runtime.getRuntime().addShutdownHook(new Thread(bench.open::closeAll, "bench-cleanup"));
        int rc;
        try {
            rc = bench.run();
        } catch (Throwable e) {
            System.err.println("bench: broken: " + e);
            e.printStackTrace();
            rc = 1;
        }
        bench.open.closeAll();
        System.out.flush();
        // For load/run: Maven reports every non-zero exit as 1.
        try {
            Files.writeString(Path.of("load/target/bench-status"), rc + "\n");
        } catch (java.io.IOException e) {
            System.err.println("bench: exit status not written: " + e);
        }
        // Gatling and the embedded servers leave non-daemon threads behind.
        Runtime.getRuntime().halt(rc);
    }

    private int run() throws Exception {
        System.out.println("bench: " + cfg.describe());
        // The soak's judge must be able to fail: synthetic series it has to pass and fail, every run.
        List<String> misjudged = SlopeJudge.selfCheck();
        if (!misjudged.isEmpty()) {
            System.out.println("HARNESS FAILED: the soak's slope judge misjudged synthetic series:");
            misjudged.forEach(p -> System.out.println("  - " + p));
            return 1;
        }
        System.out.println("bench: soak slope judge self-check: synthetic series judged as expected");
        if (cfg.soak()) {
            return new Soak(cfg, jar, outDir, open).run();
        }
        Report report = new Report(cfg, outDir);
        for (int[] params : cfg.params()) {
            ReportBlock block = report.block(params[0], params[1]);
            try {
                runSet(params[0], params[1], block);
            } catch (Exception e) {
                problems.add("m=" + params[0] + " t=" + params[1] + ": " + e.getMessage());
                block.note("run broken: " + e.getMessage());
                e.printStackTrace();
            } finally {
                open.closeAll();
            }
        }
        problems.addAll(report.missingFigures());
        String table = report.write();
        System.out.println();
        System.out.println(table);
        System.out.println("summary: " + outDir.resolve("summary.md"));
        if (!problems.isEmpty()) {
            System.out.println("HARNESS FAILED:");
            problems.forEach(p -> System.out.println("  - " + p));
            return 1;
        }
        if (cfg.strict() && report.misses() > 0) {
            System.out.println("--strict: " + report.misses() + " target(s) missed");
            return 3;
        }
        return 0;
    }

    /**
     * The OIDC code flow against the plain password sign-in, the same closed loop of users, alternated
     * round by round so both see the same machine. Needs the admin port to register its client.
     */
    private void oidc(
            String baseUrl,
            Pool pool,
            SmsStandIn sms,
            int users,
            ReportBlock block,
            RssSampler rss,
            KordonProcess kordon)
            throws Exception {
        if (kordon == null) {
            block.note("oidc code flow: skipped with --url (the client is registered on the admin port)");
            return;
        }
        OidcFlow.secret = OidcFlow.register(kordon);
        double seconds = cfg.seconds(20, 2);
        if (!cfg.smoke()) {
            gatling.run(Plan.closed(Plan.Kind.OIDC, baseUrl, pool, sms, users, 10), "oidc warm-up", rss, kordon);
        }
        for (int round = 0; round < cfg.rounds(); round++) {
            Scenario signIn = gatling.run(
                    Plan.closed(Plan.Kind.SIGN_IN, baseUrl, pool, sms, users, seconds),
                    "sign-in (oidc pair)",
                    rss,
                    kordon);
            Scenario flow = gatling.run(
                    Plan.closed(Plan.Kind.OIDC, baseUrl, pool, sms, users, seconds), "oidc code flow", rss, kordon);
            block.oidcRound(signIn, flow, users);
        }
    }

    private void runSet(int memoryKib, int iterations, ReportBlock block) throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        Path hashFile = cfg.seeding()
                ? Seeder.hashes(
                        jar, Path.of("load/target/bench-cache").toAbsolutePath(), memoryKib, iterations, cfg.accounts())
                : null;

        // Hash-only: before Kordon runs, on as many threads as Kordon's hashing pool.
        HashOnly.Rate hashOnly = HashOnly.measure(jar, cfg, memoryKib, iterations, cpus);
        double capacity = hashOnly.perSecond();
        block.hashOnly(capacity, hashOnly.line());

        SmsStandIn sms = open.remember(new SmsStandIn(cfg.smsPort()));
        KordonUnderTest target = KordonUnderTest.start(cfg, jar, outDir, memoryKib, iterations, sms, open, block);
        String baseUrl = target.baseUrl();
        KordonProcess kordon = target.kordon();
        RssSampler rss = null;
        long pid = kordon != null ? kordon.process.pid() : cfg.kordonPid();
        if (pid > 0) {
            rss = open.remember(new RssSampler(pid));
            block.sampler(rss);
        }
        if (hashFile != null) {
            Seeder.seed(target.pgUrl(), hashFile, cfg.accounts());
        } else {
            block.note("no --pg-url: the accounts +37533" + "0000000.. must exist with password " + Pool.PASSWORD);
        }
        Pool pool = new Pool(cfg.accounts());
        long runStart = System.currentTimeMillis();

        Scenario run;
        // Tokens for refresh and verify, from real sign-ins.
        http.tokens(baseUrl, pool, cfg.tokens(), cpus);

        // Unloaded sign-in latency: one at a time, nothing else running, after the token sign-ins warmed Kordon up.
        double[] unloaded = new double[cfg.unloadedSignIns()];
        for (int i = 0; i < unloaded.length; i++) {
            long t0 = System.nanoTime();
            http.signIn(baseUrl, pool.cycled(), pool.ip());
            unloaded[i] = (System.nanoTime() - t0) / 1e6;
        }
        double unloadedMs = Recorder.median(unloaded);
        block.unloaded(unloadedMs);

        // Sign-in capacity: a closed loop of twice as many users as hashing threads keeps every thread
        // busy with a job waiting, and fits in the pool's places, so nothing is shed. A first loop
        // warms Kordon's compiled code up; then, interleaved, each measured loop is followed by the
        // hash-only baseline again (Kordon up but idle), so every round has a baseline on both sides.
        int satUsers = 2 * cpus;
        gatling.run(
                Plan.closed(Plan.Kind.SIGN_IN, baseUrl, pool, sms, satUsers, cfg.seconds(15, 2)),
                "sign-in warm-up",
                rss,
                kordon);
        for (int round = 0; round < cfg.signInRounds(); round++) {
            run = gatling.run(
                    Plan.closed(Plan.Kind.SIGN_IN, baseUrl, pool, sms, satUsers, cfg.seconds(20, 3)),
                    "sign-in capacity",
                    rss,
                    kordon);
            block.signInCapacity(run, satUsers);
            block.hashOnlyAgain(
                    HashOnly.measure(jar, cfg, memoryKib, iterations, cpus).perSecond());
        }
        capacity = block.capacity();
        oidc(baseUrl, pool, sms, satUsers, block, rss, kordon);

        // Storms: closed-loop clients that resend the moment they are answered (wrk), then the open
        // model at 2x and 5x the hash-only rate, all between two hash-only runs.
        if (Wrk.available()) {
            storms.signIn(baseUrl, pool, sms, memoryKib, iterations, cpus, block, rss, kordon);
        } else {
            block.note("wrk not installed (" + Wrk.BINARY + "): the storms and the wrk verify runs were skipped");
        }

        // a + g: the burst with /health/live probed alongside.
        double ramp = cfg.seconds(60, 2);
        double hold = cfg.seconds(120, 3);
        double spike = cfg.seconds(60, 3);
        Plan burst = Plan.burst(baseUrl, pool, capacity, ramp, hold, spike, 20);
        run = gatling.run(burst, "burst", rss, kordon);
        block.burst(run, capacity, ramp, hold, spike);

        // b .. e, then the mix.
        // Enough users that Kordon, not the wait for the SMS to arrive, sets the pace.
        int smsUsers = cfg.smoke() ? 5 : 300;
        run = gatling.run(
                Plan.closed(Plan.Kind.SMS, baseUrl, pool, sms, smsUsers, cfg.seconds(15, 3)), "sms", rss, kordon);
        block.closed("sms sign-in", run, smsUsers, List.of("sms code", "sms sign-in"), "sms sign-in");
        double recoveryRate = cfg.smoke() ? 5 : 20;
        run = gatling.run(
                Plan.open(Plan.Kind.RECOVERY, baseUrl, pool, sms, recoveryRate, cfg.seconds(30, 2)),
                "recovery",
                rss,
                kordon);
        block.open("recovery (email)", run, recoveryRate, "recovery", Set.of(202), false);
        int refreshUsers = Math.min(cfg.tokens(), cfg.smoke() ? 8 : 32);
        run = gatling.run(
                Plan.closed(Plan.Kind.REFRESH, baseUrl, pool, sms, refreshUsers, cfg.seconds(20, 3)),
                "refresh",
                rss,
                kordon);
        block.closedSingle("refresh", run, refreshUsers, "refresh");

        // Access tokens live 15 min, and on a slow machine the scenarios above take longer: fresh ones.
        pool.access.clear();
        http.tokens(baseUrl, pool, cfg.tokens(), cpus);

        // Verify and hello-world the same way (closed loop, same users, same time), interleaved.
        int users = cfg.smoke() ? 32 : 64;
        double stepSeconds = cfg.seconds(15, 3);
        Process hello = BaselineProcess.hello(jar, cfg.helloPort(), open);
        String helloUrl = "http://127.0.0.1:" + cfg.helloPort();
        for (int round = 0; round < cfg.rounds(); round++) {
            Scenario h = gatling.run(
                    Plan.closed(Plan.Kind.HELLO, helloUrl, pool, sms, users, stepSeconds), "hello", null, null);
            Scenario v = gatling.run(
                    Plan.closed(Plan.Kind.VERIFY, baseUrl, pool, sms, users, stepSeconds), "verify", rss, kordon);
            block.helloAndVerify(h, v, users);
        }
        if (Wrk.available()) {
            storms.verify(baseUrl, helloUrl, pool, block, rss);
        }
        hello.destroy();

        // Within capacity on both counts: its 5 % sign-ins at half the hash-only rate, its verifies at half what verify
        // just did.
        double mixRate = Math.max(5, Math.round(Math.min(capacity * 10, 0.5 * block.verifyMean())));
        run = gatling.run(
                Plan.open(Plan.Kind.MIX, baseUrl, pool, sms, mixRate, cfg.seconds(60, 4)), "mix", rss, kordon);
        block.mix(run, mixRate);

        // The SMS loop again on two more Kordons, one with the SIM swap check on: the check's cost. Last,
        // so that the figures above are of a run without it.
        new SimSwapPair(cfg, gatling, open, jar).run(target, pool, sms, hashFile, smsUsers, block);

        long runEnd = System.currentTimeMillis();
        block.overallRss(rss == null ? Double.NaN : rss.peakMb(runStart, runEnd));
        // Last, with nothing else running, and outside every figure above.
        ImportMemory.measure(kordon, rss, cfg.smoke(), block);
        RefusalTiming.measure(baseUrl, pool, cfg.smoke(), block);
        if (kordon != null) {
            if (!kordon.process.isAlive()) {
                throw new IllegalStateException("Kordon died during the run:\n" + kordon.tail(30));
            }
            kordon.close();
            block.blocked(kordon.blockedWarnings());
            block.note("Kordon's RSS is of the process started with plain java -jar target/kordon.jar, no JVM flags");
        } else {
            block.note("blocked-thread warnings: not counted (Kordon's log is not ours)");
        }
        // The peer, with Kordon stopped: the same storms against Keycloak's token endpoint, same Argon2id.
        if ("keycloak".equals(cfg.peer()) && block.storms.hasStorms() && !peerDone) {
            peerDone = true;
            peer.run(memoryKib, iterations, block);
        }
        problems.addAll(block.badStatuses());
        if (block.storms.hasStorms()) {
            Plots.storms(
                    outDir,
                    "m" + memoryKib + "-t" + iterations,
                    block.storms.stormClients(),
                    block.storms.kordonGood(),
                    block.storms.keycloakGood(),
                    block.storms.stormHashOnly());
        }
        Plots.burst(outDir, "m" + memoryKib + "-t" + iterations, block.burstSamples(), block.burstStart());
    }
}
