package dev.kordon.admin;

import dev.kordon.problem.Bundles;
import dev.kordon.problem.Text;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

/** An import's refused rows: all of them counted, those of the lowest lines kept with their reasons. */
final class Rejections {
  private static final Comparator<JsonObject> BY_LINE = Comparator.comparingLong(j -> j.getLong("line"));
  private final int kept;
  private final Locale locale;
  /** The highest line on top, so it never holds more than {@code kept}. */
  private final PriorityQueue<JsonObject> lowest = new PriorityQueue<>(BY_LINE.reversed());
  private int total;

  Rejections(int kept, Locale locale) {
    this.kept = kept;
    this.locale = locale;
  }

  void add(long line, Map<String, Text> errors) {
    total++;
    if (lowest.size() == kept) {
      if (lowest.peek().getLong("line") < line) {
        return;
      }
      lowest.poll();
    }
    lowest.add(new JsonObject().put("line", line).put("reason", reason(locale, errors)));
  }

  int total() {
    return total;
  }

  /** The kept rows in line order. */
  JsonArray lines() {
    List<JsonObject> lines = new ArrayList<>(lowest);
    lines.sort(BY_LINE);
    return new JsonArray(new ArrayList<>(lines));
  }

  /** {@code field: text; field: text}, in {@code locale}. */
  static String reason(Locale locale, Map<String, Text> errors) {
    StringBuilder reason = new StringBuilder();
    errors.forEach((field, text) -> reason.append(reason.length() == 0 ? "" : "; ").append(field).append(": ")
        .append(Bundles.text(locale, text)));
    return reason.toString();
  }
}
