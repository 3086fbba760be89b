package dev.kordon.page;

import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Where a page may send the browser after a sign-in, and no open redirect: a return URL must be an
 * absolute http(s) URL on the portal's origin or a configured one. Relative paths,
 * scheme-relative "//host" and anything unparsable are refused; the portal is where it leads then.
 */
public final class ReturnUrl {
    private final String portalUrl;
    private final List<String> origins;

    public ReturnUrl(String portalUrl, List<String> origins) {
        this.portalUrl = portalUrl;
        this.origins = origins;
    }

    /** The requested return URL if it is allowed, else "". */
    String requested(RoutingContext ctx) {
        String r = ctx.request().getFormAttribute("return");
        if (r == null) {
            r = ctx.queryParams().get("return");
        }
        return r != null && allowed(r) ? r : "";
    }

    /** The allowed return URL as a further query parameter, for a redirect that keeps it; else "". */
    String param(RoutingContext ctx) {
        String r = requested(ctx);
        return r.isEmpty() ? "" : "&return=" + URLEncoder.encode(r, StandardCharsets.UTF_8);
    }

    /** Where a sign-in leads: the allowed return URL, else the portal. */
    String target(RoutingContext ctx) {
        String r = requested(ctx);
        return r.isEmpty() ? portalUrl : r;
    }

    boolean allowed(String url) {
        if (url.length() > 2048) {
            return false;
        }
        String origin = origin(url);
        return origin != null && (origin.equals(origin(portalUrl)) || origins.contains(origin));
    }

    public static String origin(String url) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme();
            if (scheme == null
                    || !(scheme.equals("https") || scheme.equals("http"))
                    || u.getHost() == null
                    || u.getRawUserInfo() != null) {
                return null;
            }
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (u.getPort() == -1 ? "" : ":" + u.getPort());
        } catch (Exception e) {
            return null;
        }
    }
}
