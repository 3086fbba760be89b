package dev.kordon.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What openapi.yaml must cover, as a rule: every route a port serves under {@link #API_PREFIXES}
 * is an operation of the spec, and every operation of the spec is served; {@code /admin/} on the
 * admin port, the rest on the public port.
 *
 * <p>Outside those prefixes the ports serve browsers (the pages, the console, {@code /static/}),
 * probes ({@code /health/}), Prometheus ({@code /metrics}), reverse proxies ({@code /auth/verify}
 * and Envoy's paths under it), dev mode and the portal proxy: each has its page in docs/, none is
 * part of the API contract. Where the spec describes one of them anyway ({@code /auth/verify},
 * the JWKS), it must be served as described.
 */
final class ApiRoutes {
    static final List<String> API_PREFIXES = List.of("/api/", "/admin/");
    static final String ADMIN = "/admin/";
    private static final Set<String> METHODS =
            Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    private ApiRoutes() {}

    /**
     * Every endpoint of the router as "METHOD /path/{param}": a route with an exact path. A prefix
     * route ({@code /api/*}) is a filter every endpoint under it passes, and a route without a path
     * a filter for all; neither answers on its own. A route for every method shows as "* /path",
     * which no operation of the spec matches. A route made from a regex (Envoy's paths under
     * /auth/verify/) has no path Vert.x lets us read, and is left out.
     */
    static Set<String> endpoints(Router router) {
        Set<String> out = new TreeSet<>();
        for (Route r : router.getRoutes()) {
            // A path with parameters counts as a regex path too; a route made from a regex has no path.
            if (r.getPath() == null || !r.isExactPath()) {
                continue;
            }
            String path = r.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
            // Vert.x answers null, not an empty set, for a route of every method.
            Set<HttpMethod> methods = r.methods() == null ? Set.of() : r.methods();
            if (methods.isEmpty()) {
                out.add("* " + path);
            }
            for (HttpMethod m : methods) {
                out.add(m.name() + " " + path);
            }
        }
        return out;
    }

    /** Every operation of the spec as "METHOD /path/{param}". */
    @SuppressWarnings("unchecked")
    static Set<String> operations(Map<String, Object> spec) {
        Set<String> out = new TreeSet<>();
        for (var path : ((Map<String, Object>) spec.get("paths")).entrySet()) {
            for (String key : ((Map<String, Object>) path.getValue()).keySet()) {
                if (METHODS.contains(key)) {
                    out.add(key.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return out;
    }

    /** What is served but not specified (under the API prefixes), and specified but not served, port by port. */
    static List<String> differences(Router publicPort, Router adminPort, Map<String, Object> spec) {
        Set<String> operations = operations(spec);
        List<String> out = new ArrayList<>();
        compare(
                "public",
                endpoints(publicPort),
                operations.stream().filter(o -> !path(o).startsWith(ADMIN)).toList(),
                out);
        compare(
                "admin",
                endpoints(adminPort),
                operations.stream().filter(o -> path(o).startsWith(ADMIN)).toList(),
                out);
        return out;
    }

    private static void compare(String port, Set<String> served, List<String> specified, List<String> out) {
        for (String e : served) {
            if (API_PREFIXES.stream().anyMatch(path(e)::startsWith) && !specified.contains(e)) {
                out.add(e + ": served on the " + port + " port, not in openapi.yaml for it");
            }
        }
        for (String o : specified) {
            if (!served.contains(o)) {
                out.add(o + ": in openapi.yaml, not served on the " + port + " port");
            }
        }
    }

    private static String path(String endpoint) {
        return endpoint.substring(endpoint.indexOf(' ') + 1);
    }
}
