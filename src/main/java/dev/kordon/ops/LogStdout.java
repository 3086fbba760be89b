package dev.kordon.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Standard output through a 64 KiB buffer, written out every {@link #FLUSH_EVERY_MS} and at stop.
 * Flushed line by line, every request's access line cost a system call on the writer thread,
 * and at tens of thousands of requests a second that thread took the cores the event loops
 * needed. A line thus reaches the console at most that long after it was written.
 */
final class LogStdout extends OutputStreamAppender<ILoggingEvent> {
    static final long FLUSH_EVERY_MS = 100;
    private ScheduledExecutorService flusher;

    @Override
    public void start() {
        setImmediateFlush(false);
        // Standard output outlives every setup: a stop writes it out but never closes it.
        setOutputStream(new BufferedOutputStream(
                new FileOutputStream(FileDescriptor.out) {
                    @Override
                    public void close() {}
                },
                1 << 16));
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
