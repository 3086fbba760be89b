package dev.kordon.gate;

import dev.kordon.server.Routes;
import io.vertx.ext.web.RoutingContext;

/**
 * Envoy {@code ext_authz} (HTTP service): it asks at its path prefix followed by the original path,
 * with the original method and Host, and hands Kordon's answer to the browser, so a plain 302.
 */
final class EnvoyExtAuthz implements ForwardAuth {
    @Override
    public boolean asks(RoutingContext ctx) {
        return ctx.request().path().startsWith(VerifyRoutes.VERIFY + "/");
    }

    @Override
    public String original(RoutingContext ctx) {
        var h = ctx.request().headers();
        return ForwardAuth.url(
                Routes.firstForwarded(h.get("X-Forwarded-Proto")),
                h.get("Host"),
                ctx.request().uri().substring(VerifyRoutes.VERIFY.length()));
    }

    @Override
    public String path(RoutingContext ctx) {
        return ctx.request().uri().substring(VerifyRoutes.VERIFY.length());
    }

    @Override
    public int redirectStatus() {
        return 302;
    }
}
