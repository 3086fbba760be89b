package dev.kordon.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Whether a soak series grew: a least-squares line through its points after the warm-up, its rise
 * over that window (slope times the window's length) set against the window's mean. A series passes
 * when it rose by no more than its rule's share of the mean (or the rule's floor, for small counts);
 * one that fell passes. {@link #selfCheck} proves on synthetic series that the judge can fail.
 */
final class SlopeJudge {
    /** A series' limit: rise over the judged window at most {@code maxPct} % of its mean, or {@code floor}. */
    record Rule(String series, String unit, double maxPct, double floor) {}

    /** {@code start} and {@code end} are the fitted line's values at the window's ends, {@code t0} seconds and later. */
    record Verdict(
            Rule rule, int points, double t0, double minutes, double mean, double start, double end, boolean pass) {
        double rise() {
            return end - start;
        }

        double risePct() {
            return mean == 0 ? 0 : 100 * rise() / Math.abs(mean);
        }

        double slopePerMinute() {
            return minutes > 0 ? rise() / minutes : Double.NaN;
        }

        double limit() {
            return Math.max(rule.maxPct() / 100 * Math.abs(mean), rule.floor());
        }

        String line() {
            return String.format(
                    Locale.ROOT,
                    "%s soak %s: %s → %s %s over %.1f min (%+.1f %%, %+.3f %s/min; limit +%s = %s %% of the mean %s%s), %d points",
                    pass ? "PASS" : "FAIL",
                    rule.series(),
                    num(start),
                    num(end),
                    rule.unit(),
                    minutes,
                    risePct(),
                    slopePerMinute(),
                    rule.unit(),
                    num(limit()),
                    num(rule.maxPct()),
                    num(mean),
                    rule.floor() > 0 ? ", at least " + num(rule.floor()) : "",
                    points);
        }
    }

    private SlopeJudge() {}

    /** Judges the points at {@code fromSeconds} and later; NaN points (an interval with no answers) are left out. */
    static Verdict judge(Rule rule, double[] seconds, double[] values, double fromSeconds) {
        List<double[]> xy = new ArrayList<>();
        for (int i = 0; i < seconds.length; i++) {
            if (seconds[i] >= fromSeconds && !Double.isNaN(values[i])) {
                xy.add(new double[] {seconds[i], values[i]});
            }
        }
        int n = xy.size();
        if (n < 3) {
            return new Verdict(rule, n, fromSeconds, 0, Double.NaN, Double.NaN, Double.NaN, false);
        }
        double mx = xy.stream().mapToDouble(p -> p[0]).average().orElseThrow();
        double my = xy.stream().mapToDouble(p -> p[1]).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (double[] p : xy) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        double t0 = xy.get(0)[0];
        double t1 = xy.get(n - 1)[0];
        double start = my + slope * (t0 - mx);
        double end = my + slope * (t1 - mx);
        double limit = Math.max(rule.maxPct() / 100 * Math.abs(my), rule.floor());
        return new Verdict(rule, n, t0, (t1 - t0) / 60, my, start, end, end - start <= limit);
    }

    /**
     * Synthetic series a 30-minute soak could produce (a point every 15 s, the first 20 % warm-up),
     * judged against a 10 % rule: what must pass and what must fail. Returns what was judged wrongly.
     */
    static List<String> selfCheck() {
        Rule rule = new Rule("synthetic", "u", 10, 0);
        int n = 120;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = 15.0 * (i + 1);
        }
        double from = 0.2 * 1800;
        Random noise = new Random(42);
        List<String> wrong = new ArrayList<>();
        check(wrong, "flat", rule, t, from, true, x -> 100);
        check(wrong, "noisy flat (sd 10 %)", rule, t, from, true, x -> 100 + 10 * noise.nextGaussian());
        check(wrong, "falling 100 → 80", rule, t, from, true, x -> 100 - 20 * x);
        check(wrong, "sawtooth flat (GC-like, 1 min period)", rule, t, from, true, x -> 100 + 20 * ((x * 30) % 1));
        check(wrong, "warm-up ramp, then flat", rule, t, from, true, x -> x < 0.15 ? 50 + 300 * x : 100);
        check(wrong, "growing 100 → 105", rule, t, from, true, x -> 100 + 5 * x);
        check(wrong, "growing 100 → 115", rule, t, from, false, x -> 100 + 15 * x);
        check(wrong, "growing 100 → 130", rule, t, from, false, x -> 100 + 30 * x);
        check(
                wrong,
                "noisy growth 100 → 120 (sd 5 %)",
                rule,
                t,
                from,
                false,
                x -> 100 + 20 * x + 5 * noise.nextGaussian());
        check(wrong, "flat, then a late leak", rule, t, from, false, x -> x < 0.6 ? 100 : 100 + 100 * (x - 0.6));
        double[] few = {15, 30};
        if (judge(rule, few, new double[] {1, 1}, 0).pass()) {
            wrong.add("two points: judged PASS, must fail (too few to fit)");
        }
        return wrong;
    }

    private static void check(
            List<String> wrong,
            String name,
            Rule rule,
            double[] t,
            double from,
            boolean pass,
            java.util.function.DoubleUnaryOperator shape) {
        double[] y = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            y[i] = shape.applyAsDouble(t[i] / t[t.length - 1]);
        }
        Verdict v = judge(rule, t, y, from);
        if (v.pass() != pass) {
            wrong.add(name + ": judged " + (v.pass() ? "PASS" : "FAIL") + ", must " + (pass ? "pass" : "fail") + " ("
                    + v.line() + ")");
        }
    }

    private static String num(double v) {
        return Math.abs(v) >= 1000 || v == Math.rint(v)
                ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v);
    }
}
