package dev.kordon.gate;

import io.vertx.ext.web.RoutingContext;

/**
 * nginx {@code auth_request}: the original URL comes as X-Original-URL (the documented snippet sets
 * it). auth_request understands only 2xx, 401 and 403, so the redirect travels as a 401 carrying
 * the Location, which nginx's {@code error_page} turns into the redirect.
 */
final class NginxAuthRequest implements ForwardAuth {
    @Override
    public boolean asks(RoutingContext ctx) {
        return ctx.request().headers().contains("X-Original-URL");
    }

    @Override
    public String original(RoutingContext ctx) {
        return ctx.request().headers().get("X-Original-URL");
    }

    @Override
    public int redirectStatus() {
        return 401;
    }
}
