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
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
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

    /** One drawn series of the soak; judged when a verdict has its name. */
    private record Line(String name, java.util.function.ToDoubleFunction<SoakPoint> value) {}

    /** One colour per drawn series across the panels, so the shared legend names each once. */
    private static final java.awt.Color[] COLOURS = {
        new java.awt.Color(0x1f77b4),
        new java.awt.Color(0xd62728),
        new java.awt.Color(0x2ca02c),
        new java.awt.Color(0x9467bd),
        new java.awt.Color(0xff7f0e),
        new java.awt.Color(0x8c564b),
        new java.awt.Color(0x17becf),
        new java.awt.Color(0x7f7f7f),
        new java.awt.Color(0xe377c2),
        new java.awt.Color(0xbcbd22)
    };

    /**
     * The soak's series against minutes since the load began, one panel per unit; each judged series
     * with its fitted line (dashed) over the judged window, the warm-up shaded.
     */
    static void soak(Path file, List<SoakPoint> points, List<SlopeJudge.Verdict> verdicts, double fromSeconds)
            throws IOException {
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("minutes since the load began"));
        List<List<Line>> panels = List.of(
                List.of(new Line("RSS", SoakPoint::rssMb)),
                List.of(new Line("heap after full GC", SoakPoint::heapMb)),
                List.of(
                        new Line("open fds", p -> p.held().fds()),
                        new Line("TCP connections", p -> p.held().tcp())),
                List.of(new Line("p99", SoakPoint::p99), new Line("p50", SoakPoint::p50)),
                List.of(new Line("ok answers/s", SoakPoint::okPerSecond), new Line("errors", SoakPoint::errors)));
        List<String> units = List.of("RSS, MB", "heap, MB", "count", "ms", "per s / interval");
        int colour = 0;
        for (int i = 0; i < panels.size(); i++) {
            plot.add(panel(units.get(i), panels.get(i), colour, points, verdicts, fromSeconds), 1);
            colour += panels.get(i).size();
        }
        JFreeChart chart = new JFreeChart("Soak: the mix at half capacity", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(java.awt.Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 1000);
    }

    private static XYPlot panel(
            String unit,
            List<Line> lines,
            int firstColour,
            List<SoakPoint> points,
            List<SlopeJudge.Verdict> verdicts,
            double from) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (Line line : lines) {
            java.awt.Color colour = COLOURS[(firstColour + lines.indexOf(line)) % COLOURS.length];
            XYSeries xs = new XYSeries(line.name());
            for (SoakPoint p : points) {
                double v = line.value().applyAsDouble(p);
                if (!Double.isNaN(v)) {
                    xs.add(p.seconds() / 60, v);
                }
            }
            renderer.setSeriesPaint(data.getSeriesCount(), colour);
            data.addSeries(xs);
            for (SlopeJudge.Verdict v : verdicts) {
                if (v.rule().series().equals(line.name()) && v.points() >= 3) {
                    XYSeries fit = new XYSeries(line.name() + " fit: " + (v.pass() ? "PASS" : "FAIL"));
                    fit.add(v.t0() / 60, v.start());
                    fit.add(v.t0() / 60 + v.minutes(), v.end());
                    renderer.setSeriesPaint(data.getSeriesCount(), colour.darker());
                    renderer.setSeriesStroke(
                            data.getSeriesCount(),
                            new java.awt.BasicStroke(
                                    2f,
                                    java.awt.BasicStroke.CAP_BUTT,
                                    java.awt.BasicStroke.JOIN_MITER,
                                    1f,
                                    new float[] {6f, 4f},
                                    0f));
                    data.addSeries(fit);
                }
            }
        }
        NumberAxis axis = new NumberAxis(unit);
        axis.setAutoRangeIncludesZero(true);
        XYPlot plot = new XYPlot(data, null, axis, renderer);
        plot.setBackgroundPaint(java.awt.Color.WHITE);
        plot.setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        IntervalMarker warmUp = new IntervalMarker(0, from / 60);
        warmUp.setPaint(new java.awt.Color(0xEEEEEE));
        plot.addDomainMarker(warmUp, org.jfree.chart.ui.Layer.BACKGROUND);
        return plot;
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
