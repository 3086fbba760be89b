package dev.kordon.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** One scrape of a Kordon's {@code /metrics} (admin port), parsed into series. */
public final class Scrape {
    public record Series(String name, Map<String, String> labels, double value) {}

    private final List<Series> series;

    private Scrape(List<Series> series) {
        this.series = series;
    }

    public static Scrape of(Rig rig) {
        var r = rig.admin(HttpMethod.GET, "/metrics", null, null);
        assertThat(r.statusCode()).as("GET /metrics").isEqualTo(200);
        return parse(r.bodyAsString());
    }

    /** The Prometheus text format: {@code name{label="value",...} number}, comments skipped. */
    public static Scrape parse(String exposition) {
        List<Series> out = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
                i++;
            }
            String name = line.substring(0, i);
            Map<String, String> labels = new LinkedHashMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                i++;
                while (line.charAt(i) != '}') {
                    int eq = line.indexOf('=', i);
                    String label = line.substring(i, eq).strip();
                    StringBuilder value = new StringBuilder();
                    int j = eq + 2; // past ="
                    while (line.charAt(j) != '"') {
                        if (line.charAt(j) == '\\') {
                            j++;
                        }
                        value.append(line.charAt(j));
                        j++;
                    }
                    labels.put(label, value.toString());
                    i = j + 1;
                    if (line.charAt(i) == ',') {
                        i++;
                    }
                }
                i++;
            }
            String number = line.substring(i).strip().split(" ")[0];
            double v = switch (number) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(number);
            };
            out.add(new Series(name, labels, v));
        }
        return new Scrape(List.copyOf(out));
    }

    /** The names of every series, e.g. {@code kordon_hash_seconds_bucket}. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        series.forEach(s -> names.add(s.name()));
        return names;
    }

    /** Whether a series of that name carries these labels ({@code "kind", "mail", ...}). */
    public boolean has(String name, String... labels) {
        return series.stream().anyMatch(s -> s.name().equals(name) && matches(s, labels));
    }

    /** The sum of the series of that name that carry these labels; 0 when there is none. */
    public double value(String name, String... labels) {
        return series.stream()
                .filter(s -> s.name().equals(name) && matches(s, labels))
                .mapToDouble(Series::value)
                .sum();
    }

    /** How much the series of that name with these labels grew from {@code before} to {@code after}. */
    public static double grown(Scrape before, Scrape after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    /** The values of one label over the series of that name. */
    public Set<String> labelValues(String name, String label) {
        Set<String> values = new TreeSet<>();
        series.stream()
                .filter(s -> s.name().equals(name) && s.labels().containsKey(label))
                .forEach(s -> values.add(s.labels().get(label)));
        return values;
    }

    private static boolean matches(Series s, String... labels) {
        for (int k = 0; k + 1 < labels.length; k += 2) {
            if (!labels[k + 1].equals(s.labels().get(labels[k]))) {
                return false;
            }
        }
        return true;
    }
}
