package dev.kordon.server;

import dev.kordon.ops.Metrics;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/**
 * The admin port, never exposed publicly: the admin API, the operator console, and /metrics for
 * Prometheus. What each path does is its part's.
 */
public final class AdminVerticle extends PortVerticle {
    /** The admin port's parts: the JSON API and the operator console's pages beside it. */
    public record Parts(Mount api, Mount console) {}

    private final Parts parts;
    private final Metrics metrics;
    private final int port;

    public AdminVerticle(Edge edge, Parts parts, Metrics metrics, int port) {
        super(edge);
        this.parts = parts;
        this.metrics = metrics;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        Router router = router();
        Routes.common(router, edge.readiness());
        // Here only: the outbox counters would tell the public which numbers have accounts.
        router.get("/metrics").handler(metrics.scrapeHandler());
        parts.api().on(router, vertx);
        parts.console().on(router, vertx);
        return listen(
                router,
                Connections.options(edge.config().http(), edge.config().admin().host(), port, false));
    }
}
