package dev.kordon.web;

import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.flow.Flows;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The public port: JSON API, JWKS, {@code /auth/verify} for reverse proxies, health. One instance
 * per event loop; all of them share the port.
 */
public final class HttpVerticle extends VerticleBase {
  private static final String VERIFY = "/auth/verify";
  private static final String PASSWORD_LOGIN = "/api/v1/login/password";
  private static final CharSequence TRACEPARENT = HttpHeaders.createOptimized("traceparent");
  private final Edge edge;
  private final Flows flows;
  private final PageRoutes pages;
  private final SignedIn signedIn;
  private final Consumer<Router> devRoutes;
  private final int port;
  private Connections connections;

  /** The port this instance listens on, once started: the one picked when the config says 0. */
  public int port() {
    return connections.port();
  }
  private ShedPacer pacer;

  /** {@code devRoutes}: dev mode's extra pages, null everywhere else. */
  public HttpVerticle(Edge edge, Flows flows, PageRoutes pages, Consumer<Router> devRoutes, int port) {
    this.edge = edge;
    this.flows = flows;
    this.pages = pages;
    this.signedIn = new SignedIn(flows, pages);
    this.devRoutes = devRoutes;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    pacer = new ShedPacer(vertx, (double) edge.config().hash().shedRate() / edge.config().httpInstances());
    router.route().handler(new RequestIds(edge.clientIp(),
        edge.config().log().access() ? new AccessLog(router, edge.clientIp()) : null));
    // What every answer carries: no framing, no sniffing, no referrer, scripts only from here.
    router.route().handler(Routes.securityHeaders(edge.config().cookieSecure()));
    router.route().handler(ctx -> {
      if (edge.readiness().drain().draining()) {
        ctx.response().putHeader("Connection", "close");
      }
      ctx.next();
    });
    // First after what every answer needs: proxies ask this on every request they pass, and a
    // request walks the routes in order until one matches.
    router.get(VERIFY).handler(this::verify);
    // Envoy's ext_authz asks at its path prefix followed by the original path, with the original method.
    router.routeWithRegex(VERIFY + "/.*").handler(this::verify);
    Routes.common(router, edge.readiness());
    pages.mount(router);
    router.route("/static/*").handler(StaticHandler.create("static").setCachingEnabled(true).setMaxAgeSeconds(3600)
        .setDirectoryListing(false));

    // Under a storm a sign-in that could not be hashed in time is refused here, before its body is
    // read, parsed or validated: a refusal must cost the event loop next to nothing.
    router.post(PASSWORD_LOGIN).handler(this::shedEarly);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(edge.config().http().bodyLimit()));
    router.route("/api/*").handler(Routes::noStore);
    router.post("/api/*").handler(Routes::requireJson);
    router.route("/api/*").handler(new ApiValidation(vertx, edge.contract())::handle);
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8")
        .sendFile("openapi.yaml"));
    router.post(PASSWORD_LOGIN).handler(this::passwordLogin);
    router.post("/api/v1/login/sms-code").handler(this::smsCode);
    router.post("/api/v1/login/sms").handler(this::smsLogin);
    router.post("/api/v1/password/recovery").handler(this::recovery);
    router.post("/api/v1/password/change").handler(this::passwordChange);
    router.post("/api/v1/token/refresh").handler(this::refresh);
    router.post("/api/v1/logout").handler(this::logout);
    router.get("/api/v1/me").handler(this::me);
    router.get("/.well-known/jwks.json").handler(this::jwks);
    if (devRoutes != null) {
      devRoutes.accept(router);
    }
    PortalProxy.mount(router, vertx, edge, signedIn, pages);
    Routes.errors(router, edge.faults());

    var http = edge.config().http();
    HttpServer server = vertx.createHttpServer(Connections.options(http, http.host(), port, http.h2c())
        .setCompressionSupported(true).setMaxFormAttributeSize(http.bodyLimit()));
    connections = Connections.serve(vertx, server, http, router);
    return connections.listen();
  }

  private void shedEarly(RoutingContext ctx) {
    FlowException shed = flows.passwordLogin().shedNow();
    if (shed == null) {
      ctx.next();
      return;
    }
    pacer.answer(() -> {
      if (!ctx.response().closed()) {
        Problems.send(ctx, shed.failure(), shed.fields(), shed.retryAfter(), null);
      }
    });
  }

  private void passwordLogin(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String category = body.string("category");
    String login = body.string("login");
    String password = body.string("password");
    body.check();
    flows.passwordLogin().login(category, login, password, edge.clientIp().of(ctx))
        .onSuccess(pair -> Routes.json(ctx, 200, pair.toJson()))
        .onFailure(ctx::fail);
  }

  private void smsCode(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String category = body.string("category");
    String login = body.string("login");
    body.check();
    flows.smsLogin().sendCode(category, login, edge.clientIp().of(ctx))
        .onSuccess(json -> Routes.json(ctx, 202, json))
        .onFailure(ctx::fail);
  }

  private void smsLogin(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String category = body.string("category");
    String login = body.string("login");
    String code = body.string("code");
    body.check();
    flows.smsLogin().login(category, login, code, edge.clientIp().of(ctx))
        .onSuccess(pair -> Routes.json(ctx, 200, pair.toJson()))
        .onFailure(ctx::fail);
  }

  private void recovery(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String category = body.string("category");
    String login = body.string("login");
    String channel = body.string("channel");
    body.check();
    flows.recovery().request(category, login, channel, edge.clientIp().of(ctx))
        .onSuccess(json -> Routes.json(ctx, 202, json))
        .onFailure(ctx::fail);
  }

  private void passwordChange(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String current = body.string("current_password");
    String next = body.string("new_password");
    String confirm = body.string("confirm_password");
    body.check();
    flows.passwordChange().change(Routes.bearer(ctx), current, next, confirm, edge.clientIp().of(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void refresh(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String token = body.string("refresh_token");
    body.check();
    flows.sessions().refresh(token)
        .onSuccess(pair -> Routes.json(ctx, 200, pair.toJson()))
        .onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    flows.sessions().logout(Routes.bearer(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void me(RoutingContext ctx) {
    flows.sessions().me(Routes.bearer(ctx))
        .onSuccess(json -> Routes.json(ctx, 200, json))
        .onFailure(ctx::fail);
  }

  /**
   * For nginx auth_request, Traefik ForwardAuth, Envoy ext_authz: 200 with identity headers, else
   * 401 (or, for a browser, the way to the sign-in page).
   */
  private void verify(RoutingContext ctx) {
    signedIn.who(ctx)
        .onSuccess(claims -> {
          SignedIn.identify(claims, ctx.response().headers());
          ctx.response().putHeader(Routes.CACHE_CONTROL, Routes.NO_STORE)
              // The proxy hands this on to the portal, so the portal's spans join the caller's trace.
              .putHeader(TRACEPARENT, ctx.<String>get(RequestIds.TRACEPARENT))
              .setStatusCode(200).end();
        })
        .onFailure(err -> {
          if (!(err instanceof FlowException fe && fe.failure() == Failure.UNAUTHORIZED && signInRedirect(ctx))) {
            ctx.fail(err);
          }
        });
  }

  /**
   * A browser that is not signed in is sent to the sign-in page, which brings it back afterwards.
   * The original URL comes from nginx's X-Original-URL, Traefik's X-Forwarded-Proto/Host/Uri or
   * Envoy's path suffix with Host. nginx's auth_request understands only 2xx, 401 and 403, so it
   * gets a 401 carrying the Location (its error_page makes the redirect); Traefik and Envoy hand
   * Kordon's answer to the browser as it is, so they get the 302 itself. Only for a URL the
   * sign-in would return to anyway (portal.url's origin or web.return-origins): no open redirect.
   */
  private boolean signInRedirect(RoutingContext ctx) {
    var h = ctx.request().headers();
    String accept = h.get("Accept");
    if (accept == null || !accept.toLowerCase(Locale.ROOT).contains("text/html")) {
      return false;
    }
    String original = h.get("X-Original-URL");
    boolean nginx = original != null;
    if (!nginx) {
      String uri;
      String host;
      if (h.get("X-Forwarded-Uri") != null) {
        uri = h.get("X-Forwarded-Uri");
        host = Routes.firstForwarded(h.get("X-Forwarded-Host"));
      } else if (ctx.request().path().startsWith(VERIFY + "/")) {
        uri = ctx.request().uri().substring(VERIFY.length());
        host = h.get("Host");
      } else {
        return false;
      }
      String proto = Routes.firstForwarded(h.get("X-Forwarded-Proto"));
      if (host == null || !uri.startsWith("/")) {
        return false;
      }
      original = (proto == null ? "http" : proto) + "://" + host + uri;
    }
    String origin = ReturnUrl.origin(original);
    if (origin == null || !pages.allowedReturn(original)) {
      return false;
    }
    ctx.response().setStatusCode(nginx ? 401 : 302)
        .putHeader("Location", origin + "/login?return=" + URLEncoder.encode(original, StandardCharsets.UTF_8))
        .putHeader("Cache-Control", "no-store")
        .end();
    return true;
  }


  private void jwks(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "application/jwk-set+json")
        .putHeader("Cache-Control", "public, max-age=300")
        .end(flows.sessions().jwks().encode());
  }

  @Override
  public Future<?> stop() {
    // Finish what is in flight, refuse new work; SIGTERM lands here through Vertx.close().
    return connections == null ? Future.succeededFuture()
        : connections.shutdown(edge.config().http().shutdownGrace());
  }

}
