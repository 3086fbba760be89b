package dev.kordon.ops;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The console log written by one background thread. java.util.logging's console handler writes
 * under a lock on the calling thread, so under load the event loops queued on it for 10-15 ms at a
 * time (JFR, SMS-code burst). Records wait in a bounded queue; when it is full a line is dropped
 * and counted rather than an event loop held up, and the count is logged once there is room.
 */
public final class AsyncConsole extends Handler {
  private static final int CAPACITY = 65_536;

  private final Handler target;
  private final BlockingQueue<LogRecord> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean closed;

  private AsyncConsole(Handler target) {
    this.target = target;
    setLevel(target.getLevel());
    writer = new Thread(this::drain, "kordon-log");
    writer.setDaemon(true);
    writer.start();
  }

  /** {@code target} behind a writer thread of its own. */
  public static AsyncConsole wrap(Handler target) {
    return new AsyncConsole(target);
  }

  /** Puts every console handler of the root logger behind a writer thread. */
  public static void install() {
    Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) {
      if (h instanceof ConsoleHandler) {
        root.removeHandler(h);
        root.addHandler(new AsyncConsole(h));
      }
    }
  }

  @Override
  public void publish(LogRecord record) {
    if (closed || !isLoggable(record)) {
      return;
    }
    // Read here, on the thread that logs: the writer thread knows nothing of the request.
    RequestScope.Ids ids = RequestScope.current();
    if (!queue.offer(ids == null ? record : tagged(record, ids))) {
      dropped.incrementAndGet();
    }
  }

  /** A copy whose line names the request and its trace; other handlers keep the record as it was. */
  static LogRecord tagged(LogRecord record, RequestScope.Ids ids) {
    LogRecord t = new LogRecord(record.getLevel(), "[req " + ids.requestId() + " trace " + ids.traceId() + "] "
        + record.getMessage());
    t.setLoggerName(record.getLoggerName());
    t.setInstant(record.getInstant());
    t.setParameters(record.getParameters());
    t.setThrown(record.getThrown());
    t.setResourceBundle(record.getResourceBundle());
    t.setResourceBundleName(record.getResourceBundleName());
    t.setSourceClassName(record.getSourceClassName());
    t.setSourceMethodName(record.getSourceMethodName());
    t.setSequenceNumber(record.getSequenceNumber());
    t.setLongThreadID(record.getLongThreadID());
    return t;
  }

  private void drain() {
    while (!closed || !queue.isEmpty()) {
      try {
        LogRecord r = queue.poll(200, TimeUnit.MILLISECONDS);
        if (r != null) {
          target.publish(r);
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
          target.publish(new LogRecord(Level.WARNING, lost + " log lines dropped: the log could not keep up"));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Lines still queued are the writer's to write; what it wrote is pushed out. */
  @Override
  public void flush() {
    target.flush();
  }

  /** At exit (the log manager closes its handlers): what is queued is written first. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    target.flush();
    target.close();
  }
}
