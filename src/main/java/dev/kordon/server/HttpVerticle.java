package dev.kordon.server;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/**
 * The public port: JSON API, pages, JWKS, {@code /auth/verify} for reverse proxies, health. One
 * instance per event loop; all of them share the port. What each path does is its part's.
 */
public final class HttpVerticle extends PortVerticle {
    /**
     * The port's parts, in the order a request walks them: {@code verify} first, as proxies ask it on
     * every request they pass; {@code extra} is dev mode's pages ({@link Mount#NONE} elsewhere);
     * {@code portal} last, as it takes every path the others left.
     */
    public record Parts(Mount verify, Mount pages, Mount api, Mount extra, Mount portal) {}

    private final Parts parts;
    private final int port;

    public HttpVerticle(Edge edge, Parts parts, int port) {
        super(edge);
        this.parts = parts;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        Router router = router();
        // What every answer carries: no framing, no sniffing, no referrer, scripts only from here.
        router.route().handler(Routes.publicSecurityHeaders(edge.config().cookieSecure()));
        router.route().handler(ctx -> {
            if (edge.readiness().drain().draining()) {
                ctx.response().putHeader("Connection", "close");
            }
            ctx.next();
        });
        parts.verify().on(router, vertx);
        Routes.common(router, edge.readiness());
        parts.pages().on(router, vertx);
        parts.api().on(router, vertx);
        parts.extra().on(router, vertx);
        parts.portal().on(router, vertx);
        var http = edge.config().http();
        return listen(
                router,
                Connections.options(http, http.host(), port, http.h2c())
                        .setCompressionSupported(true)
                        .setMaxFormAttributeSize(http.bodyLimit()));
    }
}
