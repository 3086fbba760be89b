package dev.kordon.load;

import static dev.kordon.load.Report.fmt;
import static dev.kordon.load.Samples.between;
import static dev.kordon.load.Samples.named;
import static dev.kordon.load.Samples.span;
import static dev.kordon.load.Samples.throughput;

import dev.kordon.load.Recorder.Sample;
import dev.kordon.load.Recorder.Stats;
import dev.kordon.load.Report.Row;
import dev.kordon.load.Report.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one Argon2id parameter set measured, gathered as the run goes: the harness hands each
 * scenario's samples here and gets the rows and figures back. The storms have their own part
 * ({@link StormReport}); the ratios and targets ({@link Verdicts}) and the writing
 * ({@link ReportMarkdown}, {@link ReportJson}) read what is kept here.
 */
final class ReportBlock {
    final Settings cfg;
    final Path dir;
    final int memoryKib;
    final int iterations;
    final List<Row> rows = new ArrayList<>();
    final List<Target> targets = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final Map<String, Double> figures = new LinkedHashMap<>();
    final Map<String, String> ratios = new LinkedHashMap<>();
    final List<String> bad = new ArrayList<>();
    final List<Double> helloRates = new ArrayList<>();
    final List<Double> verifyRates = new ArrayList<>();
    double capacity = Double.NaN;
    int hashThreads;
    double unloadedMs = Double.NaN;
    private double holdRate = Double.NaN;
    final List<Double> hashRates = new ArrayList<>();
    final List<Double> signInRates = new ArrayList<>();
    double smsRate = Double.NaN;
    double overallRss = Double.NaN;
    double burstRss = Double.NaN;
    long blocked = -1;
    int closedUsers;
    Stats spikeOk;
    Stats burstAll;
    Stats shed;
    Stats health;
    List<Sample> burstSamples = List.of();
    private long burstStart;
    private RssSampler sampler;
    final Map<String, String> extraRatios = new LinkedHashMap<>();
    final List<Target> extraTargets = new ArrayList<>();
    private final List<double[]> oidcPairs = new ArrayList<>();
    final StormReport storms = new StormReport(this);

    ReportBlock(Settings cfg, Path dir, int memoryKib, int iterations) {
        this.cfg = cfg;
        this.dir = dir;
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
        capacity = hashRates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
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
                Recorder.stats(between(signIns, holdFrom, spikeFrom), ok, true, hold), signIns, holdFrom, spikeFrom);
        Stats s = throughput(
                Recorder.stats(between(signIns, spikeFrom, Long.MAX_VALUE), ok, true, spike), signIns, spikeFrom, end);
        burstAll = Recorder.stats(signIns, ok, true, ramp + hold + spike);
        List<Sample> shedOnly = signIns.stream().filter(x -> x.status() == 503).toList();
        shed = Recorder.stats(shedOnly, Set.of(503), false, ramp + hold + spike);
        health = Recorder.stats(named(run, "health"), Set.of(200), false, ramp + hold + spike);
        holdRate = h.okRate();
        spikeOk = s;
        row("sign-in ramp", fmt(Math.min(1, c)) + "→" + fmt(c) + "/s, " + fmt(ramp) + " s", r, peak(t0, holdFrom), run);
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

    /** Blocked-thread warnings in a Kordon's log; each Kordon of the set adds its own. */
    void blocked(long count) {
        blocked = Math.max(0, blocked) + count;
    }

    List<String> badStatuses() {
        Verdicts.finish(this);
        return bad;
    }

    List<Sample> burstSamples() {
        return burstSamples;
    }

    long burstStart() {
        return burstStart;
    }

    void expect(String what, Stats st) {
        if (!st.badStatuses().isEmpty()) {
            bad.add("m=" + memoryKib + " t=" + iterations + ": " + what + ": unexpected statuses " + st.badStatuses());
        }
    }

    double helloMean() {
        return helloRates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    double verifyMean() {
        return verifyRates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** A measurement of its own (ImportMemory, RefusalTiming): its figures, ratio line and target, after the rest. */
    void extra(Map<String, Double> measured, String ratio, String value, Target target) {
        figures.putAll(measured);
        extraRatios.put(ratio, value);
        if (target != null) {
            extraTargets.add(target);
        }
    }

    /**
     * One round of the OIDC pair: password sign-ins by a closed loop, then code flows by the same
     * number of users; the ratio is the median over the rounds of flows/s over sign-ins/s.
     */
    void oidcRound(Scenario signIn, Scenario flow, int users) {
        List<Sample> a = named(signIn, "sign-in");
        List<Sample> f = named(flow, OidcFlow.FLOW);
        Stats sa = Recorder.stats(a, Set.of(200), true, span(a));
        Stats sf = Recorder.stats(f, Set.of(200), false, span(f));
        oidcPairs.add(new double[] {sa.okRate(), sf.okRate()});
        int round = oidcPairs.size();
        row("sign-in (oidc pair) #" + round, "closed, " + users + " users", sa, signIn.peakRssMb(), signIn);
        row(OidcFlow.FLOW + " #" + round, "closed, " + users + " users", sf, flow.peakRssMb(), flow);
        figures.put("oidc code flow rate #" + round, sf.okRate());
        expect("sign-in (oidc pair)", sa);
        expect(OidcFlow.FLOW, sf);
        double[] per = oidcPairs.stream().mapToDouble(p -> p[1] / p[0]).toArray();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < per.length; i++) {
            text.append(i > 0 ? ", " : "").append(Report.fmt2(per[i]));
        }
        double ratio = Recorder.median(per);
        extra(
                Map.of("oidc code flow / sign-in", ratio),
                "oidc code flow / sign-in",
                Report.fmt2(ratio) + " (per round: " + text + "; full code flows/s over password sign-ins/s,"
                        + " same closed loop, alternated)",
                null);
    }

    void row(String name, String offered, Stats st, double rss, Scenario run) {
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
