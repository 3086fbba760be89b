package dev.kordon.web;

import dev.kordon.Services;
import dev.kordon.account.LoginParser;
import dev.kordon.flow.Failure;
import dev.kordon.flow.FlowException;
import dev.kordon.flow.Text;
import dev.kordon.audit.Audit;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** The admin port: operators provision accounts here, behind the admin bearer token. */
public final class AdminVerticle extends VerticleBase {
  static final List<String> ROLES = List.of("subscriber", "administrator", "supervisor");
  static final List<String> STATUSES = List.of("active", "disabled");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");

  private final Services services;
  private final int port;
  private final byte[] token;
  private HttpServer server;

  public AdminVerticle(Services services, int port) {
    this.services = services;
    this.port = port;
    this.token = services.config().admin().token().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    Routes.common(router, services, vertx);
    router.route("/admin/*").handler(this::authorize);
    router.route("/admin/*").handler(BodyHandler.create(false).setBodyLimit(services.config().http().bodyLimit()));
    router.route("/admin/*").handler(Routes::noStore);
    router.put("/admin/*").handler(Routes::requireJson);
    router.post("/admin/*").handler(Routes::requireJson);
    router.route("/admin/*").handler(new ApiValidation(vertx, services.contract())::handle);
    router.put("/admin/v1/accounts/:category/:login").handler(this::put);
    router.get("/admin/v1/accounts/:category/:login").handler(this::get);
    router.post("/admin/v1/accounts/:category/:login/unlock").handler(this::unlock);
    router.get("/admin/v1/accounts/:category/:login/events").handler(this::events);
    Routes.errors(router);
    server = vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("0.0.0.0"));
    return server.requestHandler(router).listen();
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
    String tariff = body.string("tariff");
    String email = body.string("email");
    String role = body.string("role");
    String status = body.string("status");
    body.check();
    if (tariff == null || tariff.isBlank()) {
      errors.put("tariff", Text.of("field.required"));
    } else if (tariff.length() > 100) {
      errors.put("tariff", Text.of("field.too-long", 100));
    }
    if (email == null || email.isBlank()) {
      errors.put("email", Text.of("field.required"));
    } else if (email.length() > 254 || !EMAIL.matcher(email.trim()).matches()) {
      errors.put("email", Text.of("field.email"));
    }
    role = role == null ? "subscriber" : role;
    status = status == null ? "active" : status;
    if (!ROLES.contains(role)) {
      errors.put("role", Text.of("field.choice", String.join(", ", ROLES)));
    }
    if (!STATUSES.contains(status)) {
      errors.put("status", Text.of("field.choice", String.join(", ", STATUSES)));
    }
    if (!errors.isEmpty()) {
      throw FlowException.invalid(errors);
    }
    services.accounts().upsert(ctx.pathParam("category"), login, tariff.trim(), email.trim(), role, status)
        .onSuccess(up -> {
          services.audit().record(Audit.ADMIN_ACCOUNT, up.account().id(), up.account().category(), up.account().login(),
              services.clientIp().of(ctx), new JsonObject().put("created", up.created()).put("status", up.account().status())
                  .put("role", up.account().role()).put("tariff", up.account().tariff()));
          Routes.json(ctx, up.created() ? 201 : 200, up.account().toJson());
        })
        .onFailure(ctx::fail);
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
    return server == null ? Future.succeededFuture()
        : server.shutdown(services.config().http().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
  }
}
