package dev.kordon.oauth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Parameters added to a client's redirect URI (RFC 6749 4.1.2): in its query component, in the
 * application/x-www-form-urlencoded format, the query it was registered with kept (3.1.2).
 */
public final class RedirectUrls {
    private RedirectUrls() {}

    /** {@code uri} with the parameters of non-null value appended, in the map's order. */
    public static String append(String uri, Map<String, String> params) {
        // A registered URI has no fragment (RFC 6749 3.1.2); should one slip through, the query
        // still goes before it, where the client's server can read it.
        int hash = uri.indexOf('#');
        String base = hash < 0 ? uri : uri.substring(0, hash);
        String fragment = hash < 0 ? "" : uri.substring(hash);
        StringBuilder sb = new StringBuilder(base);
        char join = base.indexOf('?') < 0 ? '?' : base.endsWith("?") || base.endsWith("&") ? 0 : '&';
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (p.getValue() == null) {
                continue;
            }
            if (join != 0) {
                sb.append(join);
            }
            sb.append(encode(p.getKey())).append('=').append(encode(p.getValue()));
            join = '&';
        }
        return sb.append(fragment).toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
