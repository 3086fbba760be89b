package dev.kordon.load;

import dev.kordon.load.Recorder.Sample;
import dev.kordon.load.Recorder.Stats;
import java.util.List;

/**
 * Slices of a scenario's samples, by request name and by time: the burst is judged phase by phase
 * (ramp, hold, spike) from one Gatling run, and a rate needs the seconds its samples really span.
 */
final class Samples {
    private Samples() {}

    static List<Sample> named(Scenario run, String name) {
        return run.samples().stream().filter(s -> s.name().equals(name)).toList();
    }

    static Stats throughput(Stats st, List<Sample> xs, long from, long to) {
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

    static List<Sample> between(List<Sample> xs, long from, long to) {
        return xs.stream().filter(s -> s.startMs() >= from && s.startMs() < to).toList();
    }

    /** Seconds from the first request's start to the last answer. */
    static double span(List<Sample> xs) {
        long from = xs.stream().mapToLong(Sample::startMs).min().orElse(0);
        long to = xs.stream().mapToLong(Sample::endMs).max().orElse(0);
        return Math.max(0.001, (to - from) / 1000.0);
    }
}
