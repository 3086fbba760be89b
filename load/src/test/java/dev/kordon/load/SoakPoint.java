package dev.kordon.load;

import dev.kordon.load.Recorder.Sample;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One sample of the soak: the answers of the interval that ends at {@code seconds} (since the load
 * began), and what Kordon's process held at its end.
 */
record SoakPoint(
        double seconds,
        double rssMb,
        double heapMb,
        double gcMs,
        SoakProbe.Held held,
        int answers,
        int errors,
        int shed,
        double okPerSecond,
        double p50,
        double p99,
        double verifyP99,
        double signInP99) {

    /** The mix's expected answers per request name; a sign-in may be shed (503 with Retry-After). */
    static final Map<String, Integer> OK = Map.of(
            "mix verify", 200,
            "mix sign-in", 200,
            "mix refresh", 200,
            "mix sms code", 202,
            "mix sms sign-in", 200,
            "mix recovery", 202);

    static final String CSV_HEADER = "seconds,rss_mb,heap_after_gc_mb,gc_ms,open_fds,tcp,tcp_in,tcp_out,answers,"
            + "ok_per_s,errors,shed,p50_ms,p99_ms,verify_p99_ms,sign_in_p99_ms\n";

    static SoakPoint of(
            double seconds,
            double intervalSeconds,
            List<Sample> xs,
            double rssMb,
            double heapMb,
            double gcMs,
            SoakProbe.Held held) {
        int errors = 0;
        int shed = 0;
        long[] ok = new long[xs.size()];
        int n = 0;
        for (Sample s : xs) {
            Integer want = OK.get(s.name());
            if (want != null && want == s.status()) {
                ok[n++] = s.latency();
            } else if (s.name().equals("mix sign-in") && s.status() == 503 && s.retryAfter()) {
                shed++;
            } else {
                errors++;
            }
        }
        long[] sorted = java.util.Arrays.copyOf(ok, n);
        java.util.Arrays.sort(sorted);
        return new SoakPoint(
                seconds,
                rssMb,
                heapMb,
                gcMs,
                held,
                xs.size(),
                errors,
                shed,
                n / intervalSeconds,
                Recorder.pct(sorted, 50),
                Recorder.pct(sorted, 99),
                p99(xs, "mix verify"),
                p99(xs, "mix sign-in"));
    }

    private static double p99(List<Sample> xs, String name) {
        long[] lat = xs.stream()
                .filter(s -> s.name().equals(name) && s.status() == OK.get(name))
                .mapToLong(Sample::latency)
                .sorted()
                .toArray();
        return Recorder.pct(lat, 99);
    }

    String csv() {
        return String.format(
                Locale.ROOT,
                "%.0f,%.1f,%.1f,%.0f,%d,%d,%d,%d,%d,%.1f,%d,%d,%.0f,%.0f,%.0f,%.0f%n",
                seconds,
                rssMb,
                heapMb,
                gcMs,
                held.fds(),
                held.tcp(),
                held.tcpIn(),
                held.tcpOut(),
                answers,
                okPerSecond,
                errors,
                shed,
                p50,
                p99,
                verifyP99,
                signInP99);
    }
}
