package dev.kordon.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.FilterReply;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.slf4j.event.KeyValuePair;

/**
 * Every log line of Kordon goes out through Logback: Kordon's own code and most libraries log to it
 * through SLF4J, the few libraries that use java.util.logging through SLF4J's bridge. Production
 * writes one JSON object per line ({@link Format#JSON}), dev mode the readable line
 * ({@link Format#TEXT}). A line written while a request is served names its request and trace
 * ({@link RequestScope}); a line's key-value pairs (an audit event's fields, the access log's) are
 * fields of their own. Lines wait in a bounded queue for one writer thread, so an event loop never
 * waits on the console: when the queue is full a line is dropped and counted.
 */
public final class Logging {
    /** The fields a line may carry besides its message. */
    public static final String REQUEST_ID = "request_id";

    public static final String TRACE_ID = "trace_id";

    /** Lines waiting for the writer; past this, lines are dropped and counted rather than waited for. */
    static final int QUEUE = 16_384;
    /** At stop (the end of the drain): how long the writer may take to write what is queued. */
    static final int FLUSH_MS = 5_000;

    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS} %-7level %logger: %req%msg%n";

    /** The shape of a line: JSON for log collectors, TEXT for a person at a terminal. */
    public enum Format {
        JSON,
        TEXT
    }

    private static volatile boolean holdAtExit;
    /** What {@link #drop} was told so far; each set-up's filter reads it. */
    private static final List<Noise> NOISE = new CopyOnWriteArrayList<>();

    private record Noise(String logger, String messageStart) {}

    private Logging() {}

    /**
     * At the top of {@code main}, before the first logger exists: Logback writes as
     * {@link #defaultFormat()} says at level info until {@link #configure} applies the configuration.
     * Until {@link #holdAtExit()}, an exit writes what is queued.
     */
    public static void install() {
        LoggerContext context = context();
        configure(context, defaultFormat(), "info", Map.of(), null, true);
        // Only for libraries that log through java.util.logging (the Postgres driver, libphonenumber):
        // their lines join the same output. Kordon's own code logs through SLF4J.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        // Logback has no exit hook of its own here; this one writes out the queue unless the drain holds it.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (!holdAtExit) {
                                context.stop();
                            }
                        },
                        "kordon-log-exit"));
    }

    /** The configured format and levels ({@code log.level}, {@code log.levels}), from now on. */
    public static void configure(Format format, String rootLevel, Map<String, String> levels) {
        configure(context(), format, rootLevel, levels, null, true);
    }

    /** From now on an exit leaves the log open until {@link #release()}: the drain logs to the end. */
    public static void holdAtExit() {
        holdAtExit = true;
    }

    /** The last line is logged: what is queued is written, then the log closes. */
    public static void release() {
        context().stop();
    }

    /**
     * A library's line known to be noise, by its logger and how its message starts: from now on it
     * is never written, in every set-up to come and in the present one.
     */
    static synchronized void drop(String logger, String messageStart) {
        NOISE.add(new Noise(logger, messageStart));
        LoggerContext context = context();
        if (context.getTurboFilterList().stream().noneMatch(DropNoise.class::isInstance)) {
            context.addTurboFilter(dropNoise(context));
        }
    }

    /** TEXT when the environment asks for dev mode ({@code KORDON_DEV}), JSON otherwise. */
    public static Format defaultFormat() {
        String dev = System.getenv("KORDON_DEV");
        return dev != null && List.of("true", "yes", "1").contains(dev.trim().toLowerCase(Locale.ROOT))
                ? Format.TEXT
                : Format.JSON;
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }

    /**
     * Sets up {@code context} afresh: one writer thread in front of {@code out} (the console when
     * null), lines in {@code format}, the root at {@code rootLevel} and each named logger at its
     * level. With {@code toJul}, java.util.logging's levels follow, so a library's line there that no
     * one would write is not even made.
     */
    static synchronized void configure(
            LoggerContext context,
            Format format,
            String rootLevel,
            Map<String, String> levels,
            OutputStream out,
            boolean toJul) {
        // Stops the writer of the last setup, which writes what it has queued first.
        context.reset();
        context.addTurboFilter(dropNoise(context));
        if (toJul) {
            LevelChangePropagator propagator = new LevelChangePropagator();
            propagator.setContext(context);
            propagator.setResetJUL(true);
            propagator.start();
            context.addListener(propagator);
        }
        OutputStreamAppender<ILoggingEvent> sink;
        if (out == null) {
            sink = new LogStdout();
        } else {
            sink = new OutputStreamAppender<>();
            sink.setOutputStream(out);
        }
        sink.setName("console");
        sink.setContext(context);
        sink.setEncoder(format == Format.JSON ? json(context) : text(context));
        sink.start();

        LogQueue queue = new LogQueue();
        queue.setName("queue");
        queue.setContext(context);
        queue.setQueueSize(QUEUE);
        // Every line waits alike until the queue is full; none is thrown away early for being info.
        queue.setDiscardingThreshold(0);
        queue.setNeverBlock(true);
        queue.setMaxFlushTime(FLUSH_MS);
        queue.addAppender(sink);
        queue.start();

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(queue);
        root.setLevel(level(rootLevel));
        levels.forEach((name, level) -> context.getLogger(name).setLevel(level(level)));
    }

    private static Level level(String name) {
        Level level = Level.toLevel(name, null);
        if (level == null) {
            throw new IllegalArgumentException("no log level " + name);
        }
        return level;
    }

    /** One JSON object per line; key-value pairs (request ids, audit and access fields) become fields of their own. */
    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.getFieldNames().setVersion("[ignore]");
        encoder.getFieldNames().setLevelValue("[ignore]");
        encoder.setIncludeContext(false);
        encoder.start();
        return encoder;
    }

    /** The line a person reads: time, level, logger, then the request when there is one. */
    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("req", RequestTag::new);
        layout.setPattern(TEXT_PATTERN);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }

    private static TurboFilter dropNoise(LoggerContext context) {
        DropNoise filter = new DropNoise();
        filter.setContext(context);
        filter.start();
        return filter;
    }

    /** Denies the lines {@link #drop} names before they are made; any other line is left alone. */
    static final class DropNoise extends TurboFilter {
        @Override
        public FilterReply decide(
                Marker marker,
                ch.qos.logback.classic.Logger logger,
                Level level,
                String format,
                Object[] params,
                Throwable t) {
            // A level check alone (isInfoEnabled) comes without a message: nothing to compare.
            if (format != null) {
                for (Noise n : NOISE) {
                    if (n.logger().equals(logger.getName()) && format.startsWith(n.messageStart())) {
                        return FilterReply.DENY;
                    }
                }
            }
            return FilterReply.NEUTRAL;
        }
    }

    /** {@code %req}: "[req <id> trace <trace id>] " for a line that names its request, else nothing. */
    static final class RequestTag extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent event) {
            String id = null;
            String trace = null;
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair kv : event.getKeyValuePairs()) {
                    if (REQUEST_ID.equals(kv.key)) {
                        id = String.valueOf(kv.value);
                    } else if (TRACE_ID.equals(kv.key)) {
                        trace = String.valueOf(kv.value);
                    }
                }
            }
            return id == null ? "" : "[req " + id + " trace " + trace + "] ";
        }
    }
}
