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
     * Postgres's own cancellation of a slow statement arrives first and the connection is kept.
     */
    public static Duration connectionIdleLimit(Duration deadline) {
        return deadline.plusMillis(500);
    }

    /**
     * How long a pooled connection may sit unused before the pool retires it: half the silence
     * limit, so an idle connection leaves the pool, with the pool's knowledge, before the limit
     * could close it under a query just handed to it.
     */
    public static Duration poolIdleLimit(Duration deadline) {
        return connectionIdleLimit(deadline).dividedBy(2);
    }
}
