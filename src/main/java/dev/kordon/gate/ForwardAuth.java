package dev.kordon.gate;

import io.vertx.ext.web.RoutingContext;

/**
 * One proxy's way of asking {@code /auth/verify}: how it tells Kordon where the browser was going,
 * and which answer makes it send the browser to the sign-in page.
 */
interface ForwardAuth {
    /** Whether this request comes from this kind of proxy. */
    boolean asks(RoutingContext ctx);

    /** The URL the browser asked the proxy for; null when the proxy sent too little to tell. */
    String original(RoutingContext ctx);

    /** The path (and query) the browser asked for, as it sent it; null when the proxy did not say. */
    default String path(RoutingContext ctx) {
        String url = original(ctx);
        int authority = url == null ? -1 : url.indexOf("://");
        int slash = authority < 0 ? -1 : url.indexOf('/', authority + 3);
        return slash < 0 ? null : url.substring(slash);
    }

    /** The status that carries the sign-in page's Location back through this proxy. */
    int redirectStatus();

    /** {@code scheme://host + uri} from forwarded parts; null when the host or a path is missing. */
    static String url(String proto, String host, String uri) {
        if (host == null || uri == null || !uri.startsWith("/")) {
            return null;
        }
        return (proto == null ? "http" : proto) + "://" + host + uri;
    }
}
