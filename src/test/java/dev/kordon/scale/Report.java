package dev.kordon.scale;

import dev.kordon.scale.LoadDriver.Fail;
import dev.kordon.scale.LoadDriver.Outcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Plain-text tables of load outcomes for the test output, and their counts for the assertions. */
final class Report {
    private Report() {}

    /** Outcomes grouped by {@code key}, groups in first-seen order. */
    static Map<String, List<Outcome>> by(List<Outcome> outcomes, Function<Outcome, String> key) {
        return outcomes.stream().collect(Collectors.groupingBy(key, LinkedHashMap::new, Collectors.toList()));
    }

    /**
     * One line per group: requests, successes, 503 with Retry-After, other statuses, client timeouts,
     * connection errors, requests per second over {@code seconds}, p50/p99/max latency in ms.
     */
    static String table(String title, Map<String, List<Outcome>> groups, double seconds) {
        StringBuilder b = new StringBuilder();
        b.append("\n== ").append(title).append('\n');
        String fmt = "%-34s %8s %8s %8s %8s %-18s %8s %8s %9s %8s %8s %8s%n";
        b.append(String.format(
                fmt,
                "group",
                "requests",
                "ok",
                "failed",
                "503+RA",
                "other statuses",
                "timeouts",
                "conn-err",
                "req/s",
                "p50 ms",
                "p99 ms",
                "max ms"));
        for (Map.Entry<String, List<Outcome>> e : groups.entrySet()) {
            b.append(line(fmt, e.getKey(), e.getValue(), seconds));
        }
        return b.toString();
    }

    private static String line(String fmt, String name, List<Outcome> os, double seconds) {
        long ok = os.stream().filter(Outcome::ok).count();
        long ra = os.stream().filter(o -> !o.ok() && o.is503WithRetryAfter()).count();
        long timeouts = os.stream().filter(o -> o.fail() == Fail.TIMEOUT).count();
        long conn = os.stream().filter(o -> o.fail() == Fail.CONNECTION).count();
        Map<Integer, Long> other = new TreeMap<>(os.stream()
                .filter(o -> !o.ok() && o.fail() == Fail.NONE && !o.is503WithRetryAfter())
                .collect(Collectors.groupingBy(Outcome::status, Collectors.counting())));
        String others = other.isEmpty()
                ? "-"
                : other.entrySet().stream()
                        .map(x -> x.getKey() + "×" + x.getValue())
                        .collect(Collectors.joining(" "));
        double[] ms = os.stream().mapToDouble(Outcome::ms).sorted().toArray();
        return String.format(
                fmt,
                name,
                os.size(),
                ok,
                os.size() - ok,
                ra,
                others,
                timeouts,
                conn,
                seconds > 0 ? String.format("%.0f", os.size() / seconds) : "-",
                pct(ms, 50),
                pct(ms, 99),
                ms.length == 0 ? "-" : String.format("%.0f", ms[ms.length - 1]));
    }

    static String pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return "-";
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return String.format("%.1f", sorted[Math.max(0, Math.min(sorted.length - 1, i))]);
    }

    static double p99(List<Outcome> os) {
        double[] ms = os.stream().mapToDouble(Outcome::ms).sorted().toArray();
        return ms.length == 0 ? 0 : ms[Math.max(0, (int) Math.ceil(0.99 * ms.length) - 1)];
    }

    static long failed(List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> !o.ok()).count();
    }

    /** Failures other than the documented refusal, 503 with Retry-After. */
    static long failedOtherThan503(List<Outcome> outcomes) {
        return outcomes.stream()
                .filter(o -> !o.ok() && !o.is503WithRetryAfter())
                .count();
    }

    /** The distinct kinds of failure among {@code os}, most frequent first, with counts; at most {@code max}. */
    static String failures(List<Outcome> os, int max) {
        Map<String, Long> kinds = os.stream()
                .filter(o -> !o.ok())
                .collect(Collectors.groupingBy(
                        o -> o.call().kind() + "@" + o.call().target() + " "
                                + (o.fail() == Fail.NONE
                                        ? "HTTP " + o.status()
                                        : o.fail().name())
                                + (o.retryAfter() != null ? " Retry-After" : "")
                                + (o.detail() != null ? " " + o.detail().replaceAll("\\s+", " ") : ""),
                        Collectors.counting()));
        if (kinds.isEmpty()) {
            return "  (none)";
        }
        return kinds.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(max)
                .map(e -> String.format("  %6d × %s", e.getValue(), e.getKey()))
                .collect(Collectors.joining("\n"));
    }
}
