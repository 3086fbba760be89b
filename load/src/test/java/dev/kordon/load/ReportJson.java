package dev.kordon.load;

import dev.kordon.load.Report.Row;
import dev.kordon.load.Report.Target;
import dev.kordon.load.StormReport.StormRow;
import java.util.Locale;
import java.util.Map;

/** One parameter set as summary.json has it: every figure, row, target and storm, for tools to compare runs by. */
final class ReportJson {
    private final ReportBlock block;
    private final StormReport storms;

    private ReportJson(ReportBlock block) {
        this.block = block;
        this.storms = block.storms;
    }

    static String of(ReportBlock b) {
        return new ReportJson(b).json();
    }

    String json() {
        StringBuilder sb = new StringBuilder(
                "{\"memory_kib\":" + block.memoryKib + ",\"iterations\":" + block.iterations + ",\"figures\":{");
        int i = 0;
        for (Map.Entry<String, Double> e : block.figures.entrySet()) {
            sb.append(i++ > 0 ? "," : "").append(str(e.getKey())).append(':').append(num(e.getValue()));
        }
        sb.append("},\"rows\":[");
        for (int j = 0; j < block.rows.size(); j++) {
            Row r = block.rows.get(j);
            sb.append(j > 0 ? "," : "")
                    .append("{\"scenario\":")
                    .append(str(r.scenario()))
                    .append(",\"offered\":")
                    .append(str(r.offered()))
                    .append(",\"achieved_per_s\":")
                    .append(num(r.rate()))
                    .append(",\"p50_ms\":")
                    .append(num(r.p50()))
                    .append(",\"p95_ms\":")
                    .append(num(r.p95()))
                    .append(",\"p99_ms\":")
                    .append(num(r.p99()))
                    .append(",\"p999_ms\":")
                    .append(num(r.p999()))
                    .append(",\"error_pct\":")
                    .append(num(r.errorPct()))
                    .append(",\"shed_pct\":")
                    .append(num(r.shedPct()))
                    .append(",\"peak_rss_mb\":")
                    .append(num(r.rssMb()))
                    .append(",\"gatling_report\":")
                    .append(str(String.valueOf(r.report())))
                    .append('}');
        }
        sb.append("],\"targets\":[");
        for (int j = 0; j < block.targets.size(); j++) {
            Target t = block.targets.get(j);
            sb.append(j > 0 ? "," : "")
                    .append("{\"target\":")
                    .append(str(t.text()))
                    .append(",\"pass\":")
                    .append(t.pass())
                    .append(",\"actual\":")
                    .append(str(t.actual()))
                    .append('}');
        }
        sb.append("],\"storms\":[");
        for (int j = 0; j < storms.rows.size(); j++) {
            StormRow r = storms.rows.get(j);
            sb.append(j > 0 ? "," : "")
                    .append("{\"target\":")
                    .append(str(r.target()))
                    .append(",\"scenario\":")
                    .append(str(r.offered()))
                    .append(",\"good_per_s\":")
                    .append(num(r.okRate()))
                    .append(",\"shed_per_s\":")
                    .append(num(r.shedRate()))
                    .append(",\"other_per_s\":")
                    .append(num(r.otherRate()))
                    .append(",\"errors\":")
                    .append(r.errors())
                    .append(",\"admitted_p99_ms\":")
                    .append(num(r.okP99()))
                    .append(",\"shed_p99_ms\":")
                    .append(num(r.shedP99()))
                    .append(",\"generator_cpu_pct\":")
                    .append(num(r.genCpuPct()))
                    .append(",\"generator_capped\":")
                    .append(r.capped())
                    .append(",\"peak_rss_mb\":")
                    .append(num(r.rssMb()))
                    .append('}');
        }
        sb.append("],\"blocked_warnings\":").append(block.blocked).append(",\"notes\":[");
        for (int j = 0; j < block.notes.size(); j++) {
            sb.append(j > 0 ? "," : "").append(str(block.notes.get(j)));
        }
        return sb.append("]}").toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String str(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
