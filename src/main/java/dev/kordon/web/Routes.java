package dev.kordon.web;

import dev.kordon.problem.Failure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
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
   */
  public static Handler<RoutingContext> securityHeaders(boolean secureCookies) {
    return ctx -> {
      var h = ctx.response().headers();
      h.set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
      h.set("X-Content-Type-Options", "nosniff");
      h.set("Referrer-Policy", "no-referrer");
      h.set("X-Frame-Options", "DENY");
      if (secureCookies) {
        // Secure cookies mean Kordon is served over TLS (itself or behind the ingress).
        h.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
      }
      ctx.next();
    };
  }

  public static void errors(Router router) {
    router.route().failureHandler(Problems::handleFailure);
    router.errorHandler(404, ctx -> Problems.send(ctx, Failure.NOT_FOUND));
    router.errorHandler(405, ctx -> Problems.send(ctx, Problems.HttpFailure.METHOD_NOT_ALLOWED));
    router.errorHandler(413, ctx -> Problems.send(ctx, Problems.HttpFailure.PAYLOAD_TOO_LARGE));
    router.errorHandler(415, ctx -> Problems.send(ctx, Problems.HttpFailure.UNSUPPORTED_MEDIA_TYPE));
    router.errorHandler(500, Problems::handleFailure);
  }

  private static void ready(RoutingContext ctx, Readiness readiness) {
    if (readiness.drain().draining()) {
      json(ctx, 503, new JsonObject().put("status", "DRAINING"));
      return;
    }
    Future<Void> pg = readiness.pg().query("SELECT 1").execute().<Void>mapEmpty().timeout(2, TimeUnit.SECONDS);
    Future<Void> redis = readiness.redis().ping().timeout(2, TimeUnit.SECONDS);
    Future.join(pg, redis).onComplete(ar -> {
      JsonObject checks = new JsonObject()
          .put("postgres", pg.succeeded() ? "UP" : "DOWN")
          .put("redis", redis.succeeded() ? "UP" : "DOWN");
      boolean up = pg.succeeded() && redis.succeeded();
      json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks));
    });
  }

  /** The first of a comma-separated list of proxies' values (X-Forwarded-*), or null. */
  static String firstForwarded(String value) {
    if (value == null) {
      return null;
    }
    String v = value.split(",", 2)[0].trim();
    return v.isEmpty() ? null : v;
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
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
    boolean json = type != null && type.toLowerCase(java.util.Locale.ROOT).split(";")[0].trim().equals("application/json");
    boolean empty = type == null && (ctx.body().buffer() == null || ctx.body().buffer().length() == 0);
    if (!json && !empty) {
      ctx.fail(415);
      return;
    }
    ctx.next();
  }

  /** The token of an {@code Authorization: Bearer} header, or null. */
  public static String bearer(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth == null || auth.length() < 8 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return auth.substring(7).trim();
  }
}
