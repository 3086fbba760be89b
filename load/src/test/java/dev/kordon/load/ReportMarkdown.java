package dev.kordon.load;

import static dev.kordon.load.Report.fmt;
import static dev.kordon.load.Report.fmt2;

import dev.kordon.load.Report.Row;
import dev.kordon.load.Report.Target;
import dev.kordon.load.StormReport.StormRow;
import java.util.Locale;

/**
 * One parameter set as summary.md shows it, and so as the run prints it: the tables a person reads
 * first, kept apart from the JSON and CSV that tools read.
 */
final class ReportMarkdown {
    private final ReportBlock block;
    private final StormReport storms;

    private ReportMarkdown(ReportBlock block) {
        this.block = block;
        this.storms = block.storms;
    }

    static String of(ReportBlock b) {
        return new ReportMarkdown(b).markdown();
    }

    String markdown() {
        Verdicts.finish(block);
        StringBuilder sb =
                new StringBuilder("## Argon2id m=" + block.memoryKib + " t=" + block.iterations + " p=1\n\n");
        sb.append("Baselines (same run, own JVMs, no flags): hash-only ")
                .append(fmt(block.capacity))
                .append("/s on ")
                .append(block.hashThreads)
                .append(" threads (runs: ")
                .append(block.hashRates.stream().map(Report::fmt).collect(java.util.stream.Collectors.joining(", ")))
                .append("; the first before Kordon started); hello-world ")
                .append(fmt(block.helloMean()))
                .append("/s");
        if (block.helloRates.size() > 1) {
            sb.append(" (range ")
                    .append(fmt(
                            block.helloRates.stream().mapToDouble(d -> d).min().orElse(0)))
                    .append("–")
                    .append(fmt(
                            block.helloRates.stream().mapToDouble(d -> d).max().orElse(0)))
                    .append(", ")
                    .append(block.helloRates.size())
                    .append(" runs)");
        }
        sb.append(", closed ")
                .append(block.closedUsers)
                .append(" users; /auth/verify ")
                .append(fmt(block.verifyMean()))
                .append("/s");
        sb.append("; unloaded sign-in ")
                .append(fmt(block.unloadedMs))
                .append(" ms (median of ")
                .append(block.cfg.unloadedSignIns())
                .append(" one at a time)\n\n");
        sb.append(
                "| scenario | offered | achieved/s | p50 ms | p95 ms | p99 ms | p99.9 ms | error % | shed % | peak RSS MB |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : block.rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f | %s |%n",
                    r.scenario(),
                    r.offered(),
                    fmt(r.rate()),
                    fmt(r.p50()),
                    fmt(r.p95()),
                    fmt(r.p99()),
                    fmt(r.p999()),
                    r.errorPct(),
                    r.shedPct(),
                    fmt(r.rssMb())));
        }
        sb.append("\nLatencies are of the expected answers (200/202); the shed row's are of the 503s. "
                + "Errors are timeouts and unexpected statuses.\n\n");
        sb.append(stormMarkdown());
        sb.append("| ratio | value |\n|---|---|\n");
        block.ratios.forEach(
                (k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        sb.append(String.format(
                Locale.ROOT,
                "%nPeak RSS over the whole run: %s MB. Blocked-thread warnings: %s.%n%n",
                fmt(block.overallRss),
                block.blocked < 0 ? "n/a" : Long.toString(block.blocked)));
        for (Target t : block.targets) {
            sb.append(t.pass() ? "PASS " : "MISS ")
                    .append(t.text())
                    .append(": ")
                    .append(t.actual())
                    .append('\n');
        }
        sb.append('\n');
        for (String n : block.notes) {
            sb.append("- ").append(n).append('\n');
        }
        for (Row r : block.rows) {
            if (r.report() != null
                    && block.rows.indexOf(r)
                            == block.rows.stream().map(Row::report).toList().indexOf(r.report())) {
                sb.append("- Gatling report (")
                        .append(r.scenario())
                        .append("): ")
                        .append(r.report())
                        .append('\n');
            }
        }
        if (storms.hasStorms()) {
            sb.append("- storms plot: ")
                    .append(block.dir.resolve("storms-m" + block.memoryKib + "-t" + block.iterations + ".png"))
                    .append('\n');
        }
        if (!block.burstSamples.isEmpty()) {
            sb.append("- plots: ")
                    .append(block.dir.resolve(
                            "burst-throughput-m" + block.memoryKib + "-t" + block.iterations + ".png"))
                    .append(", ")
                    .append(block.dir.resolve("burst-latency-m" + block.memoryKib + "-t" + block.iterations + ".png"))
                    .append('\n');
        }
        return sb.toString();
    }

    private String stormMarkdown() {
        if (storms.rows.isEmpty() && storms.wrkVerify.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        if (!storms.rows.isEmpty()) {
            double hashRef = storms.stormHashOnly();
            sb.append("Storms: hash-only ")
                    .append(fmt(storms.stormHashBefore))
                    .append("/s before, ")
                    .append(fmt(storms.stormHashAfter))
                    .append("/s after (same run; goodput is over their mean, ")
                    .append(fmt(hashRef))
                    .append("/s)\n\n");
            sb.append(
                    "| target | scenario | good sign-ins/s | 503/s | other/s | other statuses | timeouts + socket errors "
                            + "| admitted p99 ms | shed p99 ms | all p99 ms | goodput / hash-only | generator CPU % (cores) | peak RSS MB |\n");
            sb.append("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (StormRow r : storms.rows) {
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
            if (storms.keycloakText != null) {
                sb.append("Peer: ").append(storms.keycloakText).append("\n\n");
            }
        }
        if (!storms.wrkVerifyRows.isEmpty()) {
            sb.append(
                    "| /auth/verify with wrk | connections | 2xx/s | p50 ms | p99 ms | non-2xx + timeouts | generator CPU % "
                            + "| peak RSS MB |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
            storms.wrkVerifyRows.forEach(r -> sb.append(r).append('\n'));
            sb.append('\n');
        }
        return sb.toString();
    }
}
