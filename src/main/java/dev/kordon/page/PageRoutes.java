package dev.kordon.page;

import dev.kordon.account.Account;
import dev.kordon.answer.BrowserSession;
import dev.kordon.answer.ChangeRequired;
import dev.kordon.answer.Channel;
import dev.kordon.answer.PageAnswer;
import dev.kordon.config.KordonConfig;
import dev.kordon.flow.Flows;
import dev.kordon.page.PageModel.Model;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Lifetime;
import dev.kordon.server.ClientIp;
import dev.kordon.server.Edge;
import dev.kordon.server.Language;
import dev.kordon.server.Mount;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The seed's screens, rendered on the server: «Вход в аккаунт» (/login, by password or by SMS),
 * «Восстановление пароля» (/password/forgot), «Регистрация» (/register), «Изменение пароля»
 * (/password/change) and its success screen; the second step of the roles that need one is
 * {@link SecondStepPages}. Plain forms that work without JavaScript: a POST
 * that succeeds redirects (303) to a GET; one that fails renders the form again with its errors.
 * Every form carries a CSRF token bound to a cookie ({@link Csrf}); the browser session is a
 * cookie whose value Redis knows ({@link PageSession}), renewed at every sign-in.
 */
public final class PageRoutes implements Mount {
    private final KordonConfig config;
    private final Flows flows;
    private final ClientIp clientIp;
    private final Cookies cookies;
    private final Csrf csrf;
    private final ReturnUrl returns;
    private final PageModel model;
    private final PageView view;
    private final PageSession session;
    private final SecondStepPages steps;

    public PageRoutes(Edge edge, Flows flows, PageParts parts) {
        this.config = edge.config();
        this.flows = flows;
        this.clientIp = edge.clientIp();
        this.cookies = new Cookies(config.cookieSecure());
        this.csrf = new Csrf(cookies, parts.secrets());
        this.returns = ReturnUrl.withOwnOrigin(
                config.portalUrl(), config.web().returnOrigins(), config.jwt().issuer());
        this.model = new PageModel(config, parts.logins(), cookies, csrf, returns);
        this.view = new PageView(parts.templates(), edge.faults());
        this.session =
                new PageSession(cookies, parts.sessions(), flows.sessions().backchannel());
        this.steps = new SecondStepPages(
                parts.steps(),
                clientIp,
                config.cookieSecure(),
                new SecondStepPages.Parts(cookies, returns, model, view, session));
    }

    @Override
    public void on(Router router, Vertx vertx) {
        router.get("/").handler(ctx -> PageView.redirect(ctx, "/login" + PageModel.langQuery(ctx)));
        Handler<RoutingContext> csrfChecked = view.csrfChecked(csrf, "error.ftlh", model::of);
        for (String pages : new String[] {"/login*", "/password/*", "/register", "/logout"}) {
            router.route(pages).failureHandler(view.unavailable("error.ftlh", model::of));
            router.route(pages)
                    .handler(
                            BodyHandler.create(false).setBodyLimit(config.http().bodyLimit()));
        }
        router.get("/login").handler(this::loginPage);
        router.post("/login").handler(csrfChecked).handler(this::login);
        router.post("/login/sms-code").handler(csrfChecked).handler(this::smsCode);
        steps.on(router, csrfChecked);
        router.get("/password/forgot").handler(ctx -> recoveryPage(ctx, false, new HashMap<>(), 200, null));
        router.post("/password/forgot").handler(csrfChecked).handler(ctx -> recovery(ctx, false));
        router.get("/register").handler(ctx -> recoveryPage(ctx, true, new HashMap<>(), 200, null));
        router.post("/register").handler(csrfChecked).handler(ctx -> recovery(ctx, true));
        router.get("/password/change").handler(this::changePage);
        router.post("/password/change").handler(csrfChecked).handler(this::change);
        router.get("/password/changed")
                .handler(ctx ->
                        view.render(ctx, "changed.ftlh", 200, model.of(ctx).put("portalUrl", config.portalUrl())));
        router.post("/logout")
                .handler(csrfChecked)
                .handler(ctx -> session.end(ctx, "/login" + PageModel.langQuery(ctx)));
        router.route("/static/*")
                .handler(StaticHandler.create("static")
                        .setCachingEnabled(true)
                        .setMaxAgeSeconds(3600)
                        .setDirectoryListing(false));
    }

    /** The error page for {@code failure}, with its status: what a browser is shown instead of a problem. */
    public void failurePage(RoutingContext ctx, Failure failure) {
        view.failure(ctx, "error.ftlh", model.of(ctx), failure);
    }

