package dev.kordon.store;

import dev.kordon.config.KordonConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** How Kordon opens Postgres: the server's pool and the command line's connections alike. */
public final class Postgres {
    private Postgres() {}

    /**
     * How every Postgres connection is opened. Each execution is planned for its own values
     * (plan_cache_mode): a generic plan, fixed while the accounts table was still small, read all of
     * it to find each row of a first bulk import (20,000 rows took 20-42 s, 2-5 s once replanned).
     */
    public static PgConnectOptions options(KordonConfig.Pg pg) {
        return PgConnectOptions.fromUri(pg.url())
                .addProperty("plan_cache_mode", "force_custom_plan")
                // Postgres's side of pg.query-timeout: a slow statement is cancelled, its connection kept.
                .addProperty(
                        "statement_timeout", Long.toString(pg.queryTimeout().toMillis()));
    }

    /**
     * The accounts database's pool: pg.pool-size connections, a wait for one bounded by
     * pg.connect-timeout, and idle connections retired by the pool before the silence limit of
     * {@link #transport} could close one under a query just handed to it.
     */
    public static Pool pool(Vertx vertx, KordonConfig.Pg pg) {
        int idleMs = (int) Database.poolIdleLimit(pg.queryTimeout()).toMillis();
        return PgBuilder.pool()
                .with(new PoolOptions()
                        .setMaxSize(pg.poolSize())
                        .setMaxWaitQueueSize(pg.waitQueue())
                        .setConnectionTimeout((int) pg.connectTimeout().toMillis())
                        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                        .setIdleTimeout(idleMs)
                        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                        .setPoolCleanerPeriod(Math.max(1, idleMs / 2)))
                .with(transport(pg))
                .connectingTo(options(pg).setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(64))
                .using(vertx)
                .build();
    }

    /**
     * The transport of every Postgres connection: connecting bounded by pg.connect-timeout, and a
     * connection that hears nothing for a little past pg.query-timeout closed, so a hung server or a
     * partition frees its pool connection instead of keeping it until TCP gives up, hours later.
     */
    public static NetClientOptions transport(KordonConfig.Pg pg) {
        return new NetClientOptions()
                .setConnectTimeout(
                        (int) Math.min(Integer.MAX_VALUE, pg.connectTimeout().toMillis()))
                .setReadIdleTimeout(
                        (int) Database.connectionIdleLimit(pg.queryTimeout()).toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setTcpKeepAlive(true);
    }
}
