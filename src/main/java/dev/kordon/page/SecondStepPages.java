package dev.kordon.page;

import dev.kordon.answer.BrowserSession;
import dev.kordon.answer.Channel;
import dev.kordon.answer.Enrolled;
import dev.kordon.answer.PageAnswer;
import dev.kordon.answer.StepRequired;
import dev.kordon.page.PageModel.Model;
import dev.kordon.page.security.EnrolForm;
import dev.kordon.page.security.SecurityPages;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.server.ClientIp;
import dev.kordon.step.StepFlows;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The second step of a sign-in, for the roles that must have one: «Второй шаг»
 * ({@code /login/second-step}: a code from the authenticator app, or a recovery code) and
 * «Подключение приложения» ({@code /login/enrol}: the first sign-in of an account with no method
 * yet, then its recovery codes, shown once). Both live under {@code /login} so that every proxy
 * that already routes the sign-in pages to Kordon routes these too. Between the password and the
 * code the step token is kept in its own cookie, SameSite=Strict; no session exists until the step
 * is done.
 */
final class SecondStepPages {
    /** What the step pages share with the others. */
    record Parts(Cookies cookies, ReturnUrl returns, PageModel model, PageView view, PageSession session) {}

    private static final String ENROL = "/login/enrol";

    private final StepFlows flows;
    private final ClientIp clientIp;
    private final Cookies cookies;
    /** The step token's cookie: only ever sent back by Kordon's own pages. */
    private final Cookies strict;

    private final ReturnUrl returns;
    private final PageModel model;
    private final PageView view;
    private final PageSession session;
    private final SecurityPages security;

    SecondStepPages(StepFlows flows, ClientIp clientIp, boolean secure, Parts parts) {
        this.flows = flows;
        this.clientIp = clientIp;
        this.cookies = parts.cookies();
        this.strict = new Cookies(secure, CookieSameSite.STRICT);
        this.returns = parts.returns();
        this.model = parts.model();
        this.view = parts.view();
        this.session = parts.session();
        this.security = new SecurityPages(flows.security(), clientIp, model, view, session::who);
    }

    /** Mounted after {@code /login*}'s body and failure handlers, whose paths these share. */
    void on(Router router, Handler<RoutingContext> csrfChecked) {
        router.get("/login/second-step")
                .handler(ctx -> withToken(
                        ctx,
                        token -> stepModel(ctx, token, method(ctx.queryParams().get("method")))
                                .onSuccess(m -> view.render(ctx, "second-step.ftlh", 200, m))));
        router.post("/login/second-step")
                .handler(csrfChecked)
                .handler(ctx -> withToken(ctx, token -> step(ctx, token)));
        // The passkey button's script asks here, the step cookie naming the account, the form's token checked.
        router.post("/login/second-step/passkey")
                .handler(csrfChecked)
                .handler(ctx -> withToken(ctx, token -> passkeyOptions(ctx, token)));
        router.get("/login/enrol").handler(ctx -> withToken(ctx, token -> enrolPage(ctx, token)));
        router.post("/login/enrol").handler(csrfChecked).handler(ctx -> withToken(ctx, token -> enrol(ctx, token)));
        security.on(router, csrfChecked);
    }

    /**
     * After a first step: when the answer asks for a second one, its token goes into the step cookie
     * and the browser to the step's page (or to the enrolment), with the language and the return
     * kept; true then.
     */
    boolean due(RoutingContext ctx, PageAnswer answer) {
        if (!(answer instanceof StepRequired step)) {
            return false;
        }
        // A forced change that led here spent its token: the change cookie has nothing left to do.
        cookies.clear(ctx, Cookies.CHANGE);
        strict.set(ctx, Cookies.STEP, step.stepToken(), Duration.ofSeconds(step.expiresIn()));
        PageView.redirect(ctx, (step.enrol() ? "/login/enrol" : "/login/second-step") + returns.carried(ctx));
        return true;
    }

    /** The step's page without its cookie is one whose step ran out: back to the password. */
    private void withToken(RoutingContext ctx, Handler<String> page) {
        String token = strict.get(ctx, Cookies.STEP);
        if (token == null) {
            ranOut(ctx);
            return;
        }
        page.handle(token);
    }

    // ---- «Второй шаг»

    private void step(RoutingContext ctx, String token) {
        String method = method(form(ctx, "method"));
        String code = form(ctx, "code");
        String ip = clientIp.of(ctx);
        Future<PageAnswer> answer = switch (method) {
            case "recovery" -> flows.codes().recovery(token, code, ip, Channel.PAGE);
            case "passkey" -> flows.passkeys().passkey(token, form(ctx, "credential"), ip, Channel.PAGE);
            default -> flows.codes().totp(token, code, ip, Channel.PAGE);
        };
        answer.onSuccess(a -> {
                    strict.clear(ctx, Cookies.STEP);
                    session.start(ctx, (BrowserSession) a, returns.target(ctx));
                })
                .onFailure(err -> {
                    if (ranOut(err)) {
                        ranOut(ctx);
                        return;
                    }
                    stepModel(ctx, token, method)
                            .onSuccess(m -> view.refused(ctx, err, m, "second-step.ftlh", "page.step.wrong." + method));
                });
    }