    /** 403 for an area under edge.aal2-prefixes: sign in again (then to {@code back}) or set up a second step. */
    public void stepUpPage(RoutingContext ctx, String back) {
        view.render(ctx, "step-up.ftlh", 403, model.of(ctx).put("back", back == null ? "" : back));
    }

    /** Who the session cookie belongs to; {@code /auth/verify} asks the same. */
    public Future<JsonObject> signedIn(RoutingContext ctx) {
        return session.who(ctx);
    }

    /** Ends the browser session and clears its cookie; the caller answers (OpenID Connect's sign-out). */
    public Future<Void> signOut(RoutingContext ctx) {
        return session.close(ctx);
    }

    // ---- «Вход в аккаунт»

    private void loginPage(RoutingContext ctx) {
        String sent = ctx.queryParams().get("sent");
        Model m = model.login(ctx, mode(ctx.queryParams().get("mode")));
        if ("email".equals(sent) || "sms".equals(sent)) {
            // The lifetime the temporary password really has: the banner follows the setting.
            m.put(
                    "banner",
                    PageModel.text(
                            ctx,
                            "page.banner." + sent,
                            Lifetime.of(
                                    config.tempPassword().ttl(),
                                    Lifetime.Form.GENITIVE,
                                    Language.of(ctx).locale())));
        }
        if ("sent".equals(ctx.queryParams().get("code"))) {
            m.put("codeSent", true);
        }
        if ("expired".equals(ctx.queryParams().get("step"))) {
            m.put("formError", PageModel.text(ctx, "page.step.expired"));
        }
        view.render(ctx, "login.ftlh", 200, m);
    }

    private void login(RoutingContext ctx) {
        String mode = mode(form(ctx, "mode"));
        String category = form(ctx, "category");
        String login = form(ctx, "login");
        String ip = clientIp.of(ctx);
        Future<PageAnswer> answer = "sms".equals(mode)
                ? flows.smsLogin().login(category, login, form(ctx, "code"), ip, Channel.PAGE)
                : flows.passwordLogin().login(category, login, form(ctx, "password"), ip, Channel.PAGE);
        answer.onSuccess(a -> {
                    if (a instanceof ChangeRequired change) {
                        cookies.set(ctx, Cookies.CHANGE, change.changeToken(), Duration.ofSeconds(change.expiresIn()));
                        PageView.redirect(ctx, "/password/change" + returns.carried(ctx));
                        return;
                    }
                    if (!steps.due(ctx, a)) {
                        session.start(ctx, (BrowserSession) a, returns.target(ctx));
                    }
                })
                .onFailure(err -> {
                    Model m = model.login(ctx, mode)
                            .put("category", model.category(ctx, category))
                            .put("login", nullToEmpty(login));
                    view.refused(ctx, err, m, "login.ftlh", "sms".equals(mode) ? "page.error.sms-code" : null);
                });
    }

    private void smsCode(RoutingContext ctx) {
        String category = form(ctx, "category");
        String login = form(ctx, "login");
        flows.smsLogin()
                .sendCode(category, login, clientIp.of(ctx))
                .onSuccess(sent -> {
                    cookies.setHint(ctx, category, login);
                    PageView.redirect(ctx, "/login?mode=sms&code=sent" + PageModel.langAnd(ctx) + returns.param(ctx));
                })
                .onFailure(err -> {
                    Model m = model.login(ctx, "sms")
                            .put("category", model.category(ctx, category))
                            .put("login", nullToEmpty(login));
                    view.refused(ctx, err, m, "login.ftlh", null);
                });
    }

    // ---- «Восстановление пароля» and «Регистрация»

    private void recoveryPage(
            RoutingContext ctx, boolean register, Map<String, String> errors, int status, String formError) {
        view.render(ctx, "forgot.ftlh", status, model.recovery(ctx, register, errors, formError));
    }

    private void recovery(RoutingContext ctx, boolean register) {
        String category = form(ctx, "category");
        String login = form(ctx, "login");
        String channel = form(ctx, "channel");
        flows.recovery()
                .request(category, login, channel, clientIp.of(ctx))
                .onSuccess(started -> {
                    cookies.setHint(ctx, category, login);
                    PageView.redirect(
                            ctx, "/login?sent=" + started.channel() + PageModel.langAnd(ctx) + returns.param(ctx));
                })
                .onFailure(err -> {
                    if (err instanceof FlowException fe
                            && fe.failure().status < 500
                            && fe.failure() != Failure.TOO_MANY_REQUESTS) {
                        recoveryPage(
                                ctx,
                                register,
                                PageModel.fields(ctx, fe),
                                fe.failure().status,
                                PageModel.text(ctx, "page.error.summary"));
                    } else if (err instanceof FlowException fe) {
                        PageView.retryAfter(ctx, fe);
                        recoveryPage(
                                ctx,
                                register,
                                Map.of(),
                                fe.failure().status,
                                PageModel.text(ctx, "problem." + fe.failure().code() + ".detail"));
                    } else {
                        ctx.fail(err);
                    }
                });
    }

