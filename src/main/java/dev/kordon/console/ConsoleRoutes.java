package dev.kordon.console;

import dev.kordon.page.Csrf;
import dev.kordon.page.PageModel;
import dev.kordon.page.PageParts;
import dev.kordon.page.PageView;
import dev.kordon.server.ClientIp;
import dev.kordon.page.Cookies;
import dev.kordon.server.Edge;
import dev.kordon.server.Mount;
import dev.kordon.server.Language;
import dev.kordon.server.Routes;
import dev.kordon.problem.Bundles;
import dev.kordon.account.LoginParser;
import dev.kordon.config.KordonConfig;
import dev.kordon.account.Account;
import dev.kordon.admin.AccountState;
import dev.kordon.admin.AdminFlow;
import dev.kordon.admin.Session;
import dev.kordon.audit.AuditEvent;
import dev.kordon.admin.ConsoleAccess;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Lifetime;
import dev.kordon.page.PageModel.Model;
import io.vertx.core.Future;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator console on the admin port, for the support desk: sign in with the admin token, find
 * an account, see its state, sessions and security events, and unlock, disable, enable, force a
 * reset, send a temporary password or end a session. Server-rendered like the public pages, under
 * the same rules: the same CSP and headers, no-store, a CSRF token in every form, no JavaScript. A
 * successful action redirects (303) to the account with what was done. What an action does is
 * {@link AdminFlow}'s, audited there; who may use the console is {@link ConsoleAccess}'s.
 */
public final class ConsoleRoutes implements Mount {
  static final String HOME = "/console/";
  static final String LOGIN = "/console/login";
  static final String ACCOUNTS = "/console/accounts/";
  /** Accounts one search shows. */
  static final int FOUND = 50;
  /** Security events the account page shows. */
  static final int EVENTS = 30;
  /** What the account page may say was done; anything else in {@code ?done=} is ignored. */
  static final Set<String> DONE = Set.of("unlock", "disable", "enable", "reset", "reset-unsent", "resend",
      "resend-unsent", "session");
  static final Set<String> ACTIONS = Set.of("unlock", "disable", "enable", "reset", "resend");
  /** Actions a customer feels at once, asked again on a page of their own before they are done. */
  static final Set<String> CONFIRMED = Set.of("disable", "reset");

  private final KordonConfig config;
  private final ClientIp clientIp;
  private final AdminFlow admin;
  private final ConsoleAccess access;
  private final LoginParser logins;
  private final ConsoleRows rows;
  private final Cookies cookies;
  private final Csrf csrf;
  private final PageView view;

  public ConsoleRoutes(Edge edge, AdminFlow admin, ConsoleAccess access, PageParts parts) {
    this.config = edge.config();
    this.clientIp = edge.clientIp();
    this.admin = admin;
    this.access = access;
    this.logins = parts.logins();
    this.rows = new ConsoleRows(logins);
    // Strict: a console cookie never rides along with a request another site started.
    this.cookies = new Cookies(config.cookieSecure(), CookieSameSite.STRICT);
    this.csrf = new Csrf(cookies, parts.secrets(), Cookies.CONSOLE_CSRF);
    this.view = new PageView(parts.templates(), edge.faults());
  }

