package dev.kordon.ops;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.slf4j.event.KeyValuePair;
import org.slf4j.spi.MDCAdapter;

/**
 * Every log line of Kordon goes out through Logback: libraries log to it through SLF4J, Kordon's own
 * java.util.logging lines through a bridge on the JUL root. Production writes one JSON object per
 * line ({@link Format#JSON}), dev mode the readable line ({@link Format#TEXT}). A line written
 * while a request is served names its request and trace ({@link RequestScope}); an audit event
 * carries its fields ({@link LogFields}). Lines wait in a bounded queue for one writer thread, so
 * an event loop never waits on the console: when the queue is full a line is dropped and counted.
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
  public enum Format { JSON, TEXT }

  private static volatile boolean holdAtExit;

  private Logging() {}

  /**
   * At the top of {@code main}, before the first logger exists: java.util.logging goes to Logback,
   * written as {@link #defaultFormat()} says at level info until {@link #configure} applies the
   * configuration. Until {@link #holdAtExit()}, an exit writes what is queued.
   */
  public static void install() {
    // Before java.util.logging starts: the drain's last lines must outlive the JDK's exit hook.
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", ShutdownLogManager.class.getName());
    }
    LoggerContext context = context();
    configure(context, defaultFormat(), "info", Map.of(), null, true);
    java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    root.addHandler(bridge(context));
    // Micrometer's few lines go through java.util.logging, where Metrics drops the one it knows is noise.
    io.micrometer.common.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
        io.micrometer.common.util.internal.logging.JdkLoggerFactory.INSTANCE);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (!holdAtExit) {
        context.stop();
      }
    }, "kordon-log-exit"));
  }

  /** The configured format and levels ({@code log.level}, {@code log.levels}), from now on. */
  public static void configure(Format format, String rootLevel, Map<String, String> levels) {
    configure(context(), format, rootLevel, levels, null, true);
  }

  /** From now on an exit leaves the log open until {@link #release()}: the drain logs to the end. */
  public static void holdAtExit() {
    holdAtExit = true;
    ShutdownLogManager.holdAtExit();
  }

  /** The last line is logged: what is queued is written, then the log closes. */
  public static void release() {
    ShutdownLogManager.release();
    context().stop();
  }

  /** TEXT when the environment asks for dev mode ({@code KORDON_DEV}), JSON otherwise. */
  public static Format defaultFormat() {
    String dev = System.getenv("KORDON_DEV");
    return dev != null && List.of("true", "yes", "1").contains(dev.trim().toLowerCase(Locale.ROOT))
        ? Format.TEXT : Format.JSON;
  }

  private static LoggerContext context() {
    return (LoggerContext) LoggerFactory.getILoggerFactory();
  }

  /**
   * Sets up {@code context} afresh: one writer thread in front of {@code out} (the console when
   * null), lines in {@code format}, the root at {@code rootLevel} and each named logger at its
   * level. With {@code toJul}, java.util.logging's levels follow, so a line no one would write
   * is not even made.
   */
  static synchronized void configure(LoggerContext context, Format format, String rootLevel, Map<String, String> levels,
      OutputStream out, boolean toJul) {
    // Stops the writer of the last setup, which writes what it has queued first.
    context.reset();
    if (toJul) {
      LevelChangePropagator propagator = new LevelChangePropagator();
      propagator.setContext(context);
      propagator.setResetJUL(true);
      propagator.start();
      context.addListener(propagator);
    }
    OutputStreamAppender<ILoggingEvent> sink;
    if (out == null) {
      sink = new Stdout();
    } else {
      sink = new OutputStreamAppender<>();
      sink.setOutputStream(out);
    }
    sink.setName("console");
    sink.setContext(context);
    sink.setEncoder(format == Format.JSON ? json(context) : text(context));
    sink.start();

    Queue queue = new Queue();
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

  /** One JSON object per line; MDC entries (request and audit fields) become fields of their own. */
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

  /** The java.util.logging handler that hands every record to {@code context}. */
  static Handler bridge(LoggerContext context) {
    return new Bridge(context);
  }

  /**
   * java.util.logging to Logback, on the thread that logs: only it knows the request it serves, so
   * the request's ids (and an audit event's fields) go into the MDC for the length of the call,
   * and the queue keeps a copy with the line.
   */
  static final class Bridge extends SLF4JBridgeHandler {
    private final LoggerContext context;

    Bridge(LoggerContext context) {
      this.context = context;
    }

    @Override
    protected org.slf4j.Logger getSLF4JLogger(LogRecord record) {
      String name = record.getLoggerName();
      return context.getLogger(name == null || name.isEmpty() ? "unknown.jul.logger" : name);
    }

    @Override
    public void publish(LogRecord record) {
      RequestScope.Ids ids = RequestScope.current();
      Object[] params = record == null ? null : record.getParameters();
      LogFields fields = params != null && params.length == 1 && params[0] instanceof LogFields f ? f : null;
      if (ids == null && fields == null) {
        super.publish(record);
        return;
      }
      MDCAdapter mdc = context.getMDCAdapter();
      List<String> put = new ArrayList<>(8);
      if (ids != null) {
        put(mdc, put, REQUEST_ID, ids.requestId());
        put(mdc, put, TRACE_ID, ids.traceId());
      }
      if (fields != null) {
        fields.values().forEach((k, v) -> put(mdc, put, k, v));
        // The fields are not arguments of the message; other handlers get the record back as it was.
        record.setParameters(null);
      }
      try {
        super.publish(record);
      } finally {
        if (fields != null) {
          record.setParameters(params);
        }
        put.forEach(mdc::remove);
      }
    }

    private static void put(MDCAdapter mdc, List<String> put, String key, String value) {
      if (value != null) {
        mdc.put(key, value);
        put.add(key);
      }
    }
  }

  /** {@code %req}: "[req <id> trace <trace id>] " while a request is served, else nothing. */
  static final class RequestTag extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
      Map<String, String> mdc = event.getMDCPropertyMap();
      String id = mdc == null ? null : mdc.get(REQUEST_ID);
      if (id != null) {
        return "[req " + id + " trace " + mdc.get(TRACE_ID) + "] ";
      }
      // A line logged through SLF4J with its ids as key-value pairs (the access log).
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

  /**
   * Standard output through a 64 KiB buffer, written out every {@link #FLUSH_EVERY_MS} and at stop.
   * Flushed line by line, every request's access line cost a system call on the writer thread,
   * and at tens of thousands of requests a second that thread took the cores the event loops
   * needed. A line thus reaches the console at most that long after it was written.
   */
  static final class Stdout extends OutputStreamAppender<ILoggingEvent> {
    static final long FLUSH_EVERY_MS = 100;
    private ScheduledExecutorService flusher;

    @Override
    public void start() {
      setImmediateFlush(false);
      // Standard output outlives every setup: a stop writes it out but never closes it.
      setOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out) {
        @Override
        public void close() {}
      }, 1 << 16));
      super.start();
      flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kordon-log-flush");
        t.setDaemon(true);
        return t;
      });
      flusher.scheduleWithFixedDelay(this::flushNow, FLUSH_EVERY_MS, FLUSH_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    private void flushNow() {
      try {
        // BufferedOutputStream's methods are synchronized: this never tears a line the writer writes.
        getOutputStream().flush();
      } catch (IOException | RuntimeException e) {
        addError("flushing standard output failed", e);
      }
    }

    @Override
    public void stop() {
      if (flusher != null) {
        flusher.shutdownNow();
      }
      super.stop();
    }
  }

  /**
   * Logback's queue, counting the lines a full queue turns away; the count is written as soon as
   * there is room again, so a gap in the log says it is one.
   */
  static final class Queue extends AsyncAppender {
    private final AtomicLong dropped = new AtomicLong();

    @Override
    protected void append(ILoggingEvent event) {
      if (getRemainingCapacity() == 0) {
        dropped.incrementAndGet();
        return;
      }
      long lost = dropped.getAndSet(0);
      if (lost > 0) {
        LoggerContext context = (LoggerContext) getContext();
        super.append(new LoggingEvent(Logging.class.getName(), context.getLogger(Logging.class), Level.WARN,
            lost + " log lines dropped: the log could not keep up", null, null));
      }
      super.append(event);
    }
  }
}
