package dev.kordon.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/** What both ports share: a request id and access-log line for every request, the listening, the drain. */
abstract class PortVerticle extends VerticleBase {
    protected final Edge edge;
    private Connections connections;
    private Router served;

    PortVerticle(Edge edge) {
        this.edge = edge;
    }

    /** The port this instance listens on, once started: the one picked when the config says 0. */
    public int port() {
        return connections.port();
    }

    /** A router whose every request gets its id and, when configured, its access-log line. */
    protected Router router() {
        Router router = Router.router(vertx);
        router.route()
                .handler(new RequestIds(
                        edge.clientIp(), edge.config().log().access() ? new AccessLog(router, edge.clientIp()) : null));
        return router;
    }

    /** The router this instance serves, once started: the contract test compares its routes with openapi.yaml. */
    Router served() {
        return served;
    }

    protected Future<HttpServer> listen(Router router, HttpServerOptions options) {
        served = router;
        Routes.errors(router, edge.faults());
        connections = Connections.serve(
                vertx, vertx.createHttpServer(options), edge.config().http(), router);
        return connections.listen();
    }

    @Override
    public Future<?> stop() {
        // Finish what is in flight, refuse new work; SIGTERM lands here through Vertx.close().
        return connections == null
                ? Future.succeededFuture()
                : connections.shutdown(edge.config().http().shutdownGrace());
    }
}
