package dev.kordon.web;

import dev.kordon.config.KordonConfig.LoginKind;
import dev.kordon.credential.PasswordPolicy;
import dev.kordon.flow.Answer;
import dev.kordon.flow.ChangeRequired;
import dev.kordon.flow.TokenPair;
import dev.kordon.guard.Secrets;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Lifetime;
import dev.kordon.token.TokenService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The seed's screens, rendered on the server: «Вход в аккаунт» (/login, by password or by SMS),
 * «Восстановление пароля» (/password/forgot), «Регистрация» (/register), «Изменение пароля»
 * (/password/change) and its success screen. Plain forms that work without JavaScript: a POST
 * that succeeds redirects (303) to a GET; one that fails renders the form again with its errors.
 * Every form carries a CSRF token bound to a cookie; the browser session is a cookie whose value
 * Redis knows (see BrowserSessions), renewed at every sign-in.
 */
public final class PageRoutes {
  private static final Logger LOG = Logger.getLogger(PageRoutes.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  /** HMAC-SHA256: the CSRF secret and its mask are this long. */
  private static final int CSRF_BYTES = 32;

  private final Services services;
  private final Cookies cookies;
  private final Secrets secrets;

  public PageRoutes(Services services) {
    this.services = services;
    this.cookies = new Cookies(services.config().cookieSecure());
    this.secrets = services.secrets();
  }

  public void mount(Router router) {
    router.get("/").handler(ctx -> redirect(ctx, "/login" + langQuery(ctx)));
    router.route("/login*").handler(BodyHandler.create(false).setBodyLimit(services.config().http().bodyLimit()));
    router.route("/password/*").handler(BodyHandler.create(false).setBodyLimit(services.config().http().bodyLimit()));
    router.route("/register").handler(BodyHandler.create(false).setBodyLimit(services.config().http().bodyLimit()));
    router.route("/logout").handler(BodyHandler.create(false).setBodyLimit(services.config().http().bodyLimit()));
    router.get("/login").handler(this::loginPage);
    router.post("/login").handler(this::csrf).handler(this::login);
    router.post("/login/sms-code").handler(this::csrf).handler(this::smsCode);
    router.get("/password/forgot").handler(ctx -> recoveryPage(ctx, false, new HashMap<>(), 200, null));
    router.post("/password/forgot").handler(this::csrf).handler(ctx -> recovery(ctx, false));
    router.get("/register").handler(ctx -> recoveryPage(ctx, true, new HashMap<>(), 200, null));
    router.post("/register").handler(this::csrf).handler(ctx -> recovery(ctx, true));
    router.get("/password/change").handler(this::changePage);
    router.post("/password/change").handler(this::csrf).handler(this::change);
    router.get("/password/changed").handler(ctx -> render(ctx, "changed.ftlh", 200,
        model(ctx).put("portalUrl", services.config().portalUrl())));
    router.post("/logout").handler(this::csrf).handler(this::logout);
  }

  // ---- «Вход в аккаунт»

  private void loginPage(RoutingContext ctx) {
    String sent = ctx.queryParams().get("sent");
    Model m = loginModel(ctx, mode(ctx.queryParams().get("mode")));
    if ("email".equals(sent) || "sms".equals(sent)) {
      // The lifetime the temporary password really has: the banner follows the setting.
      m.put("banner", text(ctx, "page.banner." + sent,
          Lifetime.of(services.config().tempPassword().ttl(), Lifetime.Form.GENITIVE, Language.of(ctx).locale())));
    }
    if ("sent".equals(ctx.queryParams().get("code"))) {
      m.put("codeSent", true);
    }
    render(ctx, "login.ftlh", 200, m);
  }

  private Model loginModel(RoutingContext ctx, String mode) {
    Model m = model(ctx);
    JsonObject hint = cookies.hint(ctx);
    m.put("mode", mode)
        .put("category", category(ctx, hint.getString("category")))
        .put("login", shown(hint.getString("category"), hint.getString("login", "")))
        .put("codeSent", false)
        .put("resendIn", services.config().smsCode().resendAfter().toSeconds())
        .put("codeSentText", text(ctx, "page.sms.sent", services.config().smsCode().resendAfter().toSeconds()));
    return m;
  }

  private void login(RoutingContext ctx) {
    String mode = mode(form(ctx, "mode"));
    String category = form(ctx, "category");
    String login = form(ctx, "login");
    Future<? extends Answer> answer = "sms".equals(mode)
        ? services.smsLogin().login(category, login, form(ctx, "code"), services.clientIp().of(ctx))
        : services.passwordLogin().login(category, login, form(ctx, "password"), services.clientIp().of(ctx));
    answer.onSuccess(a -> {
      if (a instanceof ChangeRequired change) {
        cookies.set(ctx, Cookies.CHANGE, change.changeToken(), Duration.ofSeconds(change.expiresIn()));
        redirect(ctx, "/password/change" + langQuery(ctx));
        return;
      }
      JsonObject claims = TokenClaims.of(((TokenPair) a).accessToken());
      services.sessions().dropFamily(claims).onComplete(ar -> signIn(ctx, claims, returnTo(ctx)));
    }).onFailure(err -> {
      Model m = loginModel(ctx, mode).put("category", category(ctx, category)).put("login", nullToEmpty(login));
      refused(ctx, err, m, "login.ftlh", "sms".equals(mode) ? "page.error.sms-code" : null);
    });
  }

  private void smsCode(RoutingContext ctx) {
    String category = form(ctx, "category");
    String login = form(ctx, "login");
    services.smsLogin().sendCode(category, login, services.clientIp().of(ctx)).onSuccess(json -> {
      cookies.setHint(ctx, category, login);
      redirect(ctx, "/login?mode=sms&code=sent" + langAnd(ctx) + returnParam(ctx));
    }).onFailure(err -> {
      Model m = loginModel(ctx, "sms").put("category", category(ctx, category)).put("login", nullToEmpty(login));
      refused(ctx, err, m, "login.ftlh", null);
    });
  }

  /** A new session id at every sign-in; the old session, if any, ends. */
  private void signIn(RoutingContext ctx, JsonObject who, String target) {
    String old = cookies.get(ctx, Cookies.SESSION);
    Future<Void> ended = old == null ? Future.succeededFuture() : services.browserSessions().destroy(old);
    ended.compose(v -> services.browserSessions().create(who)).onSuccess(id -> {
      cookies.set(ctx, Cookies.SESSION, id, services.browserSessions().ttl());
      cookies.clear(ctx, Cookies.HINT);
      cookies.clear(ctx, Cookies.CHANGE);
      redirect(ctx, target);
    }).onFailure(ctx::fail);
  }

  // ---- «Восстановление пароля» and «Регистрация»

  private void recoveryPage(RoutingContext ctx, boolean register, Map<String, String> errors, int status, String formError) {
    Model m = model(ctx);
    JsonObject hint = cookies.hint(ctx);
    m.put("title", text(ctx, register ? "page.register.title" : "page.forgot.title"))
        .put("lead", register ? text(ctx, "page.register.lead") : "")
        .put("submit", text(ctx, register ? "page.register.submit" : "page.forgot.submit"))
        .put("action", register ? "/register" : "/password/forgot")
        .put("category", category(ctx, ctx.request().getFormAttribute("category") != null
            ? form(ctx, "category") : hint.getString("category")))
        .put("login", ctx.request().getFormAttribute("login") != null ? form(ctx, "login")
            : shown(hint.getString("category"), hint.getString("login", "")))
        .put("channel", "sms".equals(ctx.request().getFormAttribute("channel")) ? "sms" : "email")
        .put("errors", errors)
        .put("formError", formError);
    render(ctx, "forgot.ftlh", status, m);
  }

  private void recovery(RoutingContext ctx, boolean register) {
    String category = form(ctx, "category");
    String login = form(ctx, "login");
    String channel = form(ctx, "channel");
    services.recovery().request(category, login, channel, services.clientIp().of(ctx)).onSuccess(json -> {
      cookies.setHint(ctx, category, login);
      redirect(ctx, "/login?sent=" + json.getString("channel") + langAnd(ctx) + returnParam(ctx));
    }).onFailure(err -> {
      if (err instanceof FlowException fe && fe.failure().status < 500 && fe.failure() != Failure.TOO_MANY_REQUESTS) {
        recoveryPage(ctx, register, fields(ctx, fe), fe.failure().status, text(ctx, "page.error.summary"));
      } else if (err instanceof FlowException fe) {
        retryAfter(ctx, fe);
        recoveryPage(ctx, register, Map.of(), fe.failure().status, text(ctx, "problem." + fe.failure().code() + ".detail"));
      } else {
        ctx.fail(err);
      }
    });
  }

  // ---- «Изменение пароля»

  /**
   * The claims of the change cookie's token, or null when there is none; a cookie that is not a
   * valid change token is cleared and counts as none.
   */
  private Future<JsonObject> changeClaims(RoutingContext ctx) {
    String token = cookies.get(ctx, Cookies.CHANGE);
    if (token == null) {
      return Future.succeededFuture(null);
    }
    return services.tokens().verify(token, TokenService.CHANGE).otherwise(err -> {
      cookies.clear(ctx, Cookies.CHANGE);
      return null;
    });
  }

  private void changePage(RoutingContext ctx) {
    changeClaims(ctx).onSuccess(claims -> {
      if (claims != null) {
        render(ctx, "change.ftlh", 200, changeModel(ctx, true));
        return;
      }
      signedIn(ctx).onSuccess(who -> render(ctx, "change.ftlh", 200, changeModel(ctx, false)))
          .onFailure(err -> redirect(ctx, "/login" + langQuery(ctx)));
    });
  }

  private void change(RoutingContext ctx) {
    changeClaims(ctx).onSuccess(claims -> change(ctx, claims == null ? null : cookies.get(ctx, Cookies.CHANGE), claims));
  }

  private void change(RoutingContext ctx, String changeToken, JsonObject changeClaims) {
    String next = form(ctx, "new_password");
    String confirm = form(ctx, "confirm_password");
    boolean forced = changeToken != null;
    Future<JsonObject> who;
    Future<Void> done;
    if (forced) {
      who = Future.succeededFuture(changeClaims.copy());
      done = services.passwordChange().change(changeToken, null, next, confirm, services.clientIp().of(ctx));
    } else {
      who = signedIn(ctx);
      done = who.compose(w -> services.passwordChange().changeFor(
          java.util.UUID.fromString(w.getString("sub")), form(ctx, "current_password"), next, confirm,
          services.clientIp().of(ctx)));
    }
    done.onSuccess(v -> {
      if (forced) {
        // The forced change ends the temporary-password visit signed in, so «В меню» leads straight in.
        JsonObject claims = who.result().put("amr", new io.vertx.core.json.JsonArray().add("pwd"));
        // The change token predates the change it made; the new session counts from now.
        claims.remove("iat_ms");
        services.accounts().findById(java.util.UUID.fromString(claims.getString("sub")))
            .onSuccess(a -> signIn(ctx, claims.put("role", a.map(x -> x.role()).orElse("subscriber")),
                "/password/changed" + langQuery(ctx)))
            .onFailure(ctx::fail);
      } else {
        // The change ended every session of the account, this one too: the person who made it gets a new one.
        signIn(ctx, who.result(), "/password/changed" + langQuery(ctx));
      }
    }).onFailure(err -> {
      if (err instanceof FlowException fe && (fe.failure() == Failure.UNAUTHORIZED)) {
        cookies.clear(ctx, Cookies.CHANGE);
        render(ctx, "error.ftlh", 401, model(ctx).put("formError", text(ctx, "problem.unauthorized.detail")));
        return;
      }
      Model m = changeModel(ctx, forced);
      if (err instanceof FlowException fe && fe.failure() == Failure.INVALID_CREDENTIALS) {
        m.put("errors", Map.of("current_password", text(ctx, "problem.invalid_credentials.title")));
        render(ctx, "change.ftlh", 400, m);
        return;
      }
      refused(ctx, err, m, "change.ftlh", null);
    });
  }

  private Model changeModel(RoutingContext ctx, boolean forced) {
    return model(ctx).put("forced", forced).put("rules", text(ctx, "page.change.rules", PasswordPolicy.MIN_CHARS));
  }

  private void logout(RoutingContext ctx) {
    String id = cookies.get(ctx, Cookies.SESSION);
    (id == null ? Future.<Void>succeededFuture() : services.browserSessions().destroy(id)).onComplete(ar -> {
      cookies.clear(ctx, Cookies.SESSION);
      redirect(ctx, "/login" + langQuery(ctx));
    });
  }

  /** Who the session cookie belongs to; {@code /auth/verify} asks the same. */
  public Future<JsonObject> signedIn(RoutingContext ctx) {
    String id = cookies.get(ctx, Cookies.SESSION);
    return id == null ? Future.failedFuture(new FlowException(Failure.UNAUTHORIZED)) : services.browserSessions().lookup(id);
  }

  // ---- CSRF: a random cookie, and in every form its keyed hash, masked afresh for each response

  private void csrf(RoutingContext ctx) {
    String cookie = cookies.get(ctx, Cookies.CSRF);
    String presented = ctx.request().getFormAttribute("csrf");
    if (cookie == null || presented == null || !MessageDigest.isEqual(csrfSecret(cookie), unmask(presented))) {
      render(ctx, "error.ftlh", 403, model(ctx).put("formError", text(ctx, "page.error.csrf")));
      return;
    }
    ctx.next();
  }

  private String csrfToken(RoutingContext ctx) {
    String cookie = cookies.get(ctx, Cookies.CSRF);
    if (cookie == null) {
      byte[] b = new byte[32];
      RANDOM.nextBytes(b);
      cookie = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      cookies.set(ctx, Cookies.CSRF, cookie, null);
    }
    // Compressed pages also carry text an attacker chose (BREACH): a value that never repeats
    // gives the compression nothing to match. mask || (secret XOR mask).
    byte[] secret = csrfSecret(cookie);
    byte[] masked = new byte[2 * CSRF_BYTES];
    byte[] mask = new byte[CSRF_BYTES];
    RANDOM.nextBytes(mask);
    for (int i = 0; i < CSRF_BYTES; i++) {
      masked[i] = mask[i];
      masked[CSRF_BYTES + i] = (byte) (secret[i] ^ mask[i]);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(masked);
  }

  private byte[] csrfSecret(String cookie) {
    return HexFormat.of().parseHex(secrets.keyedHash("csrf", cookie));
  }

  /** The secret a form's masked value carries, or null for anything that is not one. */
  private static byte[] unmask(String presented) {
    byte[] masked;
    try {
      masked = Base64.getUrlDecoder().decode(presented);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (masked.length != 2 * CSRF_BYTES) {
      return null;
    }
    byte[] secret = new byte[CSRF_BYTES];
    for (int i = 0; i < CSRF_BYTES; i++) {
      secret[i] = (byte) (masked[i] ^ masked[CSRF_BYTES + i]);
    }
    return secret;
  }

  // ---- rendering

  /** The page model: texts, language, CSRF token, the checked return URL. */
  private Model model(RoutingContext ctx) {
    Language language = Language.of(ctx);
    Locale locale = language.locale();
    Model m = new Model();
    m.put("t", Messages.all(locale))
        .put("lang", language.code())
        .put("langCarried", language.carried())
        .put("langQuery", language.query())
        .put("csrf", csrfToken(ctx))
        .put("returnTo", returnParamValue(ctx))
        .put("categories", List.copyOf(services.config().categories().keySet()))
        .put("phoneCategories", services.config().phoneCategories())
        .put("phonePrefix", services.logins().phones().prefix())
        .put("category", category(ctx, null))
        .put("login", "")
        .put("errors", Map.of())
        .put("banner", "")
        .put("formError", "")
        .put("phoneHint", Messages.text(locale, services.logins().phoneHint()));
    return m;
  }

  private void render(RoutingContext ctx, String template, int status, Model model) {
    services.templates().renderAsync("pages/" + template, model.map).onSuccess(html -> ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(html)).onFailure(err -> {
          LOG.warning("page " + template + " failed to render: " + err.getMessage());
          ctx.fail(500);
        });
  }

  /** A refused form: field errors in place, or the reason at the top; never a stack trace. */
  private void refused(RoutingContext ctx, Throwable err, Model m, String template, String credentialsKey) {
    if (!(err instanceof FlowException fe)) {
      ctx.fail(err);
      return;
    }
    Failure f = fe.failure();
    if (!fe.fields().isEmpty()) {
      m.put("errors", fields(ctx, fe)).put("formError", text(ctx, "page.error.summary"));
    } else if (f == Failure.INVALID_CREDENTIALS && credentialsKey != null) {
      m.put("formError", text(ctx, credentialsKey));
    } else {
      m.put("formError", text(ctx, "problem." + f.code() + ".detail"));
    }
    retryAfter(ctx, fe);
    render(ctx, template, f.status, m);
  }

  private static void retryAfter(RoutingContext ctx, FlowException fe) {
    if (fe.retryAfter() != null) {
      ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, fe.retryAfter().toSeconds())));
    }
  }

