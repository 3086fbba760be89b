package dev.kordon.console;

import dev.kordon.admin.ConsoleAccess;
import dev.kordon.operator.OperatorSignIn;
import dev.kordon.operator.OperatorSignIn.Next;
import dev.kordon.page.Cookies;
import dev.kordon.page.PageModel;
import dev.kordon.page.PageModel.Model;
import dev.kordon.page.PageView;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import dev.kordon.server.ClientIp;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A named operator's way into the console, page by page and without script: name and password, a
 * new password when the one given was temporary, the authenticator app's enrolment at the first
 * sign-in (its QR code drawn here, the key as text, confirmed by a code; then the recovery codes,
 * shown once), and the code at every later sign-in. The step token rides in its own strict cookie;
 * what each step does is {@link OperatorSignIn}'s.
 */
final class ConsoleOperatorSignIn {
    static final String PASSWORD = "/console/login/password";
    static final String CHANGE = "/console/login/change";
    static final String ENROL = "/console/login/enrol";
    static final String CODE = "/console/login/code";

    private final ConsoleAccess access;
    private final OperatorSignIn operators;
    private final ClientIp clientIp;
    private final Cookies cookies;
    private final PageView view;
    private final ConsoleRows rows;
    private final Shared shared;

    /** The sign-in page, with an error and its status. */
    interface LoginPage {
        void show(RoutingContext ctx, int status, String formError);
    }

    /** What the console's routes share with the operator's sign-in. */
    record Shared(ClientIp clientIp, Cookies cookies, PageView view, ConsoleRows rows, LoginPage login) {}

    ConsoleOperatorSignIn(ConsoleAccess access, Shared shared) {
        this.access = access;
        this.operators = access.operators();
        this.clientIp = shared.clientIp();
        this.cookies = shared.cookies();
        this.view = shared.view();
        this.rows = shared.rows();
        this.shared = shared;
    }

    /** Before the console's session check: none of these pages needs a session. */
    void on(Router router, Handler<RoutingContext> csrfChecked) {
        router.post(PASSWORD).handler(csrfChecked).handler(this::password);
        router.get(CHANGE).handler(ctx -> page(ctx, Next.CHANGE, 200, ""));
        router.post(CHANGE).handler(csrfChecked).handler(this::change);
        router.get(ENROL).handler(ctx -> page(ctx, Next.ENROL, 200, ""));
        router.post(ENROL).handler(csrfChecked).handler(this::second);
        router.get(CODE).handler(ctx -> page(ctx, Next.CODE, 200, ""));
        router.post(CODE).handler(csrfChecked).handler(this::second);
    }

    private void password(RoutingContext ctx) {
        operators
                .password(form(ctx, "name"), form(ctx, "password"), clientIp.of(ctx))
                .onSuccess(stage -> onward(ctx, stage))
                .onFailure(err -> refused(ctx, err, "console.operator.wrong"));
    }

    private void change(RoutingContext ctx) {
        operators
                .change(step(ctx), form(ctx, "password"), form(ctx, "repeat"), clientIp.of(ctx))
                .onSuccess(stage -> onward(ctx, stage))
                .onFailure(err -> {
                    if (err instanceof FlowException fe && fe.failure() == Failure.PASSWORD_MISMATCH) {
                        page(ctx, Next.CHANGE, 400, PageModel.text(ctx, "console.operator.change.mismatch"));
                    } else if (err instanceof FlowException fe && fe.fields().containsKey("password")) {
                        Text t = fe.fields().get("password");
                        page(
                                ctx,
                                Next.CHANGE,
                                400,
                                PageModel.text(ctx, t.key(), t.args().toArray()));
                    } else {
                        refused(ctx, err, "console.operator.wrong");
                    }
                });
    }

