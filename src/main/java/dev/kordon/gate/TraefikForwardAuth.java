package dev.kordon.gate;

import dev.kordon.server.Routes;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Traefik {@code ForwardAuth}: the original request is in X-Forwarded-Proto, -Host and -Uri, and
 * Traefik hands Kordon's answer to the browser as it is, so the redirect is a plain 302.
 */
final class TraefikForwardAuth implements ForwardAuth {
    @Override
    public boolean asks(RoutingContext ctx) {
        return ctx.request().headers().contains("X-Forwarded-Uri");
    }

    @Override
    public String original(RoutingContext ctx) {
        MultiMap h = ctx.request().headers();
        return ForwardAuth.url(
                Routes.firstForwarded(h.get("X-Forwarded-Proto")),
                Routes.firstForwarded(h.get("X-Forwarded-Host")),
                h.get("X-Forwarded-Uri"));
    }

    @Override
    public String path(RoutingContext ctx) {
        return ctx.request().headers().get("X-Forwarded-Uri");
    }

    @Override
    public int redirectStatus() {
        return 302;
    }
}
