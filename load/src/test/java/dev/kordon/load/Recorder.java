package dev.kordon.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every answer the scenarios get, with its own status and time, so 200s and 503s get their own
 * percentiles (Gatling's report lumps one request name together).
 */
final class Recorder {
    /** One answer; status 0 = none (timeout, refused connection, or an SMS that never came). */
    record Sample(String name, long startMs, long endMs, int status, boolean retryAfter) {
        long latency() {
            return endMs - startMs;
        }
    }

    private static final ConcurrentLinkedQueue<Sample> SAMPLES = new ConcurrentLinkedQueue<>();

    private Recorder() {}

    static void add(String name, long startMs, long endMs, int status, boolean retryAfter) {
        SAMPLES.add(new Sample(name, startMs, endMs, status, retryAfter));
    }

    /** Takes what was recorded since the last call. */
    static List<Sample> drain() {
        List<Sample> out = new ArrayList<>();
        Sample s;
        while ((s = SAMPLES.poll()) != null) {
            out.add(s);
        }
        return out;
    }

    /** Figures of one group of samples over a window of {@code seconds}. */
    record Stats(
            int count,
            int ok,
            int shed,
            int timeouts,
            int errors,
            double okRate,
            double p50,
            double p95,
            double p99,
            double p999,
            double shedP99,
            List<Integer> badStatuses) {
        double errorPct() {
            return count == 0 ? 0 : 100.0 * (errors + timeouts) / count;
        }

        double shedPct() {
            return count == 0 ? 0 : 100.0 * shed / count;
        }
    }

    /**
     * ok = the expected success statuses, shed = 503 with Retry-After where shedding is allowed,
     * anything else is an error; status 0 is a timeout. Latency percentiles are of the ok answers.
     */
    static Stats stats(List<Sample> samples, Set<Integer> okStatuses, boolean shedAllowed, double seconds) {
        List<Long> ok = new ArrayList<>();
        List<Long> shed = new ArrayList<>();
        int timeouts = 0;
        List<Integer> bad = new ArrayList<>();
        for (Sample s : samples) {
            if (okStatuses.contains(s.status())) {
                ok.add(s.latency());
            } else if (shedAllowed && s.status() == 503 && s.retryAfter()) {
                shed.add(s.latency());
            } else if (s.status() == 0) {
                timeouts++;
            } else {
                bad.add(s.status());
            }
        }
        long[] lat = ok.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] shedLat = shed.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Stats(
                samples.size(),
                ok.size(),
                shed.size(),
                timeouts,
                bad.size(),
                seconds > 0 ? ok.size() / seconds : 0,
                pct(lat, 50),
                pct(lat, 95),
                pct(lat, 99),
                pct(lat, 99.9),
                pct(shedLat, 99),
                bad.stream().distinct().sorted().toList());
    }

    /** Nearest-rank percentile; NaN when there is nothing to rank. */
    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double median(double... values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length == 0
                ? Double.NaN
                : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