    private void second(RoutingContext ctx) {
        String old = cookies.get(ctx, Cookies.CONSOLE);
        boolean enrolling = ctx.request().path().equals(ENROL);
        operators
                .second(step(ctx), form(ctx, "code"), clientIp.of(ctx))
                // A sign-in always makes a new session; one this browser held before ends.
                .compose(in -> (old == null
                                ? Future.<Void>succeededFuture()
                                : access.sessions().close(old))
                        .map(in))
                .onSuccess(in -> {
                    cookies.clear(ctx, Cookies.CONSOLE_STEP);
                    cookies.set(
                            ctx,
                            Cookies.CONSOLE,
                            in.session(),
                            access.sessions().ttl());
                    String target = target(ctx);
                    if (in.recoveryCodes().isEmpty()) {
                        PageView.redirect(ctx, target);
                        return;
                    }
                    view.render(
                            ctx,
                            "console/operator-codes.ftlh",
                            200,
                            rows.base(ctx, false)
                                    .put("codes", in.recoveryCodes())
                                    .put("target", target));
                })
                .onFailure(err -> {
                    if (err instanceof FlowException fe && fe.failure() == Failure.INVALID_CREDENTIALS) {
                        page(
                                ctx,
                                enrolling ? Next.ENROL : Next.CODE,
                                401,
                                PageModel.text(ctx, "console.operator.code.wrong"));
                    } else {
                        refused(ctx, err, "console.operator.code.wrong");
                    }
                });
    }

    /** The page of a step, for a live step token; the sign-in page when it is over. */
    private void page(RoutingContext ctx, Next which, int status, String formError) {
        String token = step(ctx);
        Future<Model> shown = which == Next.ENROL
                ? operators
                        .enrolment(token)
                        .map(e -> e == null
                                ? null
                                : rows.base(ctx, false)
                                        .put("operator", e.operator())
                                        .put("qrSvg", e.qrSvg())
                                        .put("secret", e.secret().replaceAll("(.{4})(?!$)", "$1 ")))
                : operators.next(token).map(n -> n == which ? rows.base(ctx, false) : null);
        shown.onSuccess(m -> {
                    if (m == null) {
                        expired(ctx);
                        return;
                    }
                    String template = which == Next.CHANGE
                            ? "console/operator-change.ftlh"
                            : which == Next.ENROL ? "console/operator-enrol.ftlh" : "console/operator-code.ftlh";
                    view.render(
                            ctx,
                            template,
                            status,
                            m.put("formError", formError).put("banner", "").put("next", ConsoleRoutes.next(ctx)));
                })
                .onFailure(ctx::fail);
    }

    private void onward(RoutingContext ctx, OperatorSignIn.Stage stage) {
        cookies.set(ctx, Cookies.CONSOLE_STEP, stage.token(), operators.stepTtl());
        String to = stage.next() == Next.CHANGE ? CHANGE : stage.next() == Next.ENROL ? ENROL : CODE;
        String next = ConsoleRoutes.next(ctx);
        PageView.redirect(ctx, to + (next.isEmpty() ? PageModel.langQuery(ctx) : "?next=" + ConsoleRows.enc(next)));
    }

    private void refused(RoutingContext ctx, Throwable err, String wrongKey) {
        if (err instanceof FlowException fe && fe.failure() == Failure.INVALID_GRANT) {
            expired(ctx);
        } else if (err instanceof FlowException fe && fe.failure() == Failure.INVALID_CREDENTIALS) {
            login(ctx, 401, PageModel.text(ctx, wrongKey));
        } else if (err instanceof FlowException fe && fe.failure() == Failure.TOO_MANY_REQUESTS) {
            PageView.retryAfter(ctx, fe);
            login(ctx, 429, PageModel.text(ctx, "console.operator.throttled", ConsoleRows.pause(ctx, fe)));
        } else if (err instanceof FlowException fe && fe.failure() == Failure.INVALID_REQUEST) {
            login(ctx, 400, PageModel.text(ctx, wrongKey));
        } else {
            ctx.fail(err);
        }
    }

    private void expired(RoutingContext ctx) {
        cookies.clear(ctx, Cookies.CONSOLE_STEP);
        login(ctx, 401, PageModel.text(ctx, "console.operator.expired"));
    }

    private void login(RoutingContext ctx, int status, String formError) {
        shared.login().show(ctx, status, formError);
    }

    private String step(RoutingContext ctx) {
        return cookies.get(ctx, Cookies.CONSOLE_STEP);
    }

    private static String target(RoutingContext ctx) {
        String next = ConsoleRoutes.next(ctx);
        return next.isEmpty() ? ConsoleRoutes.HOME + PageModel.langQuery(ctx) : next;
    }

    private static String form(RoutingContext ctx, String name) {
        return ctx.request().getFormAttribute(name);
    }
}
