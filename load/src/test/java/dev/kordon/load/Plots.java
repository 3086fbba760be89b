package dev.kordon.load;

import dev.kordon.load.Recorder.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The burst second by second, from the harness's own record of every sign-in answer (by the second
 * it came back): admitted and shed per second, and their latencies. PNGs plus the CSV behind them.
 */
final class Plots {
    private Plots() {}

    static void burst(Path dir, String tag, List<Sample> samples, long t0) throws IOException {
        TreeMap<Long, List<Sample>> perSecond = new TreeMap<>();
        for (Sample s : samples) {
            if (s.name().equals("sign-in")) {
                perSecond
                        .computeIfAbsent((s.endMs() - t0) / 1000, k -> new ArrayList<>())
                        .add(s);
            }
        }
        XYSeries ok = new XYSeries("200/s (admitted)");
        XYSeries shed = new XYSeries("503/s (shed)");
        XYSeries okP50 = new XYSeries("200 p50 ms");
        XYSeries okP99 = new XYSeries("200 p99 ms");
        XYSeries shedP99 = new XYSeries("503 p99 ms");
        StringBuilder csv =
                new StringBuilder("second,ok_per_s,shed_per_s,other_per_s,ok_p50_ms,ok_p99_ms,shed_p99_ms\n");
        perSecond.forEach((sec, xs) -> {
            long[] okLat = xs.stream()
                    .filter(s -> s.status() == 200)
                    .mapToLong(Sample::latency)
                    .sorted()
                    .toArray();
            long[] shedLat = xs.stream()
                    .filter(s -> s.status() == 503)
                    .mapToLong(Sample::latency)
                    .sorted()
                    .toArray();
            long other = xs.size() - okLat.length - shedLat.length;
            ok.add(sec.doubleValue(), okLat.length);
            shed.add(sec.doubleValue(), shedLat.length);
            if (okLat.length > 0) {
                okP50.add(sec.doubleValue(), Recorder.pct(okLat, 50));
                okP99.add(sec.doubleValue(), Recorder.pct(okLat, 99));
            }
            if (shedLat.length > 0) {
                shedP99.add(sec.doubleValue(), Recorder.pct(shedLat, 99));
            }
            csv.append(String.format(
                    Locale.ROOT,
                    "%d,%d,%d,%d,%.0f,%.0f,%.0f%n",
                    sec,
                    okLat.length,
                    shedLat.length,
                    other,
                    Recorder.pct(okLat, 50),
                    Recorder.pct(okLat, 99),
                    Recorder.pct(shedLat, 99)));
        });
        Files.writeString(dir.resolve("burst-timeseries-" + tag + ".csv"), csv, StandardCharsets.UTF_8);
        save(
                dir.resolve("burst-throughput-" + tag + ".png"),
                "Password sign-in burst (" + tag + "): answers per second",
                "answers/s",
                ok,
                shed);
        save(
                dir.resolve("burst-latency-" + tag + ".png"),
                "Password sign-in burst (" + tag + "): latency",
                "ms",
                okP50,
                okP99,
                shedP99);
    }

    /**
     * Good sign-ins/s against closed-loop clients (16, 128, 1024), for Kordon, for the peer when it
     * ran, and the hash-only rate of the same run as the line both are measured against.
     */
    static void storms(
            Path dir, String tag, List<Integer> clients, List<Double> kordon, List<Double> peer, double hashOnly)
            throws IOException {
        XYSeries k = new XYSeries("Kordon good sign-ins/s");
        XYSeries p = new XYSeries("Keycloak good sign-ins/s");
        XYSeries h = new XYSeries("hash-only rate (same run)");
        StringBuilder csv = new StringBuilder("clients,kordon_good_per_s,keycloak_good_per_s,hash_only_per_s\n");
        for (int i = 0; i < clients.size(); i++) {
            int c = clients.get(i);
            k.add(c, kordon.get(i));
            h.add(c, hashOnly);
            double peerRate = i < peer.size() ? peer.get(i) : Double.NaN;
            if (!Double.isNaN(peerRate)) {
                p.add(c, peerRate);
            }
            csv.append(String.format(Locale.ROOT, "%d,%.2f,%.2f,%.2f%n", c, kordon.get(i), peerRate, hashOnly));
        }
        Files.writeString(dir.resolve("storms-" + tag + ".csv"), csv, StandardCharsets.UTF_8);
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(k);
        if (!peer.isEmpty()) {
            data.addSeries(p);
        }
        data.addSeries(h);
        JFreeChart chart = ChartFactory.createXYLineChart(
                "Password sign-in storms (" + tag + "): good sign-ins per second",
                "closed-loop clients (log scale)",
                "good sign-ins/s (200)",
                data,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        LogAxis axis = new LogAxis("closed-loop clients (log scale)");
        axis.setBase(2);
        axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        axis.setRange(8, 2048);
        axis.setNumberFormatOverride(new java.text.DecimalFormat("0"));
        chart.getXYPlot().setBackgroundPaint(java.awt.Color.WHITE);
        chart.getXYPlot().setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
        chart.getXYPlot().setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        chart.getXYPlot().setDomainAxis(axis);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        chart.getXYPlot().setRenderer(renderer);
        ChartUtils.saveChartAsPNG(dir.resolve("storms-" + tag + ".png").toFile(), chart, 900, 500);
    }

    private static void save(Path file, String title, String yLabel, XYSeries... series) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (XYSeries s : series) {
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(
                title, "seconds since the burst began", yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 500);
    }
}
