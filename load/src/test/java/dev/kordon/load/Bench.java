package dev.kordon.load;

import io.gatling.app.Gatling$;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The benchmark: per Argon2id parameter set it measures the baselines (hash-only, hello-world),
 * starts real Postgres, Redis, SMTP and an SMS stand-in, runs Kordon from its jar, seeds accounts,
 * runs the Gatling scenarios and writes one summary. Options come from the environment (load/run
 * documents them). Exit 0 = it all ran; 1 = the harness broke; 3 = --strict and a target was missed.
 */
public final class Bench {
    private static final Pattern RATE = Pattern.compile("rate=([0-9.]+)/s");
    private static final Pattern ACCESS = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern REFRESH = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");

    private final Settings cfg;
    private final Path jar = Path.of("target/kordon.jar").toAbsolutePath();
    private final Path outDir;
    private final Path gatlingDir = Path.of("load/target/gatling").toAbsolutePath();
    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final List<String> problems = new ArrayList<>();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Bench(Settings cfg) throws Exception {
        this.cfg = cfg;
        this.outDir = Files.createDirectories(
                Path.of("load/target/bench", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
                        .toAbsolutePath());
    }

    public static void main(String[] args) throws Exception {
        Settings cfg = Settings.fromEnv();
        Bench bench = new Bench(cfg);
        Runtime.getRuntime().addShutdownHook(new Thread(bench::closeAll, "bench-cleanup"));
        int rc;
        try {
            rc = bench.run();
        } catch (Throwable e) {
            System.err.println("bench: broken: " + e);
            e.printStackTrace();
            rc = 1;
        }
        bench.closeAll();
        System.out.flush();
        // Gatling and the embedded servers leave non-daemon threads behind.
        Runtime.getRuntime().halt(rc);
    }

    private int run() throws Exception {
        System.out.println("bench: " + cfg.describe());
        Report report = new Report(cfg, outDir);
        for (int[] params : cfg.params()) {
            Report.Block block = report.block(params[0], params[1]);
            try {
                runSet(params[0], params[1], block);
            } catch (Exception e) {
                problems.add("m=" + params[0] + " t=" + params[1] + ": " + e.getMessage());
                block.note("run broken: " + e.getMessage());
                e.printStackTrace();
            } finally {
                closeAll();
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

    private void runSet(int memoryKib, int iterations, Report.Block block) throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        Path hashFile = cfg.seeding()
                ? Seeder.hashes(
                        jar, Path.of("load/target/bench-cache").toAbsolutePath(), memoryKib, iterations, cfg.accounts())
                : null;

        // Hash-only: before Kordon runs, on as many threads as Kordon's hashing pool.
        String hashLine = BaselineProcess.result(
                jar,
                "hash",
                "--memory-kib",
                "" + memoryKib,
                "--iterations",
                "" + iterations,
                "--parallelism",
                "1",
                "--threads",
                "" + cpus,
                "--seconds",
                "" + cfg.hashSeconds(),
                "--warmup",
                "" + cfg.hashWarmup());
        Matcher m = RATE.matcher(hashLine);
        if (!m.find()) {
            throw new IllegalStateException("no rate from the hash-only baseline: " + hashLine);
        }
        double capacity = Double.parseDouble(m.group(1));
        block.hashOnly(capacity, hashLine);
        System.out.println("bench: " + hashLine);

        SmsStandIn sms = remember(new SmsStandIn(cfg.smsPort()));
        String baseUrl;
        KordonProcess kordon = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("KORDON_HASH_MEMORY_KIB", "" + memoryKib);
        overrides.put("KORDON_HASH_ITERATIONS", "" + iterations);
        overrides.put("KORDON_HASH_PARALLELISM", "1");
        // The operator's SMSC budget, not a per-client throttle: raised so the SMS scenario measures Kordon.
        overrides.put("KORDON_SENDING_SMS_PER_MINUTE", "1000000");
        // The admission bound the storms are judged by: handed on when the caller sets it, else Kordon's default.
        String maxWait = System.getenv("KORDON_HASH_MAX_WAIT");
        if (maxWait != null && !maxWait.isBlank()) {
            overrides.put("KORDON_HASH_MAX_WAIT", maxWait.trim());
        }
        String pgUrl = cfg.pgUrl();
        if (cfg.url() == null) {
            Stack stack = remember(Stack.start());
            pgUrl = stack.pgUrl();
            Path work = Files.createDirectories(outDir.resolve("kordon-m" + memoryKib + "-t" + iterations));
            Map<String, String> env = KordonProcess.environment(
                    work,
                    Stack.freePort(),
                    Stack.freePort(),
                    stack.pgUrl(),
                    stack.redisUrl(),
                    "127.0.0.1",
                    stack.smtp.getSmtp().getPort(),
                    sms.url(),
                    overrides);
            kordon = remember(KordonProcess.start(jar, env, work.resolve("kordon.log")));
            block.note("Kordon: java -jar target/kordon.jar (pid " + kordon.process.pid() + "), log "
                    + work.resolve("kordon.log"));
            kordon.awaitReady(Duration.ofSeconds(120));
            baseUrl = kordon.baseUrl;
            overrides.forEach((k, v) -> block.note("override " + k + "=" + v));
            block.note("unchanged: per-IP and per-account throttles at their defaults; every virtual user has its own "
                    + "X-Forwarded-For address (10.x.y.z), believed from 127.0.0.1 (KORDON_HTTP_TRUSTED_PROXIES)");
        } else {
            baseUrl = cfg.url();
            block.note("target: " + baseUrl + " (already running; its SMS provider must be http at " + sms.url() + ")");
        }
        RssSampler rss = null;
        long pid = kordon != null ? kordon.process.pid() : cfg.kordonPid();
        if (pid > 0) {
            rss = remember(new RssSampler(pid));
            block.sampler(rss);
        }
        if (hashFile != null) {
            Seeder.seed(pgUrl, hashFile, cfg.accounts());
        } else {
            block.note("no --pg-url: the accounts +37533" + "0000000.. must exist with password " + Pool.PASSWORD);
        }
        Pool pool = new Pool(cfg.accounts());
        long runStart = System.currentTimeMillis();

        Scenario run;
        // Tokens for refresh and verify, from real sign-ins.
        ExecutorService setup = Executors.newFixedThreadPool(cpus);
        List<Future<String>> signIns = new ArrayList<>();
        for (int i = 0; i < cfg.tokens(); i++) {
            String phone = pool.cycled();
            String ip = pool.ip();
            signIns.add(setup.submit(() -> signIn(baseUrl, phone, ip)));
        }
        for (Future<String> f : signIns) {
            String body = f.get();
            pool.access.add(group(ACCESS, body));
            pool.refresh.add(group(REFRESH, body));
        }
        setup.shutdown();

        // Unloaded sign-in latency: one at a time, nothing else running, after the token sign-ins warmed Kordon up.
        double[] unloaded = new double[cfg.unloadedSignIns()];
        for (int i = 0; i < unloaded.length; i++) {
            long t0 = System.nanoTime();
            signIn(baseUrl, pool.cycled(), pool.ip());
            unloaded[i] = (System.nanoTime() - t0) / 1e6;
        }
        double unloadedMs = Recorder.median(unloaded);
        block.unloaded(unloadedMs);

        // Sign-in capacity: a closed loop of twice as many users as hashing threads keeps every thread
        // busy with a job waiting, and fits in the pool's places, so nothing is shed. A first loop
        // warms Kordon's compiled code up; then, interleaved, each measured loop is followed by the
        // hash-only baseline again (Kordon up but idle), so every round has a baseline on both sides.
        int satUsers = 2 * cpus;
        gatling(
                Plan.closed(Plan.Kind.SIGN_IN, baseUrl, pool, sms, satUsers, cfg.seconds(15, 2)),
                "sign-in warm-up",
                rss,
                kordon);
        for (int round = 0; round < cfg.signInRounds(); round++) {
            run = gatling(
                    Plan.closed(Plan.Kind.SIGN_IN, baseUrl, pool, sms, satUsers, cfg.seconds(20, 3)),
                    "sign-in capacity",
                    rss,
                    kordon);
            block.signInCapacity(run, satUsers);
            String again = BaselineProcess.result(
                    jar,
                    "hash",
                    "--memory-kib",
                    "" + memoryKib,
                    "--iterations",
                    "" + iterations,
                    "--parallelism",
                    "1",
                    "--threads",
                    "" + cpus,
                    "--seconds",
                    "" + cfg.hashSeconds(),
                    "--warmup",
                    "" + cfg.hashWarmup());
            Matcher m2 = RATE.matcher(again);
            if (!m2.find()) {
                throw new IllegalStateException("no rate from the hash-only baseline: " + again);
            }
            block.hashOnlyAgain(Double.parseDouble(m2.group(1)));
            System.out.println("bench: " + again);
        }
        capacity = block.capacity();

        // Storms: closed-loop clients that resend the moment they are answered (wrk), then the open
        // model at 2x and 5x the hash-only rate, all between two hash-only runs.
        if (Wrk.available()) {
            storms(baseUrl, pool, sms, memoryKib, iterations, cpus, block, rss, kordon);
        } else {
            block.note("wrk not installed (" + Wrk.BINARY + "): the storms and the wrk verify runs were skipped");
        }

        // a + g: the burst with /health/live probed alongside.
        double ramp = cfg.seconds(60, 2);
        double hold = cfg.seconds(120, 3);
        double spike = cfg.seconds(60, 3);
        Plan burst = Plan.burst(baseUrl, pool, capacity, ramp, hold, spike, 20);
        run = gatling(burst, "burst", rss, kordon);
        block.burst(run, capacity, ramp, hold, spike);

        // b .. e, then the mix.
        // Enough users that Kordon, not the wait for the SMS to arrive, sets the pace.
        int smsUsers = cfg.smoke() ? 5 : 300;
        run = gatling(Plan.closed(Plan.Kind.SMS, baseUrl, pool, sms, smsUsers, cfg.seconds(15, 3)), "sms", rss, kordon);
        block.closed("sms sign-in", run, smsUsers, List.of("sms code", "sms sign-in"), "sms sign-in");
        double recoveryRate = cfg.smoke() ? 5 : 20;
        run = gatling(
                Plan.open(Plan.Kind.RECOVERY, baseUrl, pool, sms, recoveryRate, cfg.seconds(30, 2)),
                "recovery",
                rss,
                kordon);
        block.open("recovery (email)", run, recoveryRate, "recovery", Set.of(202), false);
        int refreshUsers = Math.min(cfg.tokens(), cfg.smoke() ? 8 : 32);
        run = gatling(
                Plan.closed(Plan.Kind.REFRESH, baseUrl, pool, sms, refreshUsers, cfg.seconds(20, 3)),
                "refresh",
                rss,
                kordon);
        block.closedSingle("refresh", run, refreshUsers, "refresh");

        // Verify and hello-world the same way (closed loop, same users, same time), interleaved.
        int users = cfg.smoke() ? 32 : 64;
        double stepSeconds = cfg.seconds(15, 3);
        Process hello = startHello();
        String helloUrl = "http://127.0.0.1:" + cfg.helloPort();
        for (int round = 0; round < cfg.rounds(); round++) {
            Scenario h =
                    gatling(Plan.closed(Plan.Kind.HELLO, helloUrl, pool, sms, users, stepSeconds), "hello", null, null);
            Scenario v = gatling(
                    Plan.closed(Plan.Kind.VERIFY, baseUrl, pool, sms, users, stepSeconds), "verify", rss, kordon);
            block.helloAndVerify(h, v, users);
        }
        if (Wrk.available()) {
            verifyWithWrk(baseUrl, helloUrl, pool, block, rss);
        }
        hello.destroy();

        // Within capacity on both counts: its 5 % sign-ins at half the hash-only rate, its verifies at half what verify
        // just did.
        double mixRate = Math.max(5, Math.round(Math.min(capacity * 10, 0.5 * block.verifyMean())));
        run = gatling(Plan.open(Plan.Kind.MIX, baseUrl, pool, sms, mixRate, cfg.seconds(60, 4)), "mix", rss, kordon);
        block.mix(run, mixRate);

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
        if ("keycloak".equals(cfg.peer()) && block.hasStorms() && !peerDone) {
            peerDone = true;
            keycloak(memoryKib, iterations, block);
        }
        problems.addAll(block.badStatuses());
        if (block.hasStorms()) {
            Plots.storms(
                    outDir,
                    "m" + memoryKib + "-t" + iterations,
                    block.stormClients(),
                    block.kordonGood(),
                    block.keycloakGood(),
                    block.stormHashOnly());
        }
        Plots.burst(outDir, "m" + memoryKib + "-t" + iterations, block.burstSamples(), block.burstStart());
    }

    private boolean peerDone;

    private double hashOnly(int memoryKib, int iterations, int cpus) throws Exception {
        String line = BaselineProcess.result(
                jar,
                "hash",
                "--memory-kib",
                "" + memoryKib,
                "--iterations",
                "" + iterations,
                "--parallelism",
                "1",
                "--threads",
                "" + cpus,
                "--seconds",
                "" + cfg.hashSeconds(),
                "--warmup",
                "" + cfg.hashWarmup());
        Matcher m = RATE.matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("no rate from the hash-only baseline: " + line);
        }
        System.out.println("bench: " + line);
        return Double.parseDouble(m.group(1));
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

    private void storms(
            String baseUrl,
            Pool pool,
            SmsStandIn sms,
            int memoryKib,
            int iterations,
            int cpus,
            Report.Block block,
            RssSampler rss,
            KordonProcess kordon)
            throws Exception {
        double before = hashOnly(memoryKib, iterations, cpus);
        block.stormHashBefore(before);
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
            block.storm("Kordon", clients, r, rss == null ? Double.NaN : rss.peakMb(r.startMs(), r.endMs()));
        }
        // The open model: new sign-ins arrive at k times the hash-only rate whatever the answers do.
        for (int k : new int[] {2, 5}) {
            double rate = k * before;
            long cpu0 = harnessCpuNanos();
            Scenario run = gatling(
                    Plan.open(Plan.Kind.OPEN_SIGN_IN, baseUrl, pool, sms, rate, secs), "open " + k + "x", rss, kordon);
            long cpu = harnessCpuNanos() - cpu0;
            block.openStorm(
                    k,
                    rate,
                    run,
                    100.0 * cpu / 1e9 / Math.max(0.001, (run.endMs() - run.startMs()) / 1000.0),
                    Runtime.getRuntime().availableProcessors());
        }
        double after = hashOnly(memoryKib, iterations, cpus);
        block.stormHashAfter(after);
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

    /**
     * /auth/verify with wrk on both paths, bearer and the browser session cookie, interleaved with
     * the hello-world route: hello, bearer, cookie, hello, bearer, cookie; 64 connections each.
     */
    private void verifyWithWrk(String baseUrl, String helloUrl, Pool pool, Report.Block block, RssSampler rss)
            throws Exception {
        String bearer = "Authorization: Bearer " + pool.anyAccess();
        String cookie = "Cookie: " + sessionCookie(baseUrl, pool.cycled(), pool.ip());
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
            block.wrkVerify(
                    h,
                    b,
                    c,
                    rss == null ? Double.NaN : rss.peakMb(b.startMs(), b.endMs()),
                    rss == null ? Double.NaN : rss.peakMb(c.startMs(), c.endMs()));
        }
    }

    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    /** A browser sign-in through the page form (CSRF cookie and field, then POST /login): the session cookie. */
    private String sessionCookie(String baseUrl, String phone, String ip) throws Exception {
        HttpResponse<String> page = client.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/login"))
                        .header("Accept", "text/html")
                        .header("X-Forwarded-For", ip)
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String csrfCookie = page.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("kordon-csrf="))
                .map(c -> c.split(";")[0])
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no CSRF cookie from GET /login"));
        String field = group(CSRF_FIELD, page.body());
        String form = "csrf=" + enc(field) + "&mode=password&category=mobile&login=" + enc(phone) + "&password="
                + enc(Pool.PASSWORD);
        HttpResponse<String> signIn = client.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/login"))
                        .header("Accept", "text/html")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Cookie", csrfCookie)
                        .header("X-Forwarded-For", ip)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return signIn.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("kordon-session="))
                .map(c -> c.split(";")[0])
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "no session cookie from POST /login: " + signIn.statusCode() + " " + signIn.body()));
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Keycloak in dev mode, same Argon2id, same closed-loop storms against its token endpoint. */
    private void keycloak(int memoryKib, int iterations, Report.Block block) throws Exception {
        Path home = KeycloakPeer.distribution();
        Path log = outDir.resolve("keycloak.log");
        System.out.println(
                "peer: starting Keycloak " + KeycloakPeer.VERSION + " (JAVA_HOME " + KeycloakPeer.javaHome() + ")");
        try (KeycloakPeer kc =
                        KeycloakPeer.start(home, Stack.freePort(), Stack.freePort(), memoryKib, iterations, log);
                RssSampler rss = new RssSampler(kc.jvmPid())) {
            remember(kc); // stopped by the shutdown hook too, should the run be interrupted
            int users = cfg.smoke() ? 50 : 300;
            String credential = kc.setUp(users, Pool.PASSWORD);
            boolean same = KeycloakPeer.matches(credential, memoryKib, iterations);
            block.keycloak(KeycloakPeer.VERSION, users, credential, same, log);
            if (!same) {
                throw new IllegalStateException("Keycloak stored a credential with other parameters: " + credential);
            }
            Map<String, String> env = Map.of(
                    "STORM_TARGET",
                    "keycloak",
                    "STORM_PATH",
                    kc.tokenPath(),
                    "STORM_ACCOUNTS",
                    "" + users,
                    "STORM_PASSWORD",
                    Pool.PASSWORD,
                    "STORM_CLIENT",
                    KeycloakPeer.CLIENT,
                    "STORM_USER_PREFIX",
                    KeycloakPeer.USER_PREFIX);
            for (int clients : cfg.stormClients()) {
                Wrk.Result r = Wrk.run(
                        "keycloak storm " + clients + " clients",
                        kc.baseUrl,
                        "signin.lua",
                        cfg.wrkThreads(),
                        clients,
                        cfg.stormSeconds(),
                        env);
                if (!kc.process.isAlive()) {
                    throw new IllegalStateException("Keycloak died during the storm:\n" + kc.tail(30));
                }
                block.storm("Keycloak", clients, r, rss.peakMb(r.startMs(), r.endMs()));
            }
        }
        System.out.println("peer: Keycloak stopped");
    }

    /** One scenario: what it recorded, when, Kordon's peak RSS meanwhile, Gatling's report. */
    record Scenario(
            String name, List<Recorder.Sample> samples, long startMs, long endMs, double peakRssMb, Path report) {}

    private Scenario gatling(Plan plan, String name, RssSampler rss, KordonProcess kordon) {
        Plan.current = plan;
        Recorder.drain();
        long start = System.currentTimeMillis();
        Step.injectionStart = 0;
        int rc;
        try {
            rc = Gatling$.MODULE$.fromArgs(new String[] {
                "--simulation",
                Step.class.getName(),
                "--results-folder",
                gatlingDir.toString(),
                "--run-description",
                name
            });
        } catch (UnsupportedOperationException e) {
            // Gatling writes no report for a run without requests; the missing figures say what went wrong.
            System.out.println("bench: " + name + ": " + e.getMessage());
            rc = 0;
        }
        long end = System.currentTimeMillis();
        if (rc != 0) {
            problems.add(name + ": Gatling exited with " + rc);
        }
        if (kordon != null && !kordon.process.isAlive()) {
            throw new IllegalStateException("Kordon died during " + name + ":\n" + kordon.tail(30));
        }
        Path report = newestReport();
        System.out.println("bench: " + name + " report " + report);
        long injected = Step.injectionStart > 0 ? Step.injectionStart : start;
        return new Scenario(
                name, Recorder.drain(), injected, end, rss == null ? Double.NaN : rss.peakMb(start, end), report);
    }

    private Path newestReport() {
        try (Stream<Path> dirs = Files.list(gatlingDir)) {
            return dirs.filter(Files::isDirectory)
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .map(p -> p.resolve("index.html"))
                    .orElse(null);
        } catch (Exception e) {
            return null;
        }
    }

    private String signIn(String baseUrl, String phone, String ip) throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/login/password"))
                        .header("Content-Type", "application/json")
                        .header("X-Forwarded-For", ip)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"category\":\"mobile\",\"login\":\"" + phone
                                + "\",\"password\":\"" + Pool.PASSWORD + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("setup sign-in of " + phone + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private static String group(Pattern p, String body) {
        Matcher m = p.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no " + p + " in " + body);
        }
        return m.group(1);
    }

    private Process startHello() throws Exception {
        Process p = new ProcessBuilder(BaselineProcess.command(jar, "hello", "--port", "" + cfg.helloPort()))
                .redirectErrorStream(true)
                .start();
        remember(p::destroy);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("hello ready")) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (Exception ignored) {
                        // the process is gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return p;
            }
        }
        throw new IllegalStateException("Baseline hello did not start");
    }

    private <T extends AutoCloseable> T remember(T resource) {
        synchronized (open) {
            open.push(resource);
        }
        return resource;
    }

    private void closeAll() {
        while (true) {
            AutoCloseable c;
            synchronized (open) {
                c = open.poll();
            }
            if (c == null) {
                return;
            }
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("bench: cleanup: " + e);
            }
        }
    }
}
