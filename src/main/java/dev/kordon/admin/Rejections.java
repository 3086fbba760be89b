package dev.kordon.admin;

import dev.kordon.problem.Bundles;
import dev.kordon.problem.Text;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

/** An import's refused rows: all of them counted, those of the lowest lines kept with their reasons. */
final class Rejections {
    private static final Comparator<ImportSummary.Rejected> BY_LINE =
            Comparator.comparingLong(ImportSummary.Rejected::line);
    private final int kept;
    private final Locale locale;
    /** The highest line on top, so it never holds more than {@code kept}. */
    private final PriorityQueue<ImportSummary.Rejected> lowest = new PriorityQueue<>(BY_LINE.reversed());

    private int total;

    Rejections(int kept, Locale locale) {
        this.kept = kept;
        this.locale = locale;
    }

    void add(long line, Map<String, Text> errors) {
        total++;
        if (lowest.size() == kept) {
            if (lowest.peek().line() < line) {
                return;
            }
            lowest.poll();
        }
        lowest.add(new ImportSummary.Rejected(line, reason(locale, errors)));
    }

    int total() {
        return total;
    }

    /** The kept rows in line order. */
    List<ImportSummary.Rejected> lines() {
        List<ImportSummary.Rejected> lines = new ArrayList<>(lowest);
        lines.sort(BY_LINE);
        return lines;
    }

    /** {@code field: text; field: text}, in {@code locale}. */
    static String reason(Locale locale, Map<String, Text> errors) {
        StringBuilder reason = new StringBuilder();
        errors.forEach((field, text) -> reason.append(reason.length() == 0 ? "" : "; ")
                .append(field)
                .append(": ")
                .append(Bundles.text(locale, text)));
        return reason.toString();
    }
}
