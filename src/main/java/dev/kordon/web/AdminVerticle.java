package dev.kordon.web;

import dev.kordon.account.AccountFields;
import dev.kordon.account.AccountRepository.Upserted;
import dev.kordon.account.LoginParser;
import dev.kordon.audit.Audit;
import dev.kordon.ops.Metrics;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/** The admin port: operators provision accounts here, behind the admin bearer token; Prometheus scrapes /metrics. */
public final class AdminVerticle extends VerticleBase {
  static final String IMPORT = "/admin/v1/accounts/import";
  /** A contract application list of some tens of thousands of rows. */
  static final int IMPORT_LIMIT = 4 * 1024 * 1024;

  private final Services services;
  private final int port;
  private final byte[] token;
  private final Metrics metrics;
  private Connections connections;

  public AdminVerticle(Services services, int port, Metrics metrics) {
    this.services = services;
    this.port = port;
    this.metrics = metrics;
    this.token = services.config().admin().token().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds(services.clientIp()));
    Routes.common(router, services);
    // Here only: the outbox counters would tell the public which numbers have accounts.
    router.get("/metrics").handler(metrics.scrapeHandler());
    router.route("/admin/*").handler(this::authorize);
    BodyHandler small = BodyHandler.create(false).setBodyLimit(services.config().http().bodyLimit());
    BodyHandler csv = BodyHandler.create(false).setBodyLimit(IMPORT_LIMIT);
    router.route("/admin/*").handler(ctx -> (IMPORT.equals(ctx.normalizedPath()) ? csv : small).handle(ctx));
    router.route("/admin/*").handler(Routes::noStore);
    router.put("/admin/*").handler(Routes::requireJson);
    router.post("/admin/*").handler(ctx -> {
      if (IMPORT.equals(ctx.normalizedPath())) {
        requireCsv(ctx);
      } else {
        Routes.requireJson(ctx);
      }
    });
    router.post(IMPORT).handler(this::importCsv);
    router.route("/admin/*").handler(new ApiValidation(vertx, services.contract())::handle);
    router.put("/admin/v1/accounts/:category/:login").handler(this::put);
    router.get("/admin/v1/accounts/:category/:login").handler(this::get);
    router.post("/admin/v1/accounts/:category/:login/unlock").handler(this::unlock);
    router.get("/admin/v1/accounts/:category/:login/events").handler(this::events);
    Routes.errors(router);
    var http = services.config().http();
    HttpServer server = vertx.createHttpServer(Connections.options(http, services.config().admin().host(), port, false));
    connections = Connections.serve(vertx, server, http, router);
    return connections.listen();
  }

  private void authorize(RoutingContext ctx) {
    String presented = Routes.bearer(ctx);
    // Constant-time: the comparison must not tell how much of a guess was right.
    if (token.length == 0 || presented == null
        || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"kordon-admin\"");
      ctx.fail(new FlowException(Failure.UNAUTHORIZED));
      return;
    }
    ctx.next();
  }

  private String login(RoutingContext ctx, Map<String, Text> errors) {
    String category = ctx.pathParam("category");
    if (!services.logins().knownCategory(category)) {
      throw new FlowException(Failure.NOT_FOUND);
    }
    LoginParser.Result parsed = services.logins().parse(category, ctx.pathParam("login"));
    if (parsed.error() != null) {
      errors.put("login", parsed.error());
    }
    return parsed.login();
  }

  /** The path's login, canonical, or a 400 with the field's message. */
  private String validLogin(RoutingContext ctx) {
    Map<String, Text> errors = new LinkedHashMap<>();
    String login = login(ctx, errors);
    if (!errors.isEmpty()) {
      throw FlowException.invalid(errors);
    }
    return login;
  }

  private void put(RoutingContext ctx) {
    Map<String, Text> errors = new LinkedHashMap<>();
    String login = login(ctx, errors);
    JsonBody body = JsonBody.of(ctx);
    String tariff = AccountFields.pad(body.string("tariff"));
    String email = AccountFields.pad(body.string("email"));
    String role = body.string("role");
    String status = body.string("status");
    body.check();
    role = role == null ? "subscriber" : role;
    status = status == null ? "active" : status;
    errors.putAll(AccountFields.check(tariff, email, role, status));
    if (!errors.isEmpty()) {
      throw FlowException.invalid(errors);
    }
    services.accounts().upsert(ctx.pathParam("category"), login, tariff, email, role, status)
        .compose(up -> endIfAccessChanged(services, up))
        .onSuccess(up -> {
          services.audit().record(Audit.ADMIN_ACCOUNT, up.account().id(), up.account().category(), up.account().login(),
              services.clientIp().of(ctx), new JsonObject().put("created", up.created())
                  .put("credentials_ended", up.accessChanged()).put("status", up.account().status())
                  .put("role", up.account().role()).put("tariff", up.account().tariff()));
          Routes.json(ctx, up.created() ? 201 : 200, up.account().toJson());
        })
        .onFailure(ctx::fail);
  }

  /** A changed role or status ends every credential of the account before the change is confirmed. */
  static Future<Upserted> endIfAccessChanged(Services services, Upserted up) {
    return up.accessChanged() ? services.sessions().endAll(up.account().id()).map(v -> up) : Future.succeededFuture(up);
  }

  private static void requireCsv(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).split(";")[0].trim().equals("text/csv")) {
      ctx.fail(415);
      return;
    }
    ctx.next();
  }

  /** {@code POST /admin/v1/accounts/import}: see {@link CsvImport}; the import is audited even when it stops part-way. */
  private void importCsv(RoutingContext ctx) {
    CsvImport.of(services, vertx, Language.of(ctx).locale(), ctx.body().buffer()).onFailure(ctx::fail)
        .onSuccess(job -> job.run().onComplete(ar -> {
          JsonObject detail = job.summary().put("import", true);
          if (ar.failed()) {
            detail.put("stopped", true);
          }
          services.audit().record(Audit.ADMIN_ACCOUNT, null, null, null, services.clientIp().of(ctx), detail);
          if (ar.succeeded()) {
            Routes.json(ctx, 200, ar.result());
          } else {
            ctx.fail(ar.cause());
          }
        }));
  }

  private void get(RoutingContext ctx) {
    String login = validLogin(ctx);
    String category = ctx.pathParam("category");
    services.accounts().find(category, login)
        .compose(found -> found.isEmpty() ? Future.failedFuture(new FlowException(Failure.NOT_FOUND))
            : services.throttles().passwordState(category, login).map(state -> found.get().toJson()
                .put("password_failures", state.get("failures")).put("password_locked", state.get("locked"))))
        .onSuccess(json -> Routes.json(ctx, 200, json))
        .onFailure(ctx::fail);
  }

  /** Lifts the password lock and forgets failures (password and SMS code) of the login. */
  private void unlock(RoutingContext ctx) {
    String login = validLogin(ctx);
    String category = ctx.pathParam("category");
    services.accounts().find(category, login)
        .compose(found -> found.isEmpty() ? Future.failedFuture(new FlowException(Failure.NOT_FOUND))
            : services.throttles().unlock(category, login).map(v -> found.get()))
        .onSuccess(a -> {
          services.audit().record(Audit.ADMIN_UNLOCK, a.id(), category, login, services.clientIp().of(ctx), new JsonObject());
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(ctx::fail);
  }

  private void events(RoutingContext ctx) {
    String login = validLogin(ctx);
    int limit = 100;
    String raw = ctx.queryParams().get("limit");
    if (raw != null && raw.matches("\\d{1,4}")) {
      limit = Math.max(1, Math.min(1000, Integer.parseInt(raw)));
    }
    services.audit().forLogin(ctx.pathParam("category"), login, limit)
        .onSuccess(list -> Routes.json(ctx, 200, new JsonObject().put("events", list)))
        .onFailure(ctx::fail);
  }

  @Override
  public Future<?> stop() {
    return connections == null ? Future.succeededFuture()
        : connections.shutdown(services.config().http().shutdownGrace());
  }
}
