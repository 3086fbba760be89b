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

    private final String own;

    public ReturnUrl(String portalUrl, List<String> origins) {
        this(portalUrl, origins, null);
    }

    private ReturnUrl(String portalUrl, List<String> origins, String own) {
        this.portalUrl = portalUrl;
        this.origins = origins;
        this.own = own;
    }

    /**
     * Also Kordon's own origin (that of {@code issuer}): a sign-in asked for by Kordon's OpenID
     * Connect authorization returns there to finish it.
     */
    static ReturnUrl withOwnOrigin(String portalUrl, List<String> origins, String issuer) {
        String own = origin(issuer);
        if (own == null) {
            return new ReturnUrl(portalUrl, origins);
        }
        List<String> all = new java.util.ArrayList<>(origins);
        all.add(own);
        return new ReturnUrl(portalUrl, List.copyOf(all), own);
    }

    /** Whether {@code url} leads back into Kordon itself. */
    boolean isOwn(String url) {
        return own != null && !url.isEmpty() && own.equals(origin(url));
    }

    /** The language and the allowed return URL as a query string ("?lang=en&return=..."), or "". */
    String carried(RoutingContext ctx) {
        String r = requested(ctx);
        String lang = PageModel.langQuery(ctx);
        if (r.isEmpty()) {
            return lang;
        }
        return (lang.isEmpty() ? "?" : lang + "&") + "return=" + URLEncoder.encode(r, StandardCharsets.UTF_8);
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
