package dev.kordon.ops;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.event.KeyValuePair;

/**
 * Logback's queue, counting the lines a full queue turns away; the count is written as soon as
 * there is room again, so a gap in the log says it is one. A line comes in on the thread that
 * logs it, the one place that knows the request being served: its ids are added there.
 */
final class LogQueue extends AsyncAppender {
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
            super.append(new LoggingEvent(
                    Logging.class.getName(),
                    context.getLogger(Logging.class),
                    Level.WARN,
                    lost + " log lines dropped: the log could not keep up",
                    null,
                    null));
        }
        nameTheRequest(event);
        super.append(event);
    }

    /** Kordon's lines and the libraries' alike; a line that names a request itself (the access log) stays as it is. */
    private static void nameTheRequest(ILoggingEvent event) {
        RequestScope.Ids ids = RequestScope.current();
        if (ids == null || ids.requestId() == null || !(event instanceof LoggingEvent e)) {
            return;
        }
        List<KeyValuePair> pairs = e.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair kv : pairs) {
                if (Logging.REQUEST_ID.equals(kv.key)) {
                    return;
                }
            }
        }
        // A copy: the list came with the event and need not be ours to change.
        List<KeyValuePair> named = pairs == null ? new ArrayList<>(2) : new ArrayList<>(pairs);
        named.add(new KeyValuePair(Logging.REQUEST_ID, ids.requestId()));
        if (ids.traceId() != null) {
            named.add(new KeyValuePair(Logging.TRACE_ID, ids.traceId()));
        }
        e.setKeyValuePairs(named);
    }
}
