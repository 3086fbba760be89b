package dev.kordon.load;

import static dev.kordon.load.Report.fmt;
import static dev.kordon.load.Samples.named;
import static dev.kordon.load.Samples.span;

import dev.kordon.load.Recorder.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The storms of one parameter set (wrk closed loops, Gatling's open model), the peer's, and
 * /auth/verify under wrk: a table of their own, because they are judged against the hash-only runs
 * just around them, against wrk's hello-world and against each other, not the set's capacity.
 */
final class StormReport {
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

    private final ReportBlock block;
    final List<StormRow> rows = new ArrayList<>();
    final List<double[]> wrkVerify = new ArrayList<>();
    final List<String> wrkVerifyRows = new ArrayList<>();
    final List<Boolean> wrkVerifyCapped = new ArrayList<>();
    final List<Double> wrkVerifyRss = new ArrayList<>();
    double stormHashBefore = Double.NaN;
    double stormHashAfter = Double.NaN;
    String keycloakText;
    boolean keycloakSame;

    StormReport(ReportBlock block) {
        this.block = block;
    }

    void stormHashBefore(double rate) {
        stormHashBefore = rate;
        block.figures.put("hash-only rate before the storms", rate);
    }

    void stormHashAfter(double rate) {
        stormHashAfter = rate;
        block.figures.put("hash-only rate after the storms", rate);
    }

    /** The hash-only rate the storms are judged by: the mean of the runs just before and just after them. */
    double stormHashOnly() {
        return Double.isNaN(stormHashAfter) ? stormHashBefore : (stormHashBefore + stormHashAfter) / 2;
    }

    boolean hasStorms() {
        return rows.stream().anyMatch(r -> r.target().equals("Kordon") && r.clients() > 0);
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

    List<StormRow> closedStorms(String target) {
        return rows.stream()
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
        rows.add(row);
        // A Kordon storm that got no answers at all is the harness's failure; no good sign-ins is a MISS. The
        // peer may answer nothing within a short storm (its queue is unbounded): that is its figure, not a fault.
        if (target.equals("Kordon")) {
            block.figures.put(
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
        rows.add(row);
        block.figures.put("open " + k + "x answers/s", xs.size() / secs);
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
        block.figures.put("wrk hello-world rate #" + round, h);
        block.figures.put("wrk verify bearer rate #" + round, b);
        block.figures.put("wrk verify cookie rate #" + round, c);
        if (bearer.count("non2xx3xx") > 0 || cookie.count("non2xx3xx") > 0) {
            block.bad.add("m=" + block.memoryKib + " t=" + block.iterations
                    + ": /auth/verify (wrk) answered other than 2xx/3xx");
        }
    }

    void keycloak(String version, int users, String credential, boolean same, Path log) {
        keycloakSame = same;
        keycloakText = "Keycloak " + version + " (kc.sh start-dev on loopback, its own JDK), realm with "
                + "hashAlgorithm(argon2), brute-force detection off, a public client with direct access grants, "
                + users
                + " users; stored credential of one: " + credential + "; log " + log;
    }
}
