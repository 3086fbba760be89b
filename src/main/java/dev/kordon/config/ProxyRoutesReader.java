package dev.kordon.config;

import dev.kordon.config.KordonConfig.Proxy;
import dev.kordon.config.KordonConfig.Proxy.Route;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code proxy.*}: the portal routes Kordon serves itself to signed-in users, read and checked; and
 * {@code edge.aal2-prefixes}, the portal paths that need a second step, whether Kordon or another
 * proxy stands in front.
 */
final class ProxyRoutesReader {
    private static final java.util.regex.Pattern PREFIX = java.util.regex.Pattern.compile("(/[A-Za-z0-9._~-]+)+");
    private static final String EXPECTED_ROUTES = "prefix=URL entries such as /portal=http://portal:3000: the prefix a "
            + "path of its own (not /, not starting with any of " + Proxy.RESERVED
            + ", not above one), the URL an http(s) "
            + "origin without path, query or credentials";

    private ProxyRoutesReader() {}

    static Proxy proxy(ConfigTree c) {
        List<Route> routes = new ArrayList<>();
        for (String entry : c.list("proxy.routes")) {
            String[] parts = entry.split("=", 2);
            String prefix = parts[0].trim();
            while (prefix.length() > 1 && prefix.endsWith("/")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            Route route = parts.length == 2 && allowedPrefix(prefix) ? route(prefix, parts[1].trim()) : null;
            String p = prefix;
            if (route == null || routes.stream().anyMatch(r -> r.prefix().equals(p))) {
                throw c.error("proxy.routes", EXPECTED_ROUTES + ", each prefix once");
            }
            routes.add(route);
        }
        // The longest prefix first: /portal/admin is asked before /portal.
        routes.sort(java.util.Comparator.comparingInt((Route r) -> r.prefix().length())
                .reversed());
        return new Proxy(
                List.copyOf(routes),
                c.positiveDuration("proxy.timeout"),
                c.positiveDuration("proxy.connect-timeout"),
                aal2Prefixes(c));
    }

    /** {@code edge.aal2-prefixes}: plain paths ({@code /} for all), a trailing slash dropped, no dot segments. */
    private static List<String> aal2Prefixes(ConfigTree c) {
        List<String> prefixes = new ArrayList<>();
        for (String entry : c.list("edge.aal2-prefixes")) {
            String prefix = entry.trim();
            while (prefix.length() > 1 && prefix.endsWith("/")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            if (!prefix.equals("/") && !plainPath(prefix)) {
                throw c.error(
                        "edge.aal2-prefixes", "path prefixes such as /admin: letters, digits and ._~- between slashes");
            }
            prefixes.add(prefix);
        }
        return List.copyOf(prefixes);
    }

    private static boolean plainPath(String prefix) {
        return PREFIX.matcher(prefix).matches()
                && !prefix.contains("/./")
                && !prefix.contains("/../")
                && !prefix.endsWith("/.")
                && !prefix.endsWith("/..");
    }

    static boolean allowedPrefix(String prefix) {
        if (!plainPath(prefix)) {
            return false;
        }
        for (String own : Proxy.RESERVED) {
            // Matched as text: Kordon routes /login* too, so /loginfo would reach its form handling first.
            if (prefix.startsWith(own) || own.startsWith(prefix + "/")) {
                return false;
            }
        }
        return true;
    }

    private static Route route(String prefix, String url) {
        try {
            java.net.URI u = new java.net.URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            if (!(scheme.equals("http") || scheme.equals("https"))
                    || u.getHost() == null
                    || u.getRawUserInfo() != null
                    || u.getRawQuery() != null
                    || u.getRawFragment() != null
                    || !(path.isEmpty() || path.equals("/"))) {
                return null;
            }
            String host = u.getHost().startsWith("[")
                    ? u.getHost().substring(1, u.getHost().length() - 1)
                    : u.getHost();
            int port = u.getPort() != -1 ? u.getPort() : scheme.equals("https") ? 443 : 80;
            return port > 65535 ? null : new Route(prefix, scheme, host, port);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
