package dev.kordon.load;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which classes hold more live heap at the end of the soak than after its warm-up, from two class
 * histograms ({@code GC.class_histogram}): when the heap grew, this says what grew.
 */
final class HeapGrowth {
    private static final Pattern ROW = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private HeapGrowth() {}

    /** The {@code top} classes by bytes gained, one line each: bytes and instances before and after. */
    static List<String> top(String before, String after, int top) {
        Map<String, long[]> then = rows(before);
        return rows(after).entrySet().stream()
                .map(e -> {
                    long[] was = then.getOrDefault(e.getKey(), new long[2]);
                    return Map.entry(e.getKey(), new long[] {was[0], e.getValue()[0], was[1], e.getValue()[1]});
                })
                .filter(e -> e.getValue()[3] > e.getValue()[2])
                .sorted((a, b) -> Long.compare(b.getValue()[3] - b.getValue()[2], a.getValue()[3] - a.getValue()[2]))
                .limit(top)
                .map(e -> String.format(
                        Locale.ROOT,
                        "%+9.2f MB %+9d instances  %s (%,d → %,d bytes)",
                        (e.getValue()[3] - e.getValue()[2]) / 1e6,
                        e.getValue()[1] - e.getValue()[0],
                        e.getKey(),
                        e.getValue()[2],
                        e.getValue()[3]))
                .toList();
    }

    /** Class name → {instances, bytes}. */
    private static Map<String, long[]> rows(String histogram) {
        Map<String, long[]> out = new HashMap<>();
        Matcher m = ROW.matcher(histogram);
        while (m.find()) {
            out.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        return out;
    }
}
