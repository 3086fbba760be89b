package dev.kordon.server;

import dev.kordon.ops.Logging;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one line per request on the {@code kordon.access} logger, written when the
 * answer has gone (or the connection closed first). It names the route by its template, never the
 * path itself, so no login in a path, no query string, cookie or token ever reaches it.
 */
final class AccessLog {
    static final String LOGGER = "kordon.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    /** A connection closed before the answer was complete; nginx's word for the same. */
    static final int CLOSED = 499;
    /** Any path segment, in the place of a {@code :param} of a template. */
    private static final Pattern PARAM = Pattern.compile(":[A-Za-z0-9_]+");

    private final Router router;
    private final ClientIp clientIp;
    /** The router's named routes in order, made on the first request (all routes exist by then). */
    private volatile List<Template> templates;

    AccessLog(Router router, ClientIp clientIp) {
        this.router = router;
        this.clientIp = clientIp;
    }

    void write(RoutingContext ctx, boolean completed, String requestId, String traceId, long startNanos) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        var response = ctx.response();
        int status = completed ? response.getStatusCode() : CLOSED;
        String method = ctx.request().method().name();
        String route = route(ctx);
        long micros = (System.nanoTime() - startNanos) / 1000;
        // The fields as key-value pairs, each a field of its own in production's JSON; with the ids named
        // here, the log's queue has nothing to look up for this line (LogQueue).
        LOG.atInfo()
                .setMessage(method + " " + route + " " + status + " " + millis(micros) + " ms")
                .addKeyValue("method", method)
                .addKeyValue("route", route)
                .addKeyValue("status", status)
                .addKeyValue("bytes", response.bytesWritten())
                .addKeyValue("duration_ms", micros / 1000.0)
                .addKeyValue("client", clientIp.of(ctx))
                .addKeyValue(Logging.REQUEST_ID, requestId)
                .addKeyValue(Logging.TRACE_ID, traceId)
                .log();
    }

    /** Microseconds as milliseconds with three decimals, without String.format's cost per request. */
    static String millis(long micros) {
        long frac = micros % 1000;
        return micros / 1000 + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    /** The template of the route that served the request, or "-" when none of the router's did. */
    String route(RoutingContext ctx) {
        Route current = ctx.currentRoute();
        if (current != null && current.getName() != null) {
            return Template.display(current);
        }
        // A failure or an error handler answered: find the route the request was matched to.
        HttpMethod method = ctx.request().method();
        String path = ctx.normalizedPath();
        for (Template t : templates()) {
            if ((t.methods.isEmpty() || t.methods.contains(method)) && t.matches(path)) {
                return t.name;
            }
        }
        return "-";
    }

    private List<Template> templates() {
        List<Template> t = templates;
        if (t == null) {
            // A request's own route before the prefixes it also falls under (/api/v1/me before /api/*).
            List<Template> exact = new ArrayList<>();
            List<Template> prefixes = new ArrayList<>();
            for (Route r : router.getRoutes()) {
                if (r.getName() != null) {
                    (r.isExactPath() || r.isRegexPath() ? exact : prefixes).add(Template.of(r));
                }
            }
            exact.addAll(prefixes);
            t = List.copyOf(exact);
            templates = t;
        }
        return t;
    }

    private record Template(String name, Set<HttpMethod> methods, Pattern pattern) {
        /** A route as the log names it: its path template, with a * when it covers what lies below. */
        static String display(Route r) {
            if (r.isRegexPath() || r.getPath() == null) {
                return r.getName();
            }
            return r.isExactPath() ? r.getPath() : r.getPath() + "*";
        }

        static Template of(Route r) {
            String name = display(r);
            Set<HttpMethod> methods = r.methods() == null ? Set.of() : r.methods();
            if (r.isRegexPath()) {
                return new Template(name, methods, Pattern.compile(r.getName()));
            }
            if (r.getPath() == null) {
                // Named, but matching no path of its own (the portal proxy): only ever its current route.
                return new Template(name, methods, Pattern.compile("(?!)"));
            }
            String path = r.getPath();
            StringBuilder regex = new StringBuilder();
            Matcher m = PARAM.matcher(path);
            int at = 0;
            while (m.find()) {
                regex.append(Pattern.quote(path.substring(at, m.start()))).append("[^/]+");
                at = m.end();
            }
            regex.append(Pattern.quote(path.substring(at)));
            if (!r.isExactPath()) {
                regex.append(".*");
            }
            return new Template(name, methods, Pattern.compile(regex.toString()));
        }

        boolean matches(String path) {
            return path != null && pattern.matcher(path).matches();
        }
    }
}
