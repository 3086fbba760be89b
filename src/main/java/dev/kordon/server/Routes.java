package dev.kordon.server;

import dev.kordon.problem.Failure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;

/** Pieces both ports use: health, JSON answers, bearer extraction, the problem+json error mapping. */
public final class Routes {
    private Routes() {}

    public static void common(Router router, Readiness readiness) {
        router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
        router.get("/health/ready").handler(ctx -> ready(ctx, readiness));
    }

    /**
     * What every page answer carries, on either port: no framing, no sniffing, no referrer, scripts
     * and styles only from here, no inline ones; HSTS when cookies are Secure (Kordon behind TLS).
     * Names and values are encoded once, here: a plain String header is hashed, checked and copied
     * character by character on every answer.
     */
    public static Handler<RoutingContext> securityHeaders(boolean secureCookies) {
        return headers(secureCookies, CSP_VALUE);
    }

    /**
     * The public port's: the same, but forms may lead off this origin. Chromium holds every redirect
     * after a form is sent to {@code form-action}, and a sign-in's form ends, by redirects, at
     * portal.url, a return origin or an OpenID client's redirect URI, each on an origin of its own.
     */
    public static Handler<RoutingContext> publicSecurityHeaders(boolean secureCookies) {
        return headers(secureCookies, PUBLIC_CSP_VALUE);
    }

    private static Handler<RoutingContext> headers(boolean secureCookies, CharSequence csp) {
        return ctx -> {
            var h = ctx.response().headers();
            h.set(CSP, csp);
            h.set(NOSNIFF, NOSNIFF_VALUE);
            h.set(REFERRER, REFERRER_VALUE);
            h.set(FRAME, FRAME_VALUE);
            if (secureCookies) {
                // Secure cookies mean Kordon is served over TLS (itself or behind the ingress).
                h.set(HSTS, HSTS_VALUE);
            }
            ctx.next();
        };
    }

    private static final CharSequence CSP = HttpHeaders.createOptimized("Content-Security-Policy");
    private static final String PUBLIC_CSP = "default-src 'self'; script-src 'self'; "
            + "style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
    private static final CharSequence PUBLIC_CSP_VALUE = HttpHeaders.createOptimized(PUBLIC_CSP);
    private static final CharSequence CSP_VALUE = HttpHeaders.createOptimized(PUBLIC_CSP + "; form-action 'self'");
    private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("X-Content-Type-Options");
    private static final CharSequence NOSNIFF_VALUE = HttpHeaders.createOptimized("nosniff");
    private static final CharSequence REFERRER = HttpHeaders.createOptimized("Referrer-Policy");
    private static final CharSequence REFERRER_VALUE = HttpHeaders.createOptimized("no-referrer");
    private static final CharSequence FRAME = HttpHeaders.createOptimized("X-Frame-Options");
    private static final CharSequence FRAME_VALUE = HttpHeaders.createOptimized("DENY");
    private static final CharSequence HSTS = HttpHeaders.createOptimized("Strict-Transport-Security");
    private static final CharSequence HSTS_VALUE = HttpHeaders.createOptimized("max-age=31536000; includeSubDomains");
    /** {@code Cache-Control: no-store}, encoded once. */
    public static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");

    public static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

    public static void errors(Router router, Faults faults) {
        router.route().failureHandler(ctx -> Problems.handleFailure(ctx, faults));
        router.errorHandler(404, ctx -> Problems.send(ctx, Failure.NOT_FOUND));
        router.errorHandler(405, ctx -> Problems.send(ctx, Problems.HttpFailure.METHOD_NOT_ALLOWED));
        router.errorHandler(413, ctx -> Problems.send(ctx, Problems.HttpFailure.PAYLOAD_TOO_LARGE));
        router.errorHandler(415, ctx -> Problems.send(ctx, Problems.HttpFailure.UNSUPPORTED_MEDIA_TYPE));
        router.errorHandler(500, ctx -> Problems.handleFailure(ctx, faults));
    }

    /**
     * Ready while not draining and Redis answers: every request needs Redis, so a pod without it
     * serves nothing. Postgres is reported but does not decide: when it is out it is out for every
     * pod alike, and keeping them in the Services keeps token checks, which never read it, answering
     * while sign-ins say 503 themselves.
     */
    private static void ready(RoutingContext ctx, Readiness readiness) {
        if (readiness.drain().draining()) {
            json(ctx, 503, new JsonObject().put("status", "DRAINING"));
            return;
        }
        Future<Void> pg =
                readiness.pg().query("SELECT 1").execute().<Void>mapEmpty().timeout(2, TimeUnit.SECONDS);
        Future<Void> redis = readiness.redis().ping().timeout(2, TimeUnit.SECONDS);
        Future.join(pg, redis).onComplete(ar -> {
            JsonObject checks = new JsonObject()
                    .put("postgres", pg.succeeded() ? "UP" : "DOWN")
                    .put("redis", redis.succeeded() ? "UP" : "DOWN");
            boolean up = redis.succeeded();
            json(
                    ctx,
                    up ? 200 : 503,
                    new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks));
        });
    }

    /** The first of a comma-separated list of proxies' values (X-Forwarded-*), or null. */
    public static String firstForwarded(String value) {
        if (value == null) {
            return null;
        }
        String v = value.split(",", 2)[0].trim();
        return v.isEmpty() ? null : v;
    }

    public static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(body.encode());
    }

    public static void noStore(RoutingContext ctx) {
        ctx.response().putHeader("Cache-Control", "no-store");
        ctx.next();
    }

    /** POST bodies must be JSON; anything else is refused before it is read. */
    public static void requireJson(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        boolean json = type != null
                && type.toLowerCase(java.util.Locale.ROOT).split(";")[0].trim().equals("application/json");
        boolean empty = type == null
                && (ctx.body().buffer() == null || ctx.body().buffer().length() == 0);
        if (!json && !empty) {
            ctx.fail(415);
            return;
        }
        ctx.next();
    }

    /** The token of an {@code Authorization: Bearer} header, or null. */
    public static String bearer(RoutingContext ctx) {
        String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (auth == null || auth.length() < 8 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return auth.substring(7).trim();
    }
}