    /**
     * The step's page with the code form of {@code method} (a refused passkey shows the app's); the
     * passkey button only for an account that has a passkey.
     */
    private Future<Model> stepModel(RoutingContext ctx, String token, String method) {
        String shown = "recovery".equals(method) ? "recovery" : "totp";
        String other = "recovery".equals(shown) ? "totp" : "recovery";
        return flows.passkeys()
                .offered(token)
                .otherwise(false)
                .map(passkey -> model.of(ctx)
                        .put("method", shown)
                        .put("passkey", passkey)
                        .put(
                                "switchTo",
                                "/login/second-step?method=" + other + PageModel.langAnd(ctx) + returns.param(ctx)));
    }

    /** The options of {@code navigator.credentials.get()} as JSON; a step that ran out is 401, no passkey 400. */
    private void passkeyOptions(RoutingContext ctx, String token) {
        flows.passkeys().options(token).onComplete(ar -> {
            int status = ar.succeeded() ? 200 : ranOut(ar.cause()) ? 401 : 400;
            if (ar.failed() && !(ar.cause() instanceof FlowException)) {
                ctx.fail(ar.cause());
                return;
            }
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .end(ar.succeeded() ? ar.result().encode() : "{}");
        });
    }

    // ---- «Подключение приложения»

    /** A new secret each time the page is asked for: the one shown is the one the code must match. */
    private void enrolPage(RoutingContext ctx, String token) {
        flows.codes()
                .enrolTotp(token)
                .onSuccess(e -> view.render(
                        ctx,
                        "enrol.ftlh",
                        200,
                        EnrolForm.model(model.of(ctx), ENROL, e.secret(), e.otpauthUri(), e.qrSvg())))
                .onFailure(err -> {
                    if (ranOut(err)) {
                        ranOut(ctx);
                    } else if (err instanceof FlowException fe && fe.failure() == Failure.INVALID_REQUEST) {
                        // The account has a method already (enrolled in another tab): it gives the step.
                        PageView.redirect(ctx, "/login/second-step" + returns.carried(ctx));
                    } else {
                        ctx.fail(err);
                    }
                });
    }

    /**
     * The first good code confirms the app: the session starts, and the recovery codes are shown on
     * this answer, the one time they ever are (no-store, like every page).
     */
    private void enrol(RoutingContext ctx, String token) {
        flows.codes()
                .confirmTotp(token, form(ctx, "code"), clientIp.of(ctx), Channel.PAGE)
                .onSuccess(done -> enrolled(ctx, done))
                .onFailure(err -> {
                    if (ranOut(err)) {
                        ranOut(ctx);
                    } else {
                        enrolAgain(ctx, err);
                    }
                });
    }

    private void enrolled(RoutingContext ctx, Enrolled<PageAnswer> done) {
        session.begin(ctx, (BrowserSession) done.grant())
                .onSuccess(v -> {
                    strict.clear(ctx, Cookies.STEP);
                    view.render(
                            ctx,
                            "enrolled.ftlh",
                            200,
                            model.of(ctx).put("codes", done.recoveryCodes()).put("target", returns.target(ctx)));
                })
                .onFailure(ctx::fail);
    }

    /**
     * A wrong code shows the same secret again: asking the flow would replace it, and the person
     * would have to scan anew an app that holds the first one already. The form carries what it
     * showed; only what looks like an enrolment is drawn again (the code is checked against the
     * secret Kordon keeps, never against this), anything else gets a fresh page.
     */
    private void enrolAgain(RoutingContext ctx, Throwable err) {
        Model again = EnrolForm.again(ctx, model.of(ctx), ENROL);
        if (again == null) {
            PageView.redirect(ctx, ENROL + returns.carried(ctx));
            return;
        }
        view.refused(ctx, err, again, "enrol.ftlh", "page.step.wrong.totp");
    }

    // ---- a step that ran out

    /** The flow's answer for a step token that is unknown, out of time or of tries, or already spent. */
    private static boolean ranOut(Throwable err) {
        return err instanceof FlowException fe && fe.failure() == Failure.UNAUTHORIZED;
    }

    /** The step's token is gone (its time, or its tries): sign in again, and the page says why. */
    private void ranOut(RoutingContext ctx) {
        strict.clear(ctx, Cookies.STEP);
        PageView.redirect(ctx, "/login?step=expired" + PageModel.langAnd(ctx) + returns.param(ctx));
    }

    private static String method(String raw) {
        return "recovery".equals(raw) || "passkey".equals(raw) ? raw : "totp";
    }

    private static String form(RoutingContext ctx, String name) {
        return ctx.request().getFormAttribute(name);
    }
}
