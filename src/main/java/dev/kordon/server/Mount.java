package dev.kordon.server;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * A part of a port's routes, put on the router of every verticle instance: what a part keeps per
 * event loop (a pacer, a validator) it makes here, once per instance.
 */
@FunctionalInterface
public interface Mount {
    Mount NONE = (router, vertx) -> {};

    void on(Router router, Vertx vertx);

    /** This part's routes, then {@code next}'s, on the same router. */
    default Mount then(Mount next) {
        return (router, vertx) -> {
            on(router, vertx);
            next.on(router, vertx);
        };
    }
}