  private static Map<String, String> fields(RoutingContext ctx, FlowException fe) {
    Map<String, String> out = new LinkedHashMap<>();
    Locale locale = Language.of(ctx).locale();
    fe.fields().forEach((k, v) -> out.put(k, Messages.text(locale, v)));
    return out;
  }

  private static String text(RoutingContext ctx, String key, Object... args) {
    return Messages.text(Language.of(ctx).locale(), key, args);
  }

  // ---- small helpers

  private String category(RoutingContext ctx, String wanted) {
    if (wanted != null && services.config().categories().containsKey(wanted)) {
      return wanted;
    }
    String q = ctx.queryParams().get("category");
    if (q != null && services.config().categories().containsKey(q)) {
      return q;
    }
    return services.config().categories().keySet().iterator().next();
  }

  /** A phone typed earlier, shown the way the field expects it after the country code's prefix. */
  private String shown(String category, String raw) {
    if (category == null || raw == null || raw.isEmpty()) {
      return raw == null ? "" : raw;
    }
    String login = services.logins().parse(category, raw).login();
    if (login == null || services.config().categories().get(category) != LoginKind.PHONE) {
      return raw;
    }
    return services.logins().phones().afterPrefix(login);
  }

  private static String mode(String raw) {
    return "sms".equals(raw) ? "sms" : "password";
  }

