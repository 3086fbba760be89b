package dev.kordon.gate;

import dev.kordon.config.KordonConfig.Proxy.Route;
import dev.kordon.page.Cookies;
import dev.kordon.page.PageRoutes;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.server.ClientIp;
import dev.kordon.server.Edge;
import dev.kordon.server.Faults;
import dev.kordon.server.Mount;
import dev.kordon.server.Problems;
import dev.kordon.server.RequestIds;
import dev.kordon.server.Routes;
import dev.kordon.store.Outage;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portal behind Kordon itself (proxy.routes): each configured path prefix is served from its
 * upstream origin, to signed-in users only, asked exactly as {@code /auth/verify} asks. The
 * upstream gets Kordon's identity headers and never the client's own {@code X-Kordon-*}, nor
 * Kordon's credentials (its cookies, the bearer access token); hop-by-hop headers stay on their
 * hop, a WebSocket upgrade passes. Not signed in: a browser is sent to the sign-in page, which
 * brings it back; anything else gets 401. An upstream that cannot be reached is a 502, one that
 * stays silent past proxy.timeout a 504, both problem+json.
 */
public final class PortalProxy implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(PortalProxy.class);
    /** RFC 9110 §7.6.1: these concern one connection and never cross a proxy. */
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade");
    /** Connections to one upstream per event loop. */
    private static final int POOL = 64;

    private final List<Route> routes;
    private final HttpClient client;
    private final ClientIp clientIp;
    private final SignedIn signedIn;
    private final PageRoutes pages;
    private final long timeoutMs;
    private final long connectTimeoutMs;
    private final Faults faults;

    private PortalProxy(Vertx vertx, Edge edge, SignedIn signedIn, PageRoutes pages) {
        var proxy = edge.config().proxy();
        this.routes = proxy.routes();
        this.clientIp = edge.clientIp();
        this.faults = edge.faults();
        this.signedIn = signedIn;
        this.pages = pages;
        this.timeoutMs = proxy.timeout().toMillis();
        this.connectTimeoutMs = proxy.connectTimeout().toMillis();
        // Answers pass as the upstream sent them: no decompression, no redirects followed.
        this.client = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int)
                        Math.min(Integer.MAX_VALUE, connectTimeoutMs)),
                new PoolOptions().setHttp1MaxSize(POOL));
    }

    /** Serves the configured routes, after Kordon's own; with none configured nothing is mounted. */
    public static Mount routes(Edge edge, SignedIn signedIn, PageRoutes pages) {
        if (edge.config().proxy().routes().isEmpty()) {
            return Mount.NONE;
        }
        // One client (its connection pool) per event loop.
        return (router, vertx) ->
                router.route().setName("portal proxy").handler(new PortalProxy(vertx, edge, signedIn, pages));
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        Route route = routes.stream()
                .filter(r -> path.equals(r.prefix()) || path.startsWith(r.prefix() + "/"))
                .findFirst()
                .orElse(null);
        if (route == null) {
            ctx.next();
            return;
        }
        // Nothing of the body may be lost while the sign-in is checked.
        ctx.request().pause();
        signedIn.who(ctx).onComplete(ar -> {
            if (ar.succeeded()
                    && signedIn.stepUp().refused(ctx, ar.result(), ctx.request().uri(), back(ctx))) {
                ctx.request().resume();
            } else if (ar.succeeded()) {
                if ("100-continue".equalsIgnoreCase(ctx.request().getHeader("Expect"))) {
                    // Only now may the client send its body: one that is not signed in never uploads it.
                    ctx.response().writeContinue();
                }
                HttpProxy.reverseProxy(client)
                        .origin(pc -> pc.client()
                                .request(new RequestOptions()
                                        .setHost(route.host())
                                        .setPort(route.port())
                                        .setSsl(route.ssl())
                                        .setConnectTimeout(connectTimeoutMs)
                                        .setIdleTimeout(timeoutMs)))
                        .addInterceptor(new Exchange(ctx, route, ar.result()), true)
                        .handle(ctx.request());
            } else {
                refuse(ctx, ar.cause());
            }
        });
    }

    /** A browser's navigation (its Accept names HTML), which is shown pages rather than problem+json. */
    static boolean browser(RoutingContext ctx) {
        String accept = ctx.request().getHeader("Accept");
        return accept != null
                && accept.toLowerCase(Locale.ROOT).contains("text/html")
                && !ctx.request().canUpgradeToWebSocket();
    }

    /** Not signed in: a browser to the sign-in page (and back afterwards), anything else 401. */
    private void refuse(RoutingContext ctx, Throwable err) {
        ctx.request().resume();
        if (!(err instanceof FlowException fe && fe.failure() == Failure.UNAUTHORIZED)) {
            if (browser(ctx) && (!(err instanceof FlowException fe) || fe.failure().status >= 500)) {
                if (!(err instanceof FlowException) && !Outage.of(err)) {
                    faults.report(ctx, err);
                    pages.failurePage(ctx, Failure.INTERNAL);
                    return;
                }
                // Redis or Postgres out of reach: fail closed, and say so as a page.
                ctx.response().putHeader("Retry-After", "1");
                pages.failurePage(ctx, Failure.UNAVAILABLE);
                return;
            }
            ctx.fail(err);
            return;
        }
        if (browser(ctx)) {
            String back = back(ctx);
            String login = back == null ? "/login" : "/login?return=" + URLEncoder.encode(back, StandardCharsets.UTF_8);
            ctx.response()
                    .setStatusCode(302)
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Location", login)
                    .end();
            return;
        }
        // RFC 6750 §3: say which scheme, and that a token was there but no good.
        ctx.response()
                .putHeader(
                        "WWW-Authenticate",
                        Routes.bearer(ctx) == null
                                ? "Bearer realm=\"kordon\""
                                : "Bearer realm=\"kordon\", error=\"invalid_token\"");
        ctx.fail(err);
    }

    /** Where a sign-in would bring a browser back: this GET's URL, if a sign-in may return there; else null. */
    private String back(RoutingContext ctx) {
        String original = proto(ctx) + "://" + host(ctx) + ctx.request().uri();
        boolean get = ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.HEAD;
        return get && signedIn.allowedReturn(original) ? original : null;
    }

    private String peer(RoutingContext ctx) {
        return ctx.request().remoteAddress() == null
                ? "unknown"
                : ctx.request().remoteAddress().hostAddress();
    }

    /** What the client asked with: a trusted proxy's word, else this connection's. */
    private String proto(RoutingContext ctx) {
        String forwarded = clientIp.isTrusted(peer(ctx))
                ? Routes.firstForwarded(ctx.request().getHeader("X-Forwarded-Proto"))
                : null;
        return forwarded != null ? forwarded : ctx.request().isSSL() ? "https" : "http";
    }

    private String host(RoutingContext ctx) {
        String forwarded = clientIp.isTrusted(peer(ctx))
                ? Routes.firstForwarded(ctx.request().getHeader("X-Forwarded-Host"))
                : null;
        if (forwarded != null) {
            return forwarded;
        }
        String host = ctx.request().getHeader("Host");
        return host != null
                ? host
                : ctx.request().authority() == null
                        ? ""
                        : ctx.request().authority().toString();
    }

    /** Removes the hop-by-hop headers and those the Connection header names; a WebSocket upgrade keeps its two. */
    private static void hopByHop(MultiMap headers, boolean upgrade) {
        Set<String> drop = new java.util.HashSet<>(HOP_BY_HOP);
        for (String value : headers.getAll("Connection")) {
            for (String name : value.split(",")) {
                drop.add(name.trim().toLowerCase(Locale.ROOT));
            }
        }
        if (upgrade) {
            drop.remove("connection");
            drop.remove("upgrade");
        }
        for (String name : new ArrayList<>(headers.names())) {
            String n = name.toLowerCase(Locale.ROOT);
            if (drop.contains(n) || n.startsWith("proxy-")) {
                headers.remove(name);
            }
        }
    }

    /** One request's way to the upstream and back. */
    private final class Exchange implements ProxyInterceptor {
        private final RoutingContext ctx;
        private final Route route;
        private final JsonObject claims;
        private Failure failure;

        Exchange(RoutingContext ctx, Route route, JsonObject claims) {
            this.ctx = ctx;
            this.route = route;
            this.claims = claims;
        }

        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext pc) {
            String query = ctx.request().query();
            // The path as Kordon matched it (dot segments resolved), so nothing outside the prefix is reached.
            pc.request().setURI(ctx.normalizedPath() + (query == null ? "" : "?" + query));
            MultiMap h = pc.request().headers();
            hopByHop(h, pc.isWebSocket());
            for (String name : new ArrayList<>(h.names())) {
                if (SignedIn.isKordonHeader(name)) {
                    h.remove(name);
                }
            }
            SignedIn.identify(claims, h);
            if (Routes.bearer(ctx) != null) {
                // It is the token just verified: Kordon's credential, which the portal has no use for.
                h.remove("Authorization");
            }
            List<String> cookies = new ArrayList<>();
            for (String header : h.getAll("Cookie")) {
                for (String cookie : header.split(";")) {
                    String c = cookie.trim();
                    if (!c.isEmpty() && !Cookies.isKordons(c.split("=", 2)[0])) {
                        cookies.add(c);
                    }
                }
            }
            h.remove("Cookie");
            if (!cookies.isEmpty()) {
                h.set("Cookie", String.join("; ", cookies));
            }
            String peer = peer(ctx);
            String chain = h.get("X-Forwarded-For");
            h.set(
                    "X-Forwarded-For",
                    clientIp.isTrusted(peer) && chain != null && !chain.isBlank() ? chain + ", " + peer : peer);
            h.set("X-Forwarded-Proto", proto(ctx));
            h.set("X-Forwarded-Host", host(ctx));
            h.remove("Forwarded");
            // Answered here already (or refused with the 401): the body is on its way.
            h.remove("Expect");
            h.set(RequestIds.HEADER, ctx.response().headers().get(RequestIds.HEADER));
            h.set("traceparent", ctx.<String>get(RequestIds.TRACEPARENT));
            return pc.sendRequest().recover(err -> {
                boolean late = err instanceof java.util.concurrent.TimeoutException
                        || err instanceof io.netty.channel.ConnectTimeoutException;
                failure = late ? Failure.GATEWAY_TIMEOUT : Failure.BAD_GATEWAY;
                LOG.warn("portal " + route.prefix() + " at " + route.origin() + " "
                        + (late ? "did not answer in time" : "failed")
                        + ": " + ctx.request().method() + " " + ctx.normalizedPath() + ": "
                        + err.getClass().getName() + ": "
                        + err.getMessage());
                ProxyResponse none = pc.request().release().response();
                if (browser(ctx)) {
                    pages.failurePage(ctx, failure);
                } else {
                    Problems.send(ctx, failure);
                }
                return Future.succeededFuture(none);
            });
        }

        @Override
        public Future<Void> handleProxyResponse(ProxyContext pc) {
            if (failure != null) {
                // The problem is answered already.
                return Future.succeededFuture();
            }
            ProxyResponse response = pc.response();
            MultiMap h = response.headers();
            hopByHop(h, pc.isWebSocket() && response.getStatusCode() == 101);
            // Kordon's cookies are Kordon's to set: a portal can neither plant nor clear a session.
            List<String> setCookies = h.getAll("Set-Cookie").stream()
                    .filter(c -> !Cookies.isKordons(c.split("=", 2)[0]))
                    .toList();
            h.remove("Set-Cookie");
            setCookies.forEach(c -> h.add("Set-Cookie", c));
            h.remove(RequestIds.HEADER);
            String location = h.get("Location");
            if (location != null) {
                h.set("Location", local(location));
            }
            // The portal's own headers win over Kordon's page defaults (its Content-Security-Policy, say).
            for (String name : h.names()) {
                ctx.response().headers().remove(name);
            }
            return pc.sendResponse();
        }

        /** A redirect to the upstream's own origin becomes one to the same path here. */
        private String local(String location) {
            String defaultPort = ":" + (route.ssl() ? 443 : 80);
            String origin = route.origin();
            for (String o : List.of(
                    origin,
                    origin.endsWith(defaultPort)
                            ? origin.substring(0, origin.length() - defaultPort.length())
                            : origin)) {
                if (location.equals(o) || location.startsWith(o + "/") || location.startsWith(o + "?")) {
                    String rest = location.substring(o.length());
                    return rest.startsWith("/") ? rest : "/" + rest;
                }
            }
            return location;
        }
    }
}
