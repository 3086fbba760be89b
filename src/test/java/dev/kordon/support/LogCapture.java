package dev.kordon.support;

import dev.kordon.ops.LogFields;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Pattern;

/**
 * Every log line of the test run (all of it goes through java.util.logging), and every secret the
 * tests were issued: codes, temporary passwords, passwords, tokens. {@link #leaks()} names the
 * secrets that appear in any line.
 */
public final class LogCapture {
  private static final Collection<String> LINES = new ConcurrentLinkedQueue<>();
  /** The records of Kordon's named loggers (kordon.audit, kordon.access), with their fields. */
  private static final Collection<LogRecord> RECORDS = new ConcurrentLinkedQueue<>();
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
  private static volatile boolean installed;
  /** Held here: a logger whose level was set must not be collected and forget it. */
  private static final Logger KORDON = Logger.getLogger("dev.kordon");

  private LogCapture() {}

  static synchronized void install() {
    if (installed) {
      return;
    }
    Handler handler = new Handler() {
      private final SimpleFormatter formatter = new SimpleFormatter();

      @Override
      public void publish(LogRecord record) {
        String line = formatter.format(record);
        Object[] params = record.getParameters();
        if (params != null && params.length == 1 && params[0] instanceof LogFields fields) {
          // The fields go out as JSON fields in production: a secret there would leak as surely.
          line = line + " " + fields.values();
        }
        LINES.add(line);
        if (record.getLoggerName() != null && record.getLoggerName().startsWith("kordon.")) {
          RECORDS.add(record);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    handler.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(handler);
    // Kordon's own lines at every level, FINE and below too: a secret must not hide in a debug line.
    KORDON.setLevel(Level.ALL);
    installed = true;
  }

  /** Remembers a secret the system issued or a test used; it must never show up in a log line. */
  public static String secret(String value) {
    if (value != null && value.length() >= 6) {
      SECRETS.add(value);
    }
    return value;
  }

  public static List<String> leaks() {
    return SECRETS.stream().filter(s -> LINES.stream().anyMatch(line -> appears(line, s))).toList();
  }

  /**
   * Where each leaked secret was seen: the first line holding it, the secret itself masked, so the
   * failure can be traced without printing the secret once more.
   */
  public static List<String> leakedLines() {
    return leaks().stream()
        .map(s -> LINES.stream().filter(line -> appears(line, s)).findFirst().orElse("")
            .replace(s, "<secret " + s.length() + " chars>").strip())
        .toList();
  }

  /**
   * A digits-only secret (an SMS code) counts only as a token of its own: not inside a longer
   * number, nor inside a word such as a hex request id, where six digits in a row occur by chance.
   */
  public static boolean appears(String line, String secret) {
    if (!secret.chars().allMatch(Character::isDigit)) {
      return line.contains(secret);
    }
    return Pattern.compile("(?<![0-9A-Za-z])" + secret + "(?![0-9A-Za-z])").matcher(line).find();
  }

  /** The lines captured so far that contain {@code text}. */
  public static List<String> linesWith(String text) {
    return LINES.stream().filter(line -> line.contains(text)).toList();
  }

  /** The fields of each line the logger {@code name} wrote so far, in order. */
  public static List<Map<String, String>> fieldsOf(String name) {
    return RECORDS.stream().filter(r -> name.equals(r.getLoggerName()))
        .map(r -> r.getParameters() != null && r.getParameters().length == 1 && r.getParameters()[0] instanceof LogFields f
            ? f.values() : Map.<String, String>of())
        .toList();
  }

  public static int lineCount() {
    return LINES.size();
  }
}