  @Override
  public void on(Router router, Vertx vertx) {
    var headers = Routes.securityHeaders(config.cookieSecure());
    router.route("/static/*").handler(headers);
    router.route("/static/*").handler(StaticHandler.create("static").setCachingEnabled(true).setMaxAgeSeconds(3600)
        .setDirectoryListing(false));
    router.route("/console*").handler(headers);
    router.route("/console*").handler(Routes::noStore);
    router.route("/console*").handler(BodyHandler.create(false).setBodyLimit(config.http().bodyLimit()));
    router.route("/console*").failureHandler(view.unavailable("console/message.ftlh", ctx -> base(ctx, false)));
    // Vert.x matches /console/ here too: only the path without its slash is sent on.
    router.get("/console").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) {
        ctx.next();
      } else {
        PageView.redirect(ctx, HOME + PageModel.langQuery(ctx));
      }
    });
    Handler<RoutingContext> csrfChecked = view.csrfChecked(csrf, "console/message.ftlh", ctx -> base(ctx, false));
    router.get(LOGIN).handler(ctx -> loginPage(ctx, 200, ""));
    router.post(LOGIN).handler(csrfChecked).handler(this::signIn);
    // Everything below needs a console session; the sign-in page above does not.
    router.route("/console/*").handler(this::signedIn);
    router.post("/console/*").handler(csrfChecked);
    router.post("/console/logout").handler(this::signOut);
    router.get(HOME).handler(this::search);
    router.get(ACCOUNTS + ":category/:login").handler(ctx -> account(ctx, 200, "", ""));
    router.post(ACCOUNTS + ":category/:login/sessions/:id/end").handler(this::endSession);
    router.post(ACCOUNTS + ":category/:login/:action").handler(this::act);
  }

  // ---- signing in and out

  private void loginPage(RoutingContext ctx, int status, String formError) {
    String banner = "1".equals(ctx.queryParams().get("out")) ? PageModel.text(ctx, "console.login.signed-out") : "";
    view.render(ctx, "console/login.ftlh", status, base(ctx, false).put("formError", formError).put("banner", banner)
        .put("next", next(ctx)));
  }

  private void signIn(RoutingContext ctx) {
    String old = cookies.get(ctx, Cookies.CONSOLE);
    access.signIn(ctx.request().getFormAttribute("token"), clientIp.of(ctx))
        // A sign-in always makes a new session; one this browser held before ends.
        .compose(id -> (old == null ? Future.<Void>succeededFuture() : access.sessions().close(old)).map(id))
        .onSuccess(id -> {
          cookies.set(ctx, Cookies.CONSOLE, id, access.sessions().ttl());
          String next = next(ctx);
          PageView.redirect(ctx, next.isEmpty() ? HOME + PageModel.langQuery(ctx) : next);
        }).onFailure(err -> {
          if (err instanceof FlowException fe && fe.failure() == Failure.INVALID_CREDENTIALS) {
            loginPage(ctx, 401, PageModel.text(ctx, "console.login.wrong"));
          } else if (err instanceof FlowException fe && fe.failure() == Failure.TOO_MANY_REQUESTS) {
            PageView.retryAfter(ctx, fe);
            loginPage(ctx, 429, PageModel.text(ctx, "console.login.throttled", ConsoleRows.pause(ctx, fe)));
          } else {
            ctx.fail(err);
          }
        });
  }

  /** No live console session: to the sign-in page, which leads back to a page that was asked for. */
  private void signedIn(RoutingContext ctx) {
    String id = cookies.get(ctx, Cookies.CONSOLE);
    access.signedIn(id).onSuccess(live -> {
      if (live) {
        ctx.next();
        return;
      }
      cookies.clear(ctx, Cookies.CONSOLE);
      String back = ctx.request().method() == io.vertx.core.http.HttpMethod.GET ? ctx.request().uri() : "";
      PageView.redirect(ctx, LOGIN + (safeNext(back) ? "?next=" + ConsoleRows.enc(back) : PageModel.langQuery(ctx)));
    }).onFailure(ctx::fail);
  }

  private void signOut(RoutingContext ctx) {
    access.signOut(cookies.get(ctx, Cookies.CONSOLE), clientIp.of(ctx)).onSuccess(v -> {
      cookies.clear(ctx, Cookies.CONSOLE);
      PageView.redirect(ctx, LOGIN + "?out=1" + PageModel.langAnd(ctx));
    }).onFailure(ctx::fail);
  }

  /** Where a sign-in leads back to: a console page of this port, never anywhere else. */
  private static String next(RoutingContext ctx) {
    String asked = ctx.request().getFormAttribute("next");
    if (asked == null) {
      asked = ctx.queryParams().get("next");
    }
    return safeNext(asked) ? asked : "";
  }

  static boolean safeNext(String path) {
    return path != null && path.startsWith(HOME) && !path.startsWith(LOGIN) && path.length() <= 512
        && path.matches("[A-Za-z0-9/%+._~?=&@-]*") && !path.contains("//");
  }

  // ---- finding an account

  private void search(RoutingContext ctx) {
    String q = ctx.queryParams().get("q");
    Model m = base(ctx, true).put("q", q == null ? "" : q.strip()).put("results", List.of()).put("searched", false)
        .put("more", false);
    if (q == null || q.isBlank()) {
      view.render(ctx, "console/search.ftlh", 200, m);
      return;
    }
    String typed = q.strip();
    List<Future<List<Account>>> asked = new ArrayList<>();
    if (typed.contains("@")) {
      asked.add(admin.search(null, typed, FOUND + 1));
    } else {
      logins.phones().startOf(typed).ifPresent(start -> asked.add(admin.search(start, null, FOUND + 1)));
      String digits = typed.replaceAll("[\\s\\-]", "");
      if (digits.matches("\\d+")) {
        // A personal account number is its digits, as typed.
        asked.add(admin.search(digits, null, FOUND + 1));
      }
    }
    if (asked.isEmpty()) {
      view.render(ctx, "console/search.ftlh", 400, m.put("formError", PageModel.text(ctx, "console.search.hint")));
      return;
    }
    Future.all(asked).onSuccess(all -> {
      Map<String, Map<String, Object>> found = new LinkedHashMap<>();
      for (Future<List<Account>> f : asked) {
        for (Account a : f.result()) {
          found.putIfAbsent(a.id().toString(), rows.row(ctx, a));
        }
      }
      List<Map<String, Object>> rows = new ArrayList<>(found.values());
      boolean more = rows.size() > FOUND;
      m.put("searched", true).put("results", more ? rows.subList(0, FOUND) : rows).put("more", more);
      view.render(ctx, "console/search.ftlh", 200, m);
    }).onFailure(err -> refused(ctx, err, "console/search.ftlh", m));
  }

  // ---- one account

  /** The account page, with what was just done ({@code ?done=}) or why an action was refused. */
  private void account(RoutingContext ctx, int status, String banner, String formError) {
    String category = ctx.pathParam("category");
    String login = ctx.pathParam("login");
    String done = ctx.queryParams().get("done");
    String shownBanner = !banner.isEmpty() ? banner
        : done != null && DONE.contains(done) ? PageModel.text(ctx, "console.done." + done,
            Lifetime.of(config.tempPassword().ttl(), Lifetime.Form.GENITIVE, Language.of(ctx).locale())) : "";
    Future<AccountState> account = admin.account(category, login);
    // Once the account is found (else NOT_FOUND below), its sessions and events are read side by side.
    Future<List<Session>> sessions = account.compose(a -> admin.sessions(category, login));
    Future<List<AuditEvent>> events = account.compose(a -> admin.events(category, login, EVENTS));
    Future.all(sessions, events).map(all -> events.result()).onSuccess(ev -> {
      AccountState a = account.result();
      String canonical = a.account().login();
      Model m = base(ctx, true)
          .put("banner", shownBanner)
          .put("formError", formError)
          .put("account", rows.account(ctx, a))
          .put("action", ConsoleRows.href(category, canonical))
          .put("sessions", ConsoleRows.sessions(ctx, sessions.result()))
          .put("events", ConsoleRows.events(ctx, ev));
      view.render(ctx, "console/account.ftlh", status, m);
    }).onFailure(err -> {
      if (err instanceof FlowException fe && (fe.failure() == Failure.NOT_FOUND || !fe.fields().isEmpty())) {
        view.render(ctx, "console/search.ftlh", 404, base(ctx, true).put("q", "").put("results", List.of())
            .put("searched", false).put("more", false).put("formError", PageModel.text(ctx, "console.account.missing")));
        return;
      }
      ctx.fail(err);
    });
  }

  // ---- actions

  private void act(RoutingContext ctx) {
    String action = ctx.pathParam("action");
    if (!ACTIONS.contains(action)) {
      ctx.next();
      return;
    }
    String category = ctx.pathParam("category");
    String login = ctx.pathParam("login");
    if (CONFIRMED.contains(action) && !"yes".equals(ctx.request().getFormAttribute("confirmed"))) {
      confirm(ctx, action);
      return;
    }
    String ip = clientIp.of(ctx);
    Future<String> done = switch (action) {
      case "unlock" -> admin.unlock(category, login, ip).map("unlock");
      case "disable" -> admin.disable(category, login, ip).map("disable");
      case "enable" -> admin.enable(category, login, ip).map("enable");
      case "reset" -> admin.reset(category, login, ip).map(r -> r.sent() ? "reset" : "reset-unsent");
      default -> admin.resend(category, login, ip).map(r -> r.sent() ? "resend" : "resend-unsent");
    };
    done.onSuccess(what -> backToAccount(ctx, what)).onFailure(err -> actionRefused(ctx, err));
  }

  /** The question before a disable or a reset: what it does to the customer, yes or back. Changes nothing. */
  private void confirm(RoutingContext ctx, String action) {
    String category = ctx.pathParam("category");
    admin.account(category, ctx.pathParam("login")).onSuccess(a -> {
      // One line for the number in the question: no break inside it.
      String shown = rows.shown(category, a.account().login()).replace(' ', '\u00a0');
      String href = ConsoleRows.href(category, a.account().login());
      view.render(ctx, "console/confirm.ftlh", 200, base(ctx, true)
          .put("question", PageModel.text(ctx, "console.confirm." + action, shown))
          .put("hint", PageModel.text(ctx, "console.action." + action + ".hint"))
          .put("submit", PageModel.text(ctx, "console.confirm." + action + ".submit"))
          .put("action", href + "/" + action)
          .put("back", href + PageModel.langQuery(ctx)));
    }).onFailure(err -> actionRefused(ctx, err));
  }

  private void endSession(RoutingContext ctx) {
    admin.endSession(ctx.pathParam("category"), ctx.pathParam("login"), ctx.pathParam("id"), clientIp.of(ctx))
        .onSuccess(v -> backToAccount(ctx, "session"))
        .onFailure(err -> actionRefused(ctx, err));
  }

  private void backToAccount(RoutingContext ctx, String done) {
    PageView.redirect(ctx, ConsoleRows.href(ctx.pathParam("category"), ctx.pathParam("login")) + "?done=" + done
        + PageModel.langAnd(ctx));
  }

  /** A refused action: the account page again, with the reason on top. */
  private void actionRefused(RoutingContext ctx, Throwable err) {
    if (!(err instanceof FlowException fe)) {
      ctx.fail(err);
      return;
    }
    PageView.retryAfter(ctx, fe);
    String reason = fe.failure() == Failure.NOT_FOUND ? PageModel.text(ctx, "console.session.gone")
        : fe.failure() == Failure.TOO_MANY_REQUESTS ? PageModel.text(ctx, "console.resend.throttled",
            ConsoleRows.pause(ctx, fe))
        : PageModel.text(ctx, "problem." + fe.failure().code() + ".detail");
    account(ctx, fe.failure().status, "", reason);
  }

  private void refused(RoutingContext ctx, Throwable err, String template, Model m) {
    if (err instanceof FlowException fe && fe.failure().status < 500) {
      view.render(ctx, template, fe.failure().status, m.put("formError",
          PageModel.text(ctx, "problem." + fe.failure().code() + ".detail")));
      return;
    }
    ctx.fail(err);
  }

  // ---- the model every console page starts from

  private Model base(RoutingContext ctx, boolean signedIn) {
    Language language = Language.of(ctx);
    return new Model()
        .put("t", Bundles.all(language.locale()))
        .put("lang", language.code())
        .put("langCarried", language.carried())
        .put("langQuery", language.query())
        .put("csrf", csrf.token(ctx))
        .put("signedIn", signedIn)
        .put("banner", "")
        .put("formError", "");
  }


}
