package dev.kordon.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * Every log line of the test run (all of it goes through Logback), and every secret the tests were
 * issued: codes, temporary passwords, passwords, tokens. {@link #leaks()} names the secrets that
 * appear in any line.
 */
public final class LogCapture {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final LeakScan SCAN = new LeakScan();
    /** The lines of Kordon's named loggers (kordon.audit, kordon.access), with their fields. */
    private static final Collection<Fields> RECORDS = new ConcurrentLinkedQueue<>();

    private static volatile boolean installed;

    private record Fields(String logger, Map<String, String> values) {}

    private LogCapture() {}

    static synchronized void install() {
        if (installed) {
            return;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        UnsynchronizedAppenderBase<ILoggingEvent> capture = new UnsynchronizedAppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                Map<String, String> fields = new LinkedHashMap<>();
                if (event.getKeyValuePairs() != null) {
                    event.getKeyValuePairs().forEach(kv -> fields.put(kv.key, String.valueOf(kv.value)));
                }
                SCAN.line(line(event, fields));
                if (event.getLoggerName().startsWith("kordon.")) {
                    RECORDS.add(new Fields(event.getLoggerName(), fields));
                }
            }
        };
        capture.setName("capture");
        capture.setContext(context);
        capture.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(capture);
        // Kordon's own lines at every level, debug and trace too: a secret must not hide in a debug line.
        context.getLogger("dev.kordon").setLevel(Level.ALL);
        installed = true;
    }

    /** A line as a person reads it: time, level, logger, message, the stack, then the fields. */
    private static String line(ILoggingEvent event, Map<String, String> fields) {
        StringBuilder line = new StringBuilder(TIME.format(event.getInstant()))
                .append(' ')
                .append(String.format("%-7s", event.getLevel()))
                .append(' ')
                .append(event.getLoggerName())
                .append(": ")
                .append(event.getFormattedMessage());
        if (event.getThrowableProxy() != null) {
            line.append(System.lineSeparator()).append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        // The fields go out as JSON fields in production: a secret there would leak as surely.
        if (!fields.isEmpty()) {
            line.append(' ').append(fields);
        }
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null && !mdc.isEmpty()) {
            line.append(' ').append(mdc);
        }
        return line.toString();
    }

    /** Remembers a secret the system issued or a test used; it must never show up in a log line. */
    public static String secret(String value) {
        if (value != null && value.length() >= 6) {
            SCAN.secret(value);
        }
        return value;
    }

    public static List<String> leaks() {
        return SCAN.leaks();
    }

    /**
     * Where each leaked secret was seen: the first line holding it, the secret itself masked, so the
     * failure can be traced without printing the secret once more.
     */
    public static List<String> leakedLines() {
        List<String> lines = SCAN.lines();
        return leaks().stream()
                .map(s -> lines.stream()
                        .filter(line -> appears(line, s))
                        .findFirst()
                        .orElse("")
                        .replace(s, "<secret " + s.length() + " chars>")
                        .strip())
                .toList();
    }

    /** Whether the secret shows in the line, as the leak scan judges it ({@link LeakScan#appears}). */
    public static boolean appears(String line, String secret) {
        return LeakScan.appears(line, secret);
    }

    /** The lines captured so far that contain {@code text}. */
    public static List<String> linesWith(String text) {
        return SCAN.lines().stream().filter(line -> line.contains(text)).toList();
    }

    /** The fields of each line the logger {@code name} wrote so far, in order. */
    public static List<Map<String, String>> fieldsOf(String name) {
        return RECORDS.stream()
                .filter(r -> name.equals(r.logger()))
                .map(Fields::values)
                .toList();
    }

    public static int lineCount() {
        return SCAN.lineCount();
    }
}
