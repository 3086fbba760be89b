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
    return blocks.stream().mapToInt(b -> (int) b.targets.stream().filter(t -> !t.pass()).count()).sum();
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
    StringBuilder csv = new StringBuilder("params,scenario,offered,achieved_per_s,p50_ms,p95_ms,p99_ms,p999_ms,error_pct,shed_pct,peak_rss_mb\n");
    for (int i = 0; i < blocks.size(); i++) {
      Block b = blocks.get(i);
      md.append(b.markdown()).append('\n');
      json.append(i > 0 ? "," : "").append(b.json());
      for (Row r : b.rows) {
        csv.append(String.format(Locale.ROOT, "m=%d t=%d,%s,%s,%.2f,%.1f,%.1f,%.1f,%.1f,%.2f,%.2f,%.1f%n", b.memoryKib,
            b.iterations, r.scenario, r.offered.replace(',', ';'), r.rate, r.p50, r.p95, r.p99, r.p999, r.errorPct, r.shedPct,
            r.rssMb));
      }
    }
    json.append("]}\n");
    Files.writeString(dir.resolve("summary.md"), md, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("summary.json"), json, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("summary.csv"), csv, StandardCharsets.UTF_8);
    return md.toString();
  }

  record Row(String scenario, String offered, double rate, double p50, double p95, double p99, double p999, double errorPct,
      double shedPct, double rssMb, String report) {}

  record Target(String text, boolean pass, String actual) {}

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
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("threads=(\\d+)").matcher(line);
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
      Stats h = throughput(Recorder.stats(between(signIns, holdFrom, spikeFrom), ok, true, hold), signIns, holdFrom, spikeFrom);
      Stats s = throughput(Recorder.stats(between(signIns, spikeFrom, Long.MAX_VALUE), ok, true, spike), signIns, spikeFrom, end);
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
      row("mix (85% verify, 5% sign-in, 6% refresh, 2% sms, 2% recovery)", fmt(rate) + "/s", st, run.peakRssMb(), run);
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
        bad.add("m=" + memoryKib + " t=" + iterations + ": " + what + ": unexpected statuses " + st.badStatuses());
      }
    }

    private double helloMean() {
      return helloRates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    double verifyMean() {
      return verifyRates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
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
      ratios.put("sign-in / hash-only", fmt2(signInRatio) + " (per round: " + signInText + "; sign-ins/s of a closed loop"
          + " that keeps every hashing thread busy, over the hash-only runs on either side of it)");
      ratios.put("verify / hello-world", fmt2(verifyRatio) + " (per round: " + rounds + ")");
      ratios.put("sms sign-in / hello-world", fmt3(smsRatio));
      figures.put("sign-in / hash-only", signInRatio);
      figures.put("verify / hello-world", verifyRatio);
      figures.put("sms sign-in / hello-world", smsRatio);
      target("password sign-ins >= 0.90 x hash-only rate", signInRatio >= 0.90, fmt2(signInRatio));
      target("at 2x capacity: achieved >= 0.85 x capacity", spikeOk.okRate() >= 0.85 * capacity,
          fmt(spikeOk.okRate()) + "/s vs " + fmt(0.85 * capacity) + "/s");
      target("at 2x capacity: admitted p99 <= 4 x unloaded sign-in latency", spikeOk.p99() <= 4 * unloadedMs,
          fmt(spikeOk.p99()) + " ms vs 4 x " + fmt(unloadedMs) + " ms");
      target("shed answers (503) p99 <= 20 ms", shed.count() == 0 || shed.p99() <= 20,
          shed.count() == 0 ? "nothing shed" : fmt(shed.p99()) + " ms");
      target("no timeouts in the burst", burstAll.timeouts() == 0, burstAll.timeouts() + " timeouts");
      target("nothing but 200 and 503 in the burst", burstAll.errors() == 0, burstAll.badStatuses().toString());
      target("/auth/verify >= 0.60 x hello-world", verifyRatio >= 0.60, fmt2(verifyRatio));
      target("SMS sign-in >= 0.02 x hello-world", smsRatio >= 0.02, fmt3(smsRatio));
      target("/health/live p99 <= 10 ms during the burst", health.p99() <= 10, fmt(health.p99()) + " ms");
      if (blocked >= 0) {
        target("no blocked-thread warnings", blocked == 0, blocked + " in Kordon's log");
      }
      if (!Double.isNaN(overallRss)) {
        target("peak RSS < 300 MB through the burst (ramp, hold, 2x spike)", burstRss < 300, fmt(burstRss) + " MB");
        target("peak RSS < 300 MB over the whole run", overallRss < 300, fmt(overallRss) + " MB");
      }
    }

    private void target(String text, boolean pass, String actual) {
      targets.add(new Target(text, pass, actual));
    }

    String markdown() {
      finish();
      StringBuilder sb = new StringBuilder("## Argon2id m=" + memoryKib + " t=" + iterations + " p=1\n\n");
      sb.append("Baselines (same run, own JVMs, no flags): hash-only ").append(fmt(capacity)).append("/s on ")
          .append(hashThreads).append(" threads (runs: ").append(hashRates.stream().map(Report::fmt)
              .collect(java.util.stream.Collectors.joining(", "))).append("; the first before Kordon started); hello-world ").append(fmt(helloMean())).append("/s");
      if (helloRates.size() > 1) {
        sb.append(" (range ").append(fmt(helloRates.stream().mapToDouble(d -> d).min().orElse(0))).append("–")
            .append(fmt(helloRates.stream().mapToDouble(d -> d).max().orElse(0))).append(", ").append(helloRates.size())
            .append(" runs)");
      }
      sb.append(", closed ").append(closedUsers).append(" users; /auth/verify ").append(fmt(verifyMean())).append("/s");
      sb.append("; unloaded sign-in ").append(fmt(unloadedMs)).append(" ms (median of ").append(cfg.unloadedSignIns())
          .append(" one at a time)\n\n");
      sb.append("| scenario | offered | achieved/s | p50 ms | p95 ms | p99 ms | p99.9 ms | error % | shed % | peak RSS MB |\n");
      sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Row r : rows) {
        sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f | %s |%n", r.scenario,
            r.offered, fmt(r.rate), fmt(r.p50), fmt(r.p95), fmt(r.p99), fmt(r.p999), r.errorPct, r.shedPct, fmt(r.rssMb)));
      }
      sb.append("\nLatencies are of the expected answers (200/202); the shed row's are of the 503s. "
          + "Errors are timeouts and unexpected statuses.\n\n");
      sb.append("| ratio | value |\n|---|---|\n");
      ratios.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
      sb.append(String.format(Locale.ROOT, "%nPeak RSS over the whole run: %s MB. Blocked-thread warnings: %s.%n%n",
          fmt(overallRss), blocked < 0 ? "n/a" : Long.toString(blocked)));
      for (Target t : targets) {
        sb.append(t.pass() ? "PASS " : "MISS ").append(t.text()).append(": ").append(t.actual()).append('\n');
      }
      sb.append('\n');
      for (String n : notes) {
        sb.append("- ").append(n).append('\n');
      }
      for (Row r : rows) {
        if (r.report != null && rows.indexOf(r) == rows.stream().map(Row::report).toList().indexOf(r.report)) {
          sb.append("- Gatling report (").append(r.scenario).append("): ").append(r.report).append('\n');
        }
      }
      if (!burstSamples.isEmpty()) {
        sb.append("- plots: ").append(dir.resolve("burst-throughput-m" + memoryKib + "-t" + iterations + ".png")).append(", ")
          .append(dir.resolve("burst-latency-m" + memoryKib + "-t" + iterations + ".png")).append('\n');
      }
      return sb.toString();
    }

    String json() {
      StringBuilder sb = new StringBuilder("{\"memory_kib\":" + memoryKib + ",\"iterations\":" + iterations + ",\"figures\":{");
      int i = 0;
      for (Map.Entry<String, Double> e : figures.entrySet()) {
        sb.append(i++ > 0 ? "," : "").append(str(e.getKey())).append(':').append(num(e.getValue()));
      }
      sb.append("},\"rows\":[");
      for (int j = 0; j < rows.size(); j++) {
        Row r = rows.get(j);
        sb.append(j > 0 ? "," : "").append("{\"scenario\":").append(str(r.scenario)).append(",\"offered\":")
            .append(str(r.offered)).append(",\"achieved_per_s\":").append(num(r.rate)).append(",\"p50_ms\":")
            .append(num(r.p50)).append(",\"p95_ms\":").append(num(r.p95)).append(",\"p99_ms\":").append(num(r.p99))
            .append(",\"p999_ms\":").append(num(r.p999)).append(",\"error_pct\":").append(num(r.errorPct))
            .append(",\"shed_pct\":").append(num(r.shedPct)).append(",\"peak_rss_mb\":").append(num(r.rssMb))
            .append(",\"gatling_report\":").append(str(String.valueOf(r.report))).append('}');
      }
      sb.append("],\"targets\":[");
      for (int j = 0; j < targets.size(); j++) {
        Target t = targets.get(j);
        sb.append(j > 0 ? "," : "").append("{\"target\":").append(str(t.text())).append(",\"pass\":").append(t.pass())
            .append(",\"actual\":").append(str(t.actual())).append('}');
      }
      sb.append("],\"blocked_warnings\":").append(blocked).append(",\"notes\":[");
      for (int j = 0; j < notes.size(); j++) {
        sb.append(j > 0 ? "," : "").append(str(notes.get(j)));
      }
      return sb.append("]}").toString();
    }

    private void row(String name, String offered, Stats st, double rss, Scenario run) {
      boolean shedRow = name.equals("sign-in shed (503)");
      rows.add(new Row(name, offered, st.okRate(), st.p50(), st.p95(), st.p99(), st.p999(), shedRow ? 0 : st.errorPct(),
          shedRow ? 100 : st.shedPct(), rss, shedRow || run.report() == null ? null : run.report().toString()));
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
    long done = xs.stream().filter(x -> x.status() == 200 && x.endMs() >= from && x.endMs() < to).count();
    return new Stats(st.count(), st.ok(), st.shed(), st.timeouts(), st.errors(), done / ((to - from) / 1000.0), st.p50(),
        st.p95(), st.p99(), st.p999(), st.shedP99(), st.badStatuses());
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
