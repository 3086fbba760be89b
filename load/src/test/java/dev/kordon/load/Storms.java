package dev.kordon.load;

import java.nio.file.Path;
import java.util.Map;

/**
 * The runs against Kordon that wrk drives: the closed-loop sign-in storms with the open model
 * (Gatling) after them, all between two hash-only runs, and /auth/verify on both its paths.
 */
final class Storms {
    private final Settings cfg;
    private final Path jar;
    private final GatlingRun gatling;
    private final HarnessClient http;

    Storms(Settings cfg, Path jar, GatlingRun gatling, HarnessClient http) {
        this.cfg = cfg;
        this.jar = jar;
        this.gatling = gatling;
        this.http = http;
    }

    void signIn(
            String baseUrl,
            Pool pool,
            SmsStandIn sms,
            int memoryKib,
            int iterations,
            int cpus,
            ReportBlock block,
            RssSampler rss,
            KordonProcess kordon)
            throws Exception {
        double before = HashOnly.measure(jar, cfg, memoryKib, iterations, cpus).perSecond();
        block.storms.stormHashBefore(before);
        double secs = cfg.stormSeconds();
        for (int clients : cfg.stormClients()) {
            Wrk.Result r = Wrk.run(
                    "storm " + clients + " clients",
                    baseUrl,
                    "signin.lua",
                    cfg.wrkThreads(),
                    clients,
                    secs,
                    kordonStormEnv(pool));
            alive(kordon, "storm " + clients);
            block.storms.storm("Kordon", clients, r, rss == null ? Double.NaN : rss.peakMb(r.startMs(), r.endMs()));
        }
        // The open model: new sign-ins arrive at k times the hash-only rate whatever the answers do.
        for (int k : new int[] {2, 5}) {
            double rate = k * before;
            long cpu0 = harnessCpuNanos();
            Scenario run = gatling.run(
                    Plan.open(Plan.Kind.OPEN_SIGN_IN, baseUrl, pool, sms, rate, secs), "open " + k + "x", rss, kordon);
            long cpu = harnessCpuNanos() - cpu0;
            block.storms.openStorm(
                    k,
                    rate,
                    run,
                    100.0 * cpu / 1e9 / Math.max(0.001, (run.endMs() - run.startMs()) / 1000.0),
                    Runtime.getRuntime().availableProcessors());
        }
        double after = HashOnly.measure(jar, cfg, memoryKib, iterations, cpus).perSecond();
        block.storms.stormHashAfter(after);
    }

    /**
     * /auth/verify with wrk on both paths, bearer and the browser session cookie, interleaved with
     * the hello-world route: hello, bearer, cookie, hello, bearer, cookie; 64 connections each.
     */
    void verify(String baseUrl, String helloUrl, Pool pool, ReportBlock block, RssSampler rss) throws Exception {
        String bearer = "Authorization: Bearer " + pool.anyAccess();
        String cookie = "Cookie: " + http.sessionCookie(baseUrl, pool.cycled(), pool.ip());
        double secs = cfg.verifySeconds();
        int connections = 64;
        for (int round = 0; round < cfg.rounds(); round++) {
            Wrk.Result h = Wrk.run("hello", helloUrl + "/", "plain.lua", cfg.wrkThreads(), connections, secs, Map.of());
            Wrk.Result b = Wrk.run(
                    "verify bearer",
                    baseUrl + "/auth/verify",
                    "plain.lua",
                    cfg.wrkThreads(),
                    connections,
                    secs,
                    Map.of("VERIFY_HEADER", bearer));
            Wrk.Result c = Wrk.run(
                    "verify cookie",
                    baseUrl + "/auth/verify",
                    "plain.lua",
                    cfg.wrkThreads(),
                    connections,
                    secs,
                    Map.of("VERIFY_HEADER", cookie));
            block.storms.wrkVerify(
                    h,
                    b,
                    c,
                    rss == null ? Double.NaN : rss.peakMb(b.startMs(), b.endMs()),
                    rss == null ? Double.NaN : rss.peakMb(c.startMs(), c.endMs()));
        }
    }

    /** What signin.lua needs to cycle over the seeded accounts that password sign-ins use. */
    private static Map<String, String> kordonStormEnv(Pool pool) {
        return Map.of(
                "STORM_TARGET",
                "kordon",
                "STORM_PATH",
                "/api/v1/login/password",
                "STORM_ACCOUNTS",
                "" + Math.max(1, pool.accounts / 2),
                "STORM_PASSWORD",
                Pool.PASSWORD,
                "STORM_CATEGORY",
                "mobile");
    }

    /** CPU time of this JVM (Gatling and the harness), for the open model's generator figure. */
    private static long harnessCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private static void alive(KordonProcess kordon, String what) {
        if (kordon != null && !kordon.process.isAlive()) {
            throw new IllegalStateException("Kordon died during " + what + ":\n" + kordon.tail(30));
        }
    }
}
