package dev.kordon.load;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The summary: a {@link ReportBlock} per parameter set, written as summary.md, summary.json and
 * summary.csv; what counts as a miss and as a missing figure; the number formats every part shares.
 */
final class Report {
    private final Settings cfg;
    private final Path dir;
    private final List<ReportBlock> blocks = new ArrayList<>();

    Report(Settings cfg, Path dir) {
        this.cfg = cfg;
        this.dir = dir;
    }

    ReportBlock block(int memoryKib, int iterations) {
        ReportBlock b = new ReportBlock(cfg, dir, memoryKib, iterations);
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
        for (ReportBlock b : blocks) {
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
        StringBuilder json = new StringBuilder("{\"settings\":" + ReportJson.str(cfg.describe()) + ",\"blocks\":[");
        StringBuilder csv = new StringBuilder(
                "params,scenario,offered,achieved_per_s,p50_ms,p95_ms,p99_ms,p999_ms,error_pct,shed_pct,peak_rss_mb\n");
        for (int i = 0; i < blocks.size(); i++) {
            ReportBlock b = blocks.get(i);
            md.append(ReportMarkdown.of(b)).append('\n');
            json.append(i > 0 ? "," : "").append(ReportJson.of(b));
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
}
