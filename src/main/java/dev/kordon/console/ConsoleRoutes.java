package dev.kordon.console;

import dev.kordon.account.Account;
import dev.kordon.account.LoginParser;
import dev.kordon.admin.AccountCredentials;
import dev.kordon.admin.AdminFlow;
import dev.kordon.admin.ConsoleAccess;
import dev.kordon.config.KordonConfig;
import dev.kordon.page.Cookies;
import dev.kordon.page.Csrf;
import dev.kordon.page.PageModel;
import dev.kordon.page.PageModel.Model;
import dev.kordon.page.PageParts;
import dev.kordon.page.PageView;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.server.ClientIp;
import dev.kordon.server.Edge;
import dev.kordon.server.Mount;
import dev.kordon.server.Routes;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator console on the admin port, for the support desk: sign in as a named operator
 * ({@link ConsoleOperatorSignIn}) or, as break-glass, with the admin token; find
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

    private final KordonConfig config;
    private final ClientIp clientIp;
    private final AdminFlow admin;
    private final ConsoleAccess access;
    private final LoginParser logins;
    private final ConsoleRows rows;
    private final Cookies cookies;
    private final Csrf csrf;
    private final PageView view;
    private final ConsoleAccountPage account;
    private final ConsoleOperatorSignIn operators;

    public ConsoleRoutes(
            Edge edge, AdminFlow admin, AccountCredentials credentials, ConsoleAccess access, PageParts parts) {
        this.config = edge.config();
        this.clientIp = edge.clientIp();
        this.admin = admin;
        this.access = access;
        this.logins = parts.logins();
        // Strict: a console cookie never rides along with a request another site started.
        this.cookies = new Cookies(config.cookieSecure(), CookieSameSite.STRICT);
        this.csrf = new Csrf(cookies, parts.secrets(), Cookies.CONSOLE_CSRF);
        this.view = new PageView(parts.templates(), edge.faults());
        this.rows = new ConsoleRows(logins, csrf);
        this.account = new ConsoleAccountPage(edge, admin, credentials, view, rows);
        this.operators = new ConsoleOperatorSignIn(
                access, new ConsoleOperatorSignIn.Shared(clientIp, cookies, view, rows, this::loginPage));
    }

    @Override
    public void on(Router router, Vertx vertx) {
        var headers = Routes.securityHeaders(config.cookieSecure());
        router.route("/static/*").handler(headers);
        router.route("/static/*")
                .handler(StaticHandler.create("static")
                        .setCachingEnabled(true)
                        .setMaxAgeSeconds(3600)
                        .setDirectoryListing(false));
        router.route("/console*").handler(headers);
        router.route("/console*").handler(Routes::noStore);
        router.route("/console*")
                .handler(BodyHandler.create(false).setBodyLimit(config.http().bodyLimit()));
        router.route("/console*")
                .failureHandler(view.unavailable("console/message.ftlh", ctx -> rows.base(ctx, false)));
        // Vert.x matches /console/ here too: only the path without its slash is sent on.
        router.get("/console").handler(ctx -> {
            if (ctx.request().path().endsWith("/")) {
                ctx.next();
            } else {
                PageView.redirect(ctx, HOME + PageModel.langQuery(ctx));
            }
        });
        Handler<RoutingContext> csrfChecked =
                view.csrfChecked(csrf, "console/message.ftlh", ctx -> rows.base(ctx, false));
        router.get(LOGIN).handler(ctx -> loginPage(ctx, 200, ""));
        router.post(LOGIN).handler(csrfChecked).handler(this::signIn);
        operators.on(router, csrfChecked);
        // Everything below needs a console session; the sign-in page above does not.
        router.route("/console/*").handler(this::signedIn);
        router.post("/console/*").handler(csrfChecked);
        router.post("/console/logout").handler(this::signOut);
        router.get(HOME).handler(this::search);
        router.get(ACCOUNTS + ":category/:login").handler(ctx -> account.show(ctx, 200, "", ""));
        router.post(ACCOUNTS + ":category/:login/sessions/:id/end").handler(account::endSession);
        router.post(ACCOUNTS + ":category/:login/passkeys/:id/remove").handler(account::removePasskey);
        router.post(ACCOUNTS + ":category/:login/:action").handler(account::act);
    }

    // ---- signing in and out

    private void loginPage(RoutingContext ctx, int status, String formError) {
        String banner = "1".equals(ctx.queryParams().get("out")) ? PageModel.text(ctx, "console.login.signed-out") : "";
        view.render(
                ctx,
                "console/login.ftlh",
                status,
                rows.base(ctx, false)
                        .put("formError", formError)
                        .put("banner", banner)
                        .put("next", next(ctx)));
    }

    private void signIn(RoutingContext ctx) {
        String old = cookies.get(ctx, Cookies.CONSOLE);
        access.signIn(ctx.request().getFormAttribute("token"), clientIp.of(ctx))
                // A sign-in always makes a new session; one this browser held before ends.
                .compose(id -> (old == null
                                ? Future.<Void>succeededFuture()
                                : access.sessions().close(old))
                        .map(id))
                .onSuccess(id -> {
                    cookies.set(ctx, Cookies.CONSOLE, id, access.sessions().ttl());
                    String next = next(ctx);
                    PageView.redirect(ctx, next.isEmpty() ? HOME + PageModel.langQuery(ctx) : next);
                })
                .onFailure(err -> {
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
        access.signedIn(id)
                .onSuccess(holder -> {
                    if (holder != null) {
                        ctx.next();
                        return;
                    }
                    cookies.clear(ctx, Cookies.CONSOLE);
                    String back = ctx.request().method() == io.vertx.core.http.HttpMethod.GET
                            ? ctx.request().uri()
                            : "";
                    PageView.redirect(
                            ctx,
                            LOGIN + (safeNext(back) ? "?next=" + ConsoleRows.enc(back) : PageModel.langQuery(ctx)));
                })
                .onFailure(ctx::fail);
    }

    private void signOut(RoutingContext ctx) {
        access.signOut(cookies.get(ctx, Cookies.CONSOLE), clientIp.of(ctx))
                .onSuccess(v -> {
                    cookies.clear(ctx, Cookies.CONSOLE);
                    PageView.redirect(ctx, LOGIN + "?out=1" + PageModel.langAnd(ctx));
                })
                .onFailure(ctx::fail);
    }

    /** Where a sign-in leads back to: a console page of this port, never anywhere else. */
    static String next(RoutingContext ctx) {
        String asked = ctx.request().getFormAttribute("next");
        if (asked == null) {
            asked = ctx.queryParams().get("next");
        }
        return safeNext(asked) ? asked : "";
    }

    static boolean safeNext(String path) {
        return path != null
                && path.startsWith(HOME)
                && !path.startsWith(LOGIN)
                && path.length() <= 512
                && path.matches("[A-Za-z0-9/%+._~?=&@-]*")
                && !path.contains("//");
    }

    // ---- finding an account

    private void search(RoutingContext ctx) {
        String q = ctx.queryParams().get("q");
        Model m = rows.base(ctx, true)
                .put("q", q == null ? "" : q.strip())
                .put("results", List.of())
                .put("searched", false)
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
            view.render(
                    ctx, "console/search.ftlh", 400, m.put("formError", PageModel.text(ctx, "console.search.hint")));
            return;
        }
        Future.all(asked)
                .onSuccess(all -> {
                    Map<String, Map<String, Object>> found = new LinkedHashMap<>();
                    for (Future<List<Account>> f : asked) {
                        for (Account a : f.result()) {
                            found.putIfAbsent(a.id().toString(), rows.row(ctx, a));
                        }
                    }
                    List<Map<String, Object>> rows = new ArrayList<>(found.values());
                    boolean more = rows.size() > FOUND;
                    m.put("searched", true)
                            .put("results", more ? rows.subList(0, FOUND) : rows)
                            .put("more", more);
                    view.render(ctx, "console/search.ftlh", 200, m);
                })
                .onFailure(err -> refused(ctx, err, "console/search.ftlh", m));
    }

    private void refused(RoutingContext ctx, Throwable err, String template, Model m) {
        if (err instanceof FlowException fe && fe.failure().status < 500) {
            view.render(
                    ctx,
                    template,
                    fe.failure().status,
                    m.put(
                            "formError",
                            PageModel.text(ctx, "problem." + fe.failure().code() + ".detail")));
            return;
        }
        ctx.fail(err);
    }
}
