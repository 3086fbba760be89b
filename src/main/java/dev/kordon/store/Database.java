package dev.kordon.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The accounts database as every query reaches it: the pool, and {@code pg.query-timeout}, the
 * longest any answer waits on Postgres, the wait for a pooled connection included. Postgres enforces
 * the same bound itself ({@code statement_timeout}), and a connection silent for longer is closed
 * ({@link #connectionIdleLimit}), so a hung server or a partition cannot keep a pool connection.
 */
public record Database(Pool pool, Duration deadline) {
    /** The query's answer, or a {@link java.util.concurrent.TimeoutException} (an outage) past the deadline. */
    public <T> Future<T> within(Future<T> query) {
        return query.timeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A transaction's answer, bounded at twice the deadline: its statements have one deadline each,
     * and the work it does before committing (Redis, at most its own deadline) waits on neither.
     */
    public <T> Future<T> withinTransaction(Future<T> transaction) {
        return transaction.timeout(deadline.toMillis() * 2, TimeUnit.MILLISECONDS);
    }

    /**
     * How long a connection may receive nothing before it is closed: a little past the deadline, so
     * Postgres's own cancellation of a slow statement arrives first and the connection is kept. An
     * idle pooled connection is closed too and reopened when next needed, a few milliseconds.
     */
    public static Duration connectionIdleLimit(Duration deadline) {
        return deadline.plusMillis(500);
    }
}