    // ---- «Изменение пароля»

    /**
     * The change cookie's token if it is a valid change token, or null when there is none; a cookie
     * that is not one is cleared and counts as none.
     */
    private Future<String> changeToken(RoutingContext ctx) {
        String token = cookies.get(ctx, Cookies.CHANGE);
        if (token == null) {
            return Future.succeededFuture(null);
        }
        return flows.sessions().changeClaims(token).map(claims -> token).otherwise(err -> {
            cookies.clear(ctx, Cookies.CHANGE);
            return null;
        });
    }

    private void changePage(RoutingContext ctx) {
        changeToken(ctx).onSuccess(token -> {
            if (token != null) {
                view.render(ctx, "change.ftlh", 200, model.change(ctx, true));
                return;
            }
            session.who(ctx)
                    .onSuccess(who -> view.render(ctx, "change.ftlh", 200, model.change(ctx, false)))
                    .onFailure(err -> PageView.redirect(ctx, "/login" + PageModel.langQuery(ctx)));
        });
    }

    private void change(RoutingContext ctx) {
        changeToken(ctx).onSuccess(token -> {
            if (token != null) {
                forcedChange(ctx, token);
            } else {
                signedInChange(ctx);
            }
        });
    }

    /** After a temporary password: the change token's account gets the new password and a session. */
    private void forcedChange(RoutingContext ctx, String changeToken) {
        flows.passwordChange()
                .change(changeToken, null, form(ctx, "new_password"), form(ctx, "confirm_password"), clientIp.of(ctx))
                .onSuccess(account -> flows.signIn()
                        .changedOrStep(account, clientIp.of(ctx))
                        .onSuccess(started -> {
                            if (!steps.due(ctx, started)) {
                                session.start(ctx, (BrowserSession) started, afterForcedChange(ctx));
                            }
                        })
                        .onFailure(ctx::fail))
                .onFailure(err -> changeRefused(ctx, err, true));
    }

    private void signedInChange(RoutingContext ctx) {
        Future<JsonObject> who = session.who(ctx);
        Future<Account> done = who.compose(w -> flows.passwordChange()
                .changeFor(
                        UUID.fromString(w.getString("sub")),
                        form(ctx, "current_password"),
                        form(ctx, "new_password"),
                        form(ctx, "confirm_password"),
                        clientIp.of(ctx)));
        // The change ended every session of the account, this one too: the person who made it gets a new one.
        done.onSuccess(account -> session.renew(ctx, who.result(), "/password/changed" + PageModel.langQuery(ctx)))
                .onFailure(err -> changeRefused(ctx, err, false));
    }

    private void changeRefused(RoutingContext ctx, Throwable err, boolean forced) {
        if (err instanceof FlowException fe && (fe.failure() == Failure.UNAUTHORIZED)) {
            cookies.clear(ctx, Cookies.CHANGE);
            view.render(
                    ctx,
                    "error.ftlh",
                    401,
                    model.of(ctx).put("formError", PageModel.text(ctx, "problem.unauthorized.detail")));
            return;
        }
        Model m = model.change(ctx, forced);
        if (err instanceof FlowException fe && fe.failure() == Failure.INVALID_CREDENTIALS) {
            m.put("errors", Map.of("current_password", PageModel.text(ctx, "problem.invalid_credentials.title")));
            view.render(ctx, "change.ftlh", 400, m);
            return;
        }
        view.refused(ctx, err, m, "change.ftlh", null);
    }

    /**
     * A sign-in that Kordon itself asked for (an OpenID Connect authorization) goes on there at once;
     * any other lands on «Ваш пароль был успешно изменен», whose «В меню» leads to the portal.
     */
    private String afterForcedChange(RoutingContext ctx) {
        String back = returns.requested(ctx);
        return returns.isOwn(back) ? back : "/password/changed" + PageModel.langQuery(ctx);
    }

    // ---- small helpers

    private static String mode(String raw) {
        return "sms".equals(raw) ? "sms" : "password";
    }

    private static String form(RoutingContext ctx, String name) {
        return ctx.request().getFormAttribute(name);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Whether a sign-in may lead back to {@code url}: the same policy as the login form's return. */
    public boolean allowedReturn(String url) {
        return returns.allowed(url);
    }
}
