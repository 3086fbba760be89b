package dev.kordon.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.kordon.ops.LogFields;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The tests' Logback set-up, ahead of Kordon's own (a higher rank): what libraries log through
 * SLF4J goes on into java.util.logging, where {@link LogCapture} scans every line for secrets and
 * src/test/resources/logging.properties sets the levels, as for Kordon's own lines.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class JulRouting extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    AppenderBase<ILoggingEvent> toJul = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        LogRecord r = new LogRecord(jul(e.getLevel()), e.getFormattedMessage());
        r.setLoggerName(e.getLoggerName());
        r.setInstant(e.getInstant());
        if (e.getKeyValuePairs() != null && !e.getKeyValuePairs().isEmpty()) {
          // Key-value pairs reach the log as fields of their own, as LogFields do through the bridge.
          Map<String, String> fields = new LinkedHashMap<>();
          e.getKeyValuePairs().forEach(kv -> fields.put(kv.key, String.valueOf(kv.value)));
          r.setParameters(new Object[] {new LogFields(fields)});
        }
        IThrowableProxy t = e.getThrowableProxy();
        if (t instanceof ThrowableProxy p) {
          r.setThrown(p.getThrowable());
        }
        Logger.getLogger(e.getLoggerName()).log(r);
      }
    };
    toJul.setName("jul");
    toJul.setContext(context);
    toJul.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(toJul);
    // Nothing below info is made at all; java.util.logging's levels decide the rest.
    root.setLevel(Level.INFO);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static java.util.logging.Level jul(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> java.util.logging.Level.SEVERE;
      case Level.WARN_INT -> java.util.logging.Level.WARNING;
      case Level.INFO_INT -> java.util.logging.Level.INFO;
      case Level.DEBUG_INT -> java.util.logging.Level.FINE;
      default -> java.util.logging.Level.FINEST;
    };
  }
}
