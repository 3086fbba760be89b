package dev.kordon.load;

import dev.kordon.load.Bench.Scenario;
import dev.kordon.load.Recorder.Sample;
import dev.kordon.load.Recorder.Stats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The summary: a block per parameter set, rows per scenario, baselines, ratios, PASS/MISS. */
final class Report {
    private final Settings cfg;
    private final Path dir;
    private final List<Block> blocks = new ArrayList<>();

    Report(Settings cfg, Path dir) {
        this.cfg = cfg;
        this.dir = dir;
    }

    Block block(int memoryKib, int iterations) {
        Block b = new Block(memoryKib, iterations);
        blocks.add(b);
        return b;
    }

    int misses() {
        return blocks.stream()
                .mapToInt(b -> (int) b.targets.stream().filter(t -> !t.pass()).count())
                .sum();
    }

    /** A figure the table must have and does not: the harness, not Kordon, is at fault. */
    List<String> missingFigures() {
        List<String> out = new ArrayList<>();
        for (Block b : blocks) {
            b.figures.forEach((k, v) -> {
                if (v == null || v.isNaN() || v <= 0) {
                    out.add("m=" + b.memoryKib + " t=" + b.iterations + ": figure missing: " + k);
                }
            });
        }
        return out;
    }

    String write() throws Exception {
        StringBuilder md = new StringBuilder("# Kordon benchmark (" + cfg.describe() + ")\n\n");
        StringBuilder json = new StringBuilder("{\"settings\":" + str(cfg.describe()) + ",\"blocks\":[");
        StringBuilder csv = new StringBuilder(
                "params,scenario,offered,achieved_per_s,p50_ms,p95_ms,p99_ms,p999_ms,error_pct,shed_pct,peak_rss_mb\n");
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            md.append(b.markdown()).append('\n');
            json.append(i > 0 ? "," : "").append(b.json());
            for (Row r : b.rows) {
                csv.append(String.format(
                        Locale.ROOT,
                        "m=%d t=%d,%s,%s,%.2f,%.1f,%.1f,%.1f,%.1f,%.2f,%.2f,%.1f%n",
                        b.memoryKib,
                        b.iterations,
                        r.scenario,
                        r.offered.replace(',', ';'),
                        r.rate,
                        r.p50,
                        r.p95,
                        r.p99,
                        r.p999,
                        r.errorPct,
                        r.shedPct,
                        r.rssMb));
            }
        }
        json.append("]}\n");
        Files.writeString(dir.resolve("summary.md"), md, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.json"), json, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.csv"), csv, StandardCharsets.UTF_8);
        return md.toString();
    }

    record Row(
            String scenario,
            String offered,
            double rate,
            double p50,
            double p95,
            double p99,
            double p999,
            double errorPct,
            double shedPct,
            double rssMb,
            String report) {}

    record Target(String text, boolean pass, String actual) {}

    /** One storm: clients > 0 a closed loop of that many, clients = -k the open model at k x hash-only. */
    record StormRow(
            String target,
            String offered,
            int clients,
            double okRate,
            double shedRate,
            double otherRate,
            String otherStatuses,
            long errors,
            double okP99,
            double shedP99,
            double allP99,
            double genCpuPct,
            int genCores,
            boolean capped,
            double rssMb,
            long answers,
            double seconds) {}

    /** signin.lua's -1 (nothing to rank) as NaN. */
    private static double ms(double v) {
        return v < 0 ? Double.NaN : v;
    }

    final class Block {
        final int memoryKib;
        final int iterations;
        final List<Row> rows = new ArrayList<>();
        final List<Target> targets = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final Map<String, Double> figures = new LinkedHashMap<>();
        final Map<String, String> ratios = new LinkedHashMap<>();
        private final List<String> bad = new ArrayList<>();
        private final List<Double> helloRates = new ArrayList<>();
        private final List<Double> verifyRates = new ArrayList<>();
        private double capacity = Double.NaN;
        private int hashThreads;
        private double unloadedMs = Double.NaN;
        private double holdRate = Double.NaN;
        private final List<Double> hashRates = new ArrayList<>();
        private final List<Double> signInRates = new ArrayList<>();
        private double smsRate = Double.NaN;
        private double overallRss = Double.NaN;
        private double burstRss = Double.NaN;
        private long blocked = -1;
        private int closedUsers;
        private Stats spikeOk;
        private Stats burstAll;
        private Stats shed;
        private Stats health;
        private List<Sample> burstSamples = List.of();
        private long burstStart;
        private RssSampler sampler;
        private final List<StormRow> storms = new ArrayList<>();
        private final List<double[]> wrkVerify = new ArrayList<>();
        private final List<String> wrkVerifyRows = new ArrayList<>();
        private final List<Boolean> wrkVerifyCapped = new ArrayList<>();
        private final List<Double> wrkVerifyRss = new ArrayList<>();
        private double stormHashBefore = Double.NaN;
        private double stormHashAfter = Double.NaN;
        private String keycloakText;
        private final Map<String, String> extraRatios = new LinkedHashMap<>();
        private final List<Target> extraTargets = new ArrayList<>();
        private boolean keycloakSame;

        Block(int memoryKib, int iterations) {
            this.memoryKib = memoryKib;
            this.iterations = iterations;
        }

        void note(String text) {
            notes.add(text);
        }

        void hashOnly(double rate, String line) {
            capacity = rate;
            hashRates.add(rate);
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("threads=(\\d+)").matcher(line);
            hashThreads = m.find() ? Integer.parseInt(m.group(1)) : 0;
            figures.put("hash-only rate", rate);
        }

        /** The hash-only rate measured again after a sign-in round; capacity is the mean of all. */
        void hashOnlyAgain(double rate) {
            hashRates.add(rate);
            capacity = hashRates.stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElse(Double.NaN);
            figures.put("hash-only rate", capacity);
            figures.put("hash-only rate #" + hashRates.size(), rate);
        }

        double capacity() {
            return capacity;
        }

        void signInCapacity(Scenario run, int users) {
            List<Sample> xs = named(run, "sign-in");
            Stats st = Recorder.stats(xs, Set.of(200), true, span(xs));
            signInRates.add(st.okRate());
            row("sign-in capacity #" + signInRates.size(), "closed, " + users + " users", st, run.peakRssMb(), run);
            figures.put("sign-in capacity rate #" + signInRates.size(), st.okRate());
            expect("sign-in capacity", st);
        }

        /** Per round: the sign-in rate over the mean of the hash-only runs just before and just after it. */
        private double[] signInRatios() {
            double[] r = new double[signInRates.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = signInRates.get(i) / ((hashRates.get(i) + hashRates.get(i + 1)) / 2);
            }
            return r;
        }

        void unloaded(double ms) {
            unloadedMs = ms;
            figures.put("unloaded sign-in latency", ms);
        }

        void burst(Scenario run, double c, double ramp, double hold, double spike) {
            burstSamples = run.samples();
            burstStart = run.startMs();
            long t0 = run.startMs();
            long holdFrom = t0 + (long) (ramp * 1000);
            long spikeFrom = holdFrom + (long) (hold * 1000);
            long end = spikeFrom + (long) (spike * 1000);
            List<Sample> signIns = named(run, "sign-in");
            Set<Integer> ok = Set.of(200);
            // Latencies by when a request was sent, throughput by when its 200 came back.
            Stats r = throughput(Recorder.stats(between(signIns, t0, holdFrom), ok, true, ramp), signIns, t0, holdFrom);
            Stats h = throughput(
                    Recorder.stats(between(signIns, holdFrom, spikeFrom), ok, true, hold),
                    signIns,
                    holdFrom,
                    spikeFrom);
            Stats s = throughput(
                    Recorder.stats(between(signIns, spikeFrom, Long.MAX_VALUE), ok, true, spike),
                    signIns,
                    spikeFrom,
                    end);
            burstAll = Recorder.stats(signIns, ok, true, ramp + hold + spike);
            List<Sample> shedOnly =
                    signIns.stream().filter(x -> x.status() == 503).toList();
            shed = Recorder.stats(shedOnly, Set.of(503), false, ramp + hold + spike);
            health = Recorder.stats(named(run, "health"), Set.of(200), false, ramp + hold + spike);
            holdRate = h.okRate();
            spikeOk = s;
            row(
                    "sign-in ramp",
                    fmt(Math.min(1, c)) + "→" + fmt(c) + "/s, " + fmt(ramp) + " s",
                    r,
                    peak(t0, holdFrom),
                    run);
            row("sign-in hold", fmt(c) + "/s, " + fmt(hold) + " s", h, peak(holdFrom, spikeFrom), run);
            row("sign-in spike 2x", fmt(2 * c) + "/s, " + fmt(spike) + " s", s, peak(spikeFrom, end), run);
            burstRss = peak(t0, end);
            figures.put("burst peak RSS", burstRss);
            row("sign-in shed (503)", "-", shed, Double.NaN, run);
            row("/health/live in burst", "20/s", health, run.peakRssMb(), run);
            figures.put("sign-in hold rate", holdRate);
            figures.put("sign-in spike rate", s.okRate());
            figures.put("sign-in p99", burstAll.p99());
            figures.put("health p99", health.p99());
            expect("burst", burstAll);
            expect("health", health);
        }

        void closed(String title, Scenario run, int users, List<String> names, String main) {
            for (String name : names) {
                List<Sample> xs = named(run, name);
                Stats st = Recorder.stats(xs, Set.of(name.endsWith("code") ? 202 : 200), false, span(xs));
                row(name, "closed, " + users + " users", st, run.peakRssMb(), run);
                expect(name, st);
                if (name.equals(main)) {
                    smsRate = st.okRate();
                    figures.put(title + " rate", smsRate);
                }
            }
        }

        void closedSingle(String title, Scenario run, int users, String name) {
            List<Sample> xs = named(run, name);
            Stats st = Recorder.stats(xs, Set.of(200), false, span(xs));
            row(title, "closed, " + users + " users", st, run.peakRssMb(), run);
            figures.put(title + " rate", st.okRate());
            expect(title, st);
        }

        void open(String title, Scenario run, double rate, String name, Set<Integer> ok, boolean shedAllowed) {
            List<Sample> xs = named(run, name);
            Stats st = Recorder.stats(xs, ok, shedAllowed, span(xs));
            row(title, fmt(rate) + "/s", st, run.peakRssMb(), run);
            figures.put(title + " rate", st.okRate());
            expect(title, st);
        }

        void helloAndVerify(Scenario hello, Scenario verify, int users) {
            closedUsers = users;
            List<Sample> h = named(hello, "hello");
            List<Sample> v = named(verify, "verify");
            Stats hs = Recorder.stats(h, Set.of(200), false, span(h));
            Stats vs = Recorder.stats(v, Set.of(200), false, span(v));
            int round = helloRates.size() + 1;
            helloRates.add(hs.okRate());
            verifyRates.add(vs.okRate());
            row("hello-world #" + round, "closed, " + users + " users", hs, Double.NaN, hello);
            row("/auth/verify #" + round, "closed, " + users + " users", vs, verify.peakRssMb(), verify);
            figures.put("hello-world rate #" + round, hs.okRate());
            figures.put("verify rate #" + round, vs.okRate());
            expect("hello", hs);
            expect("verify", vs);
        }

        void mix(Scenario run, double rate) {
            List<Sample> xs = run.samples();
            Stats st = Recorder.stats(xs, Set.of(200, 202), true, span(xs));
            row(
                    "mix (85% verify, 5% sign-in, 6% refresh, 2% sms, 2% recovery)",
                    fmt(rate) + "/s", st, run.peakRssMb(), run);
            figures.put("mix rate", st.okRate());
            expect("mix", st);
        }

        void overallRss(double mb) {
            overallRss = mb;
            if (cfg.url() == null || cfg.kordonPid() > 0) {
                figures.put("peak RSS", mb);
            }
        }

        void blocked(long count) {
            blocked = count;
        }

        List<String> badStatuses() {
            finish();
            return bad;
        }

        List<Sample> burstSamples() {
            return burstSamples;
        }

        long burstStart() {
            return burstStart;
        }

        private void expect(String what, Stats st) {
            if (!st.badStatuses().isEmpty()) {
                bad.add("m=" + memoryKib + " t=" + iterations + ": " + what + ": unexpected statuses "
                        + st.badStatuses());
            }
        }

        private double helloMean() {
            return helloRates.stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElse(Double.NaN);
        }

        double verifyMean() {
            return verifyRates.stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElse(Double.NaN);
        }

        /** Ratios and targets, once every figure is in. */
        private void finish() {
            if (!targets.isEmpty() || spikeOk == null) {
                return;
            }
            double[] signInRounds = signInRatios();
            double signInRatio = Recorder.median(signInRounds);
            StringBuilder signInText = new StringBuilder();
            for (int i = 0; i < signInRounds.length; i++) {
                signInText.append(i > 0 ? ", " : "").append(fmt2(signInRounds[i]));
            }
            double[] perRound = new double[verifyRates.size()];
            StringBuilder rounds = new StringBuilder();
            for (int i = 0; i < perRound.length; i++) {
                perRound[i] = verifyRates.get(i) / helloRates.get(i);
                rounds.append(i > 0 ? ", " : "").append(fmt2(perRound[i]));
            }
            double verifyRatio = Recorder.median(perRound);
            double smsRatio = smsRate / helloMean();
            ratios.put(
                    "sign-in / hash-only",
                    fmt2(signInRatio) + " (per round: " + signInText + "; sign-ins/s of a closed loop"
                            + " that keeps every hashing thread busy, over the hash-only runs on either side of it)");
            ratios.put("verify / hello-world", fmt2(verifyRatio) + " (per round: " + rounds + ")");
            ratios.put("sms sign-in / hello-world", fmt3(smsRatio));
            figures.put("sign-in / hash-only", signInRatio);
            figures.put("verify / hello-world", verifyRatio);
            figures.put("sms sign-in / hello-world", smsRatio);
            target("password sign-ins >= 0.90 x hash-only rate", signInRatio >= 0.90, fmt2(signInRatio));
            target(
                    "at 2x capacity: achieved >= 0.85 x capacity",
                    spikeOk.okRate() >= 0.85 * capacity,
                    fmt(spikeOk.okRate()) + "/s vs " + fmt(0.85 * capacity) + "/s");
            target(
                    "at 2x capacity: admitted p99 <= 4 x unloaded sign-in latency",
                    spikeOk.p99() <= 4 * unloadedMs,
                    fmt(spikeOk.p99()) + " ms vs 4 x " + fmt(unloadedMs) + " ms");
            target(
                    "shed answers (503) p99 <= 20 ms",
                    shed.count() == 0 || shed.p99() <= 20,
                    shed.count() == 0 ? "nothing shed" : fmt(shed.p99()) + " ms");
            target("no timeouts in the burst", burstAll.timeouts() == 0, burstAll.timeouts() + " timeouts");
            target(
                    "nothing but 200 and 503 in the burst",
                    burstAll.errors() == 0,
                    burstAll.badStatuses().toString());
            target("/auth/verify >= 0.60 x hello-world", verifyRatio >= 0.60, fmt2(verifyRatio));
            target("SMS sign-in >= 0.02 x hello-world", smsRatio >= 0.02, fmt3(smsRatio));
            target("/health/live p99 <= 10 ms during the burst", health.p99() <= 10, fmt(health.p99()) + " ms");
            if (blocked >= 0) {
                target("no blocked-thread warnings", blocked == 0, blocked + " in Kordon's log");
            }
            stormTargets();
            if (!Double.isNaN(overallRss)) {
                target(
                        "peak RSS < 300 MB through the burst (ramp, hold, 2x spike)",
                        burstRss < 300,
                        fmt(burstRss) + " MB");
                target("peak RSS < 300 MB over the whole run", overallRss < 300, fmt(overallRss) + " MB");
            }
            ratios.putAll(extraRatios);
            targets.addAll(extraTargets);
        }

        /** A measurement of its own (ImportMemory, RefusalTiming): its figures, ratio line and target, after the rest. */
        void extra(Map<String, Double> measured, String ratio, String value, Target target) {
            figures.putAll(measured);
            extraRatios.put(ratio, value);
            extraTargets.add(target);
        }

        // ---- storms (wrk closed loops, Gatling open model), the peer, verify with wrk

        void stormHashBefore(double rate) {
            stormHashBefore = rate;
            figures.put("hash-only rate before the storms", rate);
        }

        void stormHashAfter(double rate) {
            stormHashAfter = rate;
            figures.put("hash-only rate after the storms", rate);
        }

        /** The hash-only rate the storms are judged by: the mean of the runs just before and just after them. */
        double stormHashOnly() {
            return Double.isNaN(stormHashAfter) ? stormHashBefore : (stormHashBefore + stormHashAfter) / 2;
        }

        boolean hasStorms() {
            return storms.stream().anyMatch(r -> r.target().equals("Kordon") && r.clients() > 0);
        }

        List<Integer> stormClients() {
            return closedStorms("Kordon").stream().map(StormRow::clients).toList();
        }

        List<Double> kordonGood() {
            return closedStorms("Kordon").stream().map(StormRow::okRate).toList();
        }

        /** Keycloak's good sign-ins/s per client count, or an empty list without the peer. */
        List<Double> keycloakGood() {
            return closedStorms("Keycloak").stream().map(StormRow::okRate).toList();
        }

        private List<StormRow> closedStorms(String target) {
            return storms.stream()
                    .filter(r -> r.target().equals(target) && r.clients() > 0)
                    .toList();
        }

        /** A closed-loop storm run by wrk (signin.lua's figures). */
        void storm(String target, int clients, Wrk.Result r, double rssMb) {
            double secs = r.seconds();
            StormRow row = new StormRow(
                    target,
                    clients + " clients (closed, wrk)",
                    clients,
                    r.rate("ok"),
                    r.rate("shed"),
                    r.rate("other"),
                    r.text("other_statuses"),
                    r.count("timeouts") + r.count("connect_errors") + r.count("read_errors") + r.count("write_errors"),
                    ms(r.num("ok_p99_ms")),
                    ms(r.num("shed_p99_ms")),
                    r.num("p99_ms"),
                    r.cpuPct(),
                    r.threads(),
                    r.capped(),
                    rssMb,
                    r.count("ok") + r.count("shed") + r.count("other"),
                    secs);
            storms.add(row);
            // A Kordon storm that got no answers at all is the harness's failure; no good sign-ins is a MISS. The
            // peer may answer nothing within a short storm (its queue is unbounded): that is its figure, not a fault.
            if (target.equals("Kordon")) {
                figures.put(
                        target + " storm " + clients + " answers/s", (row.okRate() + row.shedRate() + row.otherRate()));
            }
        }

        /** The open model at k times the hash-only rate (Gatling; its CPU is this harness JVM's). */
        void openStorm(int k, double rate, Scenario run, double genCpuPct, int cores) {
            List<Sample> xs = named(run, "sign-in");
            double secs = span(xs);
            long ok = xs.stream().filter(x -> x.status() == 200).count();
            long shedN = xs.stream().filter(x -> x.status() == 503).count();
            long timeouts = xs.stream().filter(x -> x.status() == 0).count();
            List<Sample> others = xs.stream()
                    .filter(x -> x.status() != 200 && x.status() != 503 && x.status() != 0)
                    .toList();
            String otherStatuses = others.isEmpty()
                    ? "-"
                    : others.stream()
                            .map(x -> Integer.toString(x.status()))
                            .distinct()
                            .sorted()
                            .collect(java.util.stream.Collectors.joining(","));
            long[] okLat = xs.stream()
                    .filter(x -> x.status() == 200)
                    .mapToLong(Sample::latency)
                    .sorted()
                    .toArray();
            long[] shedLat = xs.stream()
                    .filter(x -> x.status() == 503)
                    .mapToLong(Sample::latency)
                    .sorted()
                    .toArray();
            long[] all = xs.stream().mapToLong(Sample::latency).sorted().toArray();
            StormRow row = new StormRow(
                    "Kordon",
                    "open " + k + "x = " + fmt(rate) + "/s (Gatling)",
                    -k,
                    ok / secs,
                    shedN / secs,
                    others.size() / secs,
                    otherStatuses,
                    timeouts,
                    Recorder.pct(okLat, 99),
                    Recorder.pct(shedLat, 99),
                    Recorder.pct(all, 99),
                    genCpuPct,
                    cores,
                    genCpuPct >= 90.0 * cores,
                    run.peakRssMb(),
                    xs.size(),
                    secs);
            storms.add(row);
            figures.put("open " + k + "x answers/s", xs.size() / secs);
        }

        void wrkVerify(Wrk.Result hello, Wrk.Result bearer, Wrk.Result cookie, double rssBearer, double rssCookie) {
            int round = wrkVerify.size() + 1;
            double h = hello.rate("requests") - hello.rate("non2xx3xx");
            double b = bearer.rate("requests") - bearer.rate("non2xx3xx");
            double c = cookie.rate("requests") - cookie.rate("non2xx3xx");
            wrkVerify.add(new double[] {h, b, c});
            wrkVerifyCapped.add(hello.capped());
            wrkVerifyRss.add(Math.max(rssBearer, rssCookie));
            for (Wrk.Result r : List.of(hello, bearer, cookie)) {
                double rss = r == bearer ? rssBearer : r == cookie ? rssCookie : Double.NaN;
                wrkVerifyRows.add(String.format(
                        Locale.ROOT,
                        "| %s #%d | %d | %s | %s | %s | %d | %s%s | %s |",
                        r.name(),
                        round,
                        r.connections(),
                        fmt(r.rate("requests") - r.rate("non2xx3xx")),
                        fmt(r.num("p50_ms")),
                        fmt(r.num("p99_ms")),
                        r.count("non2xx3xx") + r.count("timeouts"),
                        fmt(r.cpuPct()),
                        r.capped() ? " (generator-capped)" : "",
                        fmt(rss)));
            }
            figures.put("wrk hello-world rate #" + round, h);
            figures.put("wrk verify bearer rate #" + round, b);
            figures.put("wrk verify cookie rate #" + round, c);
            if (bearer.count("non2xx3xx") > 0 || cookie.count("non2xx3xx") > 0) {
                bad.add("m=" + memoryKib + " t=" + iterations + ": /auth/verify (wrk) answered other than 2xx/3xx");
            }
        }

        void keycloak(String version, int users, String credential, boolean same, Path log) {
            keycloakSame = same;
            keycloakText = "Keycloak " + version + " (kc.sh start-dev on loopback, its own JDK), realm with "
                    + "hashAlgorithm(argon2), brute-force detection off, a public client with direct access grants, "
                    + users
                    + " users; stored credential of one: " + credential + "; log " + log;
        }

        private void stormTargets() {
            double hashRef = stormHashOnly();
            double oneHashMs = 1000.0 * hashThreads / hashRef;
            double maxWaitMs = maxWaitMs();
            for (StormRow r : storms) {
                if (!r.target().equals("Kordon")) {
                    continue;
                }
                String what = r.clients() > 0 ? r.clients() + " closed-loop clients" : (-r.clients()) + "x open load";
                target(
                        "goodput >= 0.90 x hash-only at " + what,
                        r.okRate() >= 0.90 * hashRef,
                        fmt(r.okRate()) + "/s vs " + fmt(hashRef) + "/s = " + fmt2(r.okRate() / hashRef));
                target(
                        "admitted p99 <= hash.max-wait + one hash at " + what,
                        r.okP99() <= maxWaitMs + oneHashMs,
                        fmt(r.okP99()) + " ms vs " + fmt(maxWaitMs) + " + " + fmt(oneHashMs) + " ms");
                target(
                        "shed p99 <= 20 ms at " + what,
                        Double.isNaN(r.shedP99()) || r.shedP99() <= 20,
                        Double.isNaN(r.shedP99()) ? "nothing shed" : fmt(r.shedP99()) + " ms");
                target(
                        "nothing but 200 and 503 at " + what,
                        r.otherRate() == 0 && r.errors() == 0,
                        "other statuses " + r.otherStatuses() + ", " + r.errors() + " timeouts/socket errors");
                if (r.clients() == 16) {
                    target(
                            "zero non-200 at 16 clients",
                            r.shedRate() == 0 && r.otherRate() == 0 && r.errors() == 0,
                            fmt(r.shedRate()) + " 503/s, " + fmt(r.otherRate()) + " other/s, " + r.errors()
                                    + " errors");
                }
            }
            List<StormRow> kc = closedStorms("Keycloak");
            if (!kc.isEmpty()) {
                target(
                        "Keycloak's stored credential has the same Argon2id parameters",
                        keycloakSame,
                        keycloakSame ? "yes" : "no");
                for (StormRow k : kc) {
                    closedStorms("Kordon").stream()
                            .filter(x -> x.clients() == k.clients())
                            .findFirst()
                            .ifPresent(x -> target(
                                    "Kordon >= 2 x Keycloak at " + k.clients() + " clients",
                                    x.okRate() > 0 && x.okRate() >= 2 * k.okRate(),
                                    fmt(x.okRate()) + "/s vs " + fmt(k.okRate()) + "/s = "
                                            + fmt2(x.okRate() / k.okRate())));
                }
            }
            if (!wrkVerify.isEmpty()) {
                List<Double> bearer = new ArrayList<>();
                List<Double> cookie = new ArrayList<>();
                for (int i = 0; i < wrkVerify.size(); i++) {
                    if (!wrkVerifyCapped.get(i)) {
                        bearer.add(wrkVerify.get(i)[1] / wrkVerify.get(i)[0]);
                        cookie.add(wrkVerify.get(i)[2] / wrkVerify.get(i)[0]);
                    }
                }
                String capped = "generator-capped (wrk at >= 90 % of its cores during every hello-world run)";
                double b = Recorder.median(bearer.stream().mapToDouble(d -> d).toArray());
                double c = Recorder.median(cookie.stream().mapToDouble(d -> d).toArray());
                if (!bearer.isEmpty()) {
                    ratios.put(
                            "verify bearer / hello-world (wrk)",
                            fmt2(b) + " (rounds not generator-capped: " + bearer.size() + ")");
                    ratios.put("verify cookie / hello-world (wrk)", fmt2(c));
                }
                target(
                        "/auth/verify bearer >= 0.60 x hello-world (wrk, generator not capped)",
                        !bearer.isEmpty() && b >= 0.60,
                        bearer.isEmpty() ? capped : fmt2(b));
                target(
                        "/auth/verify cookie >= 0.50 x hello-world (wrk, generator not capped)",
                        !cookie.isEmpty() && c >= 0.50,
                        cookie.isEmpty() ? capped : fmt2(c));
            }
            StringBuilder rssText = new StringBuilder();
            boolean rssOk = true;
            for (StormRow r : storms) {
                if (r.target().equals("Kordon")) {
                    rssText.append(rssText.length() > 0 ? ", " : "")
                            .append(r.offered().replaceAll(" \\(.*", ""))
                            .append(' ')
                            .append(fmt(r.rssMb()));
                    rssOk &= !(r.rssMb() > 300);
                }
            }
            for (int i = 0; i < wrkVerifyRss.size(); i++) {
                rssText.append(", verify (wrk) #").append(i + 1).append(' ').append(fmt(wrkVerifyRss.get(i)));
                rssOk &= !(wrkVerifyRss.get(i) > 300);
            }
            if (rssText.length() > 0) {
                target(
                        "Kordon's RSS <= 300 MB in every storm and verify scenario (MB; plain java -jar)",
                        rssOk,
                        rssText.toString());
            }
        }

        /** hash.max-wait as the harness set it (KORDON_HASH_MAX_WAIT) or Kordon's default, 1 s. */
        private double maxWaitMs() {
            String v = System.getenv("KORDON_HASH_MAX_WAIT");
            if (v == null || v.isBlank()) {
                return 1000;
            }
            v = v.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("p")) {
                    return java.time.Duration.parse(v.toUpperCase(Locale.ROOT)).toMillis();
                }
                if (v.endsWith("ms")) {
                    return Double.parseDouble(v.substring(0, v.length() - 2));
                }
                if (v.endsWith("s")) {
                    return 1000 * Double.parseDouble(v.substring(0, v.length() - 1));
                }
                return Double.parseDouble(v);
            } catch (RuntimeException e) {
                return 1000;
            }
        }

        private String stormMarkdown() {
            if (storms.isEmpty() && wrkVerify.isEmpty()) {
                return "";
            }
            StringBuilder sb = new StringBuilder();
            if (!storms.isEmpty()) {
                double hashRef = stormHashOnly();
                sb.append("Storms: hash-only ")
                        .append(fmt(stormHashBefore))
                        .append("/s before, ")
                        .append(fmt(stormHashAfter))
                        .append("/s after (same run; goodput is over their mean, ")
                        .append(fmt(hashRef))
                        .append("/s)\n\n");
                sb.append(
                        "| target | scenario | good sign-ins/s | 503/s | other/s | other statuses | timeouts + socket errors "
                                + "| admitted p99 ms | shed p99 ms | all p99 ms | goodput / hash-only | generator CPU % (cores) | peak RSS MB |\n");
                sb.append("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
                for (StormRow r : storms) {
                    sb.append(String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s (%d)%s | %s |%n",
                            r.target(),
                            r.offered(),
                            fmt(r.okRate()),
                            fmt(r.shedRate()),
                            fmt(r.otherRate()),
                            r.otherStatuses(),
                            r.errors(),
                            fmt(r.okP99()),
                            fmt(r.shedP99()),
                            fmt(r.allP99()),
                            fmt2(r.okRate() / hashRef),
                            fmt(r.genCpuPct()),
                            r.genCores(),
                            r.capped() ? " capped" : "",
                            fmt(r.rssMb())));
                }
                sb.append(
                        "\nAdmitted and shed p99 of Kordon's storms are per status (each request's own X-Request-Id, echoed by "
                                + "Kordon, matched in wrk's Lua); Keycloak does not echo it, so its rows have wrk's overall p99 only.\n\n");
                if (keycloakText != null) {
                    sb.append("Peer: ").append(keycloakText).append("\n\n");
                }
            }
            if (!wrkVerifyRows.isEmpty()) {
                sb.append(
                        "| /auth/verify with wrk | connections | 2xx/s | p50 ms | p99 ms | non-2xx + timeouts | generator CPU % "
                                + "| peak RSS MB |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
                wrkVerifyRows.forEach(r -> sb.append(r).append('\n'));
                sb.append('\n');
            }
            return sb.toString();
        }

        private void target(String text, boolean pass, String actual) {
            targets.add(new Target(text, pass, actual));
        }

        String markdown() {
            finish();
            StringBuilder sb = new StringBuilder("## Argon2id m=" + memoryKib + " t=" + iterations + " p=1\n\n");
            sb.append("Baselines (same run, own JVMs, no flags): hash-only ")
                    .append(fmt(capacity))
                    .append("/s on ")
                    .append(hashThreads)
                    .append(" threads (runs: ")
                    .append(hashRates.stream().map(Report::fmt).collect(java.util.stream.Collectors.joining(", ")))
                    .append("; the first before Kordon started); hello-world ")
                    .append(fmt(helloMean()))
                    .append("/s");
            if (helloRates.size() > 1) {
                sb.append(" (range ")
                        .append(fmt(
                                helloRates.stream().mapToDouble(d -> d).min().orElse(0)))
                        .append("–")
                        .append(fmt(
                                helloRates.stream().mapToDouble(d -> d).max().orElse(0)))
                        .append(", ")
                        .append(helloRates.size())
                        .append(" runs)");
            }
            sb.append(", closed ")
                    .append(closedUsers)
                    .append(" users; /auth/verify ")
                    .append(fmt(verifyMean()))
                    .append("/s");
            sb.append("; unloaded sign-in ")
                    .append(fmt(unloadedMs))
                    .append(" ms (median of ")
                    .append(cfg.unloadedSignIns())
                    .append(" one at a time)\n\n");
            sb.append(
                    "| scenario | offered | achieved/s | p50 ms | p95 ms | p99 ms | p99.9 ms | error % | shed % | peak RSS MB |\n");
            sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Row r : rows) {
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f | %s |%n",
                        r.scenario,
                        r.offered,
                        fmt(r.rate),
                        fmt(r.p50),
                        fmt(r.p95),
                        fmt(r.p99),
                        fmt(r.p999),
                        r.errorPct,
                        r.shedPct,
                        fmt(r.rssMb)));
            }
            sb.append("\nLatencies are of the expected answers (200/202); the shed row's are of the 503s. "
                    + "Errors are timeouts and unexpected statuses.\n\n");
            sb.append(stormMarkdown());
            sb.append("| ratio | value |\n|---|---|\n");
            ratios.forEach(
                    (k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
            sb.append(String.format(
                    Locale.ROOT,
                    "%nPeak RSS over the whole run: %s MB. Blocked-thread warnings: %s.%n%n",
                    fmt(overallRss),
                    blocked < 0 ? "n/a" : Long.toString(blocked)));
            for (Target t : targets) {
                sb.append(t.pass() ? "PASS " : "MISS ")
                        .append(t.text())
                        .append(": ")
                        .append(t.actual())
                        .append('\n');
            }
            sb.append('\n');
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
            for (Row r : rows) {
                if (r.report != null
                        && rows.indexOf(r)
                                == rows.stream().map(Row::report).toList().indexOf(r.report)) {
                    sb.append("- Gatling report (")
                            .append(r.scenario)
                            .append("): ")
                            .append(r.report)
                            .append('\n');
                }
            }
            if (hasStorms()) {
                sb.append("- storms plot: ")
                        .append(dir.resolve("storms-m" + memoryKib + "-t" + iterations + ".png"))
                        .append('\n');
            }
            if (!burstSamples.isEmpty()) {
                sb.append("- plots: ")
                        .append(dir.resolve("burst-throughput-m" + memoryKib + "-t" + iterations + ".png"))
                        .append(", ")
                        .append(dir.resolve("burst-latency-m" + memoryKib + "-t" + iterations + ".png"))
                        .append('\n');
            }
            return sb.toString();
        }

        String json() {
            StringBuilder sb = new StringBuilder(
                    "{\"memory_kib\":" + memoryKib + ",\"iterations\":" + iterations + ",\"figures\":{");
            int i = 0;
            for (Map.Entry<String, Double> e : figures.entrySet()) {
                sb.append(i++ > 0 ? "," : "")
                        .append(str(e.getKey()))
                        .append(':')
                        .append(num(e.getValue()));
            }
            sb.append("},\"rows\":[");
            for (int j = 0; j < rows.size(); j++) {
                Row r = rows.get(j);
                sb.append(j > 0 ? "," : "")
                        .append("{\"scenario\":")
                        .append(str(r.scenario))
                        .append(",\"offered\":")
                        .append(str(r.offered))
                        .append(",\"achieved_per_s\":")
                        .append(num(r.rate))
                        .append(",\"p50_ms\":")
                        .append(num(r.p50))
                        .append(",\"p95_ms\":")
                        .append(num(r.p95))
                        .append(",\"p99_ms\":")
                        .append(num(r.p99))
                        .append(",\"p999_ms\":")
                        .append(num(r.p999))
                        .append(",\"error_pct\":")
                        .append(num(r.errorPct))
                        .append(",\"shed_pct\":")
                        .append(num(r.shedPct))
                        .append(",\"peak_rss_mb\":")
                        .append(num(r.rssMb))
                        .append(",\"gatling_report\":")
                        .append(str(String.valueOf(r.report)))
                        .append('}');
            }
            sb.append("],\"targets\":[");
            for (int j = 0; j < targets.size(); j++) {
                Target t = targets.get(j);
                sb.append(j > 0 ? "," : "")
                        .append("{\"target\":")
                        .append(str(t.text()))
                        .append(",\"pass\":")
                        .append(t.pass())
                        .append(",\"actual\":")
                        .append(str(t.actual()))
                        .append('}');
            }
            sb.append("],\"storms\":[");
            for (int j = 0; j < storms.size(); j++) {
                StormRow r = storms.get(j);
                sb.append(j > 0 ? "," : "")
                        .append("{\"target\":")
                        .append(str(r.target()))
                        .append(",\"scenario\":")
                        .append(str(r.offered()))
                        .append(",\"good_per_s\":")
                        .append(num(r.okRate()))
                        .append(",\"shed_per_s\":")
                        .append(num(r.shedRate()))
                        .append(",\"other_per_s\":")
                        .append(num(r.otherRate()))
                        .append(",\"errors\":")
                        .append(r.errors())
                        .append(",\"admitted_p99_ms\":")
                        .append(num(r.okP99()))
                        .append(",\"shed_p99_ms\":")
                        .append(num(r.shedP99()))
                        .append(",\"generator_cpu_pct\":")
                        .append(num(r.genCpuPct()))
                        .append(",\"generator_capped\":")
                        .append(r.capped())
                        .append(",\"peak_rss_mb\":")
                        .append(num(r.rssMb()))
                        .append('}');
            }
            sb.append("],\"blocked_warnings\":").append(blocked).append(",\"notes\":[");
            for (int j = 0; j < notes.size(); j++) {
                sb.append(j > 0 ? "," : "").append(str(notes.get(j)));
            }
            return sb.append("]}").toString();
        }

        private void row(String name, String offered, Stats st, double rss, Scenario run) {
            boolean shedRow = name.equals("sign-in shed (503)");
            rows.add(new Row(
                    name,
                    offered,
                    st.okRate(),
                    st.p50(),
                    st.p95(),
                    st.p99(),
                    st.p999(),
                    shedRow ? 0 : st.errorPct(),
                    shedRow ? 100 : st.shedPct(),
                    rss,
                    shedRow || run.report() == null ? null : run.report().toString()));
        }

        void sampler(RssSampler sampler) {
            this.sampler = sampler;
        }

        private double peak(long from, long to) {
            return sampler == null ? Double.NaN : sampler.peakMb(from, to);
        }
    }

    private static List<Sample> named(Scenario run, String name) {
        return run.samples().stream().filter(s -> s.name().equals(name)).toList();
    }

    private static Stats throughput(Stats st, List<Sample> xs, long from, long to) {
        long done = xs.stream()
                .filter(x -> x.status() == 200 && x.endMs() >= from && x.endMs() < to)
                .count();
        return new Stats(
                st.count(),
                st.ok(),
                st.shed(),
                st.timeouts(),
                st.errors(),
                done / ((to - from) / 1000.0),
                st.p50(),
                st.p95(),
                st.p99(),
                st.p999(),
                st.shedP99(),
                st.badStatuses());
    }

    private static List<Sample> between(List<Sample> xs, long from, long to) {
        return xs.stream().filter(s -> s.startMs() >= from && s.startMs() < to).toList();
    }

    /** Seconds from the first request's start to the last answer. */
    static double span(List<Sample> xs) {
        long from = xs.stream().mapToLong(Sample::startMs).min().orElse(0);
        long to = xs.stream().mapToLong(Sample::endMs).max().orElse(0);
        return Math.max(0.001, (to - from) / 1000.0);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String fmt2(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt3(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String str(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
