package dev.kordon.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * The events logged under one logger (under the root: all of them) while this is open, for a test
 * that looks at what was logged rather than at the lines {@link LogCapture} keeps.
 */
public final class LogEvents implements AutoCloseable {
    private final Logger logger;
    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    private final UnsynchronizedAppenderBase<ILoggingEvent> appender = new UnsynchronizedAppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            events.add(event);
        }
    };

    private LogEvents(String name) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        logger = context.getLogger(name);
        appender.setContext(context);
        appender.setName("events-" + System.identityHashCode(this));
        appender.start();
        logger.addAppender(appender);
    }

    /** From now on, what {@code name} and the loggers below it log; {@link org.slf4j.Logger#ROOT_LOGGER_NAME} for all. */
    public static LogEvents of(String name) {
        return new LogEvents(name);
    }

    public List<ILoggingEvent> events() {
        return events;
    }

    /** The messages logged so far, formatted, in order. */
    public List<String> messages() {
        return events.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