  private static String form(RoutingContext ctx, String name) {
    return ctx.request().getFormAttribute(name);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }

  private static String langQuery(RoutingContext ctx) {
    return Language.of(ctx).query();
  }

  private static String langAnd(RoutingContext ctx) {
    return Language.of(ctx).queryAnd();
  }

  private String returnParam(RoutingContext ctx) {
    String r = returnParamValue(ctx);
    return r.isEmpty() ? "" : "&return=" + URLEncoder.encode(r, StandardCharsets.UTF_8);
  }

  /** The requested return URL if it is allowed, else "". */
  private String returnParamValue(RoutingContext ctx) {
    String r = ctx.request().getFormAttribute("return");
    if (r == null) {
      r = ctx.queryParams().get("return");
    }
    return r != null && allowedReturn(r) ? r : "";
  }

  private String returnTo(RoutingContext ctx) {
    String r = returnParamValue(ctx);
    return r.isEmpty() ? services.config().portalUrl() : r;
  }

  /**
   * No open redirect: a return URL must be an absolute http(s) URL on the portal's origin or a
   * configured one. Relative paths, scheme-relative "//host" and anything unparsable are refused.
   */
  boolean allowedReturn(String url) {
    if (url.length() > 2048) {
      return false;
    }
    String origin = origin(url);
    return origin != null && (origin.equals(origin(services.config().portalUrl()))
        || services.config().web().returnOrigins().contains(origin));
  }

  static String origin(String url) {
    try {
      URI u = new URI(url);
      String scheme = u.getScheme();
      if (scheme == null || !(scheme.equals("https") || scheme.equals("http")) || u.getHost() == null
          || u.getRawUserInfo() != null) {
        return null;
      }
      return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (u.getPort() == -1 ? "" : ":" + u.getPort());
    } catch (Exception e) {
      return null;
    }
  }

  /** A template model: a map with a chaining put. */
  static final class Model {
    final Map<String, Object> map = new HashMap<>();

    Model put(String key, Object value) {
      map.put(key, value);
      return this;
    }
  }

  /** Claims of a token Kordon itself just issued (decoded, not re-verified). */
  static final class TokenClaims {
    static JsonObject of(String jwt) {
      String payload = jwt.split("\\.")[1];
      return new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    }
  }
}
