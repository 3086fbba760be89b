package dev.kordon.page.security;

import dev.kordon.mfa.PasskeyOutcome;
import dev.kordon.page.PageModel;
import dev.kordon.page.PageModel.Model;
import dev.kordon.page.PageView;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.server.ClientIp;
import dev.kordon.step.SecurityFlow;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * «Безопасность» ({@code /login/security}): a signed-in person's own second step, whatever the
 * role. It shows the methods (the authenticator app, the passkeys with their labels and dates,
 * the recovery codes left) and changes them: a passkey added (through {@code /static/passkey.js},
 * the one part that needs a script, as WebAuthn does) or removed, the app set up, a new set of
 * recovery codes (shown once). Every change is a form with the CSRF token; without a session the
 * browser goes to the sign-in.
 */
public final class SecurityPages {
    static final String PAGE = "/login/security";
    private static final String TOTP = PAGE + "/totp";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd.MM.yyyy");
    private static final ZoneId MINSK = ZoneId.of("Europe/Minsk");
    /** What a change's redirect names for the page's banner. */
    private static final java.util.Set<String> DONE = java.util.Set.of("passkey-added", "passkey-removed", "totp");

    private final SecurityFlow flow;
    private final ClientIp clientIp;
    private final PageModel model;
    private final PageView view;
    private final Function<RoutingContext, Future<JsonObject>> who;

    /** {@code who}: the browser session's holder, as the other pages find it. */
    public SecurityPages(
            SecurityFlow flow,
            ClientIp clientIp,
            PageModel model,
            PageView view,
            Function<RoutingContext, Future<JsonObject>> who) {
        this.flow = flow;
        this.clientIp = clientIp;
        this.model = model;
        this.view = view;
        this.who = who;
    }

    /** Mounted with the sign-in pages, under whose {@code /login*} body and failure handlers it lives. */
    public void on(Router router, Handler<RoutingContext> csrfChecked) {
        router.get(PAGE)
                .handler(ctx -> signedIn(
                        ctx, who -> page(ctx, account(who), model.of(ctx).put("locked", !stepped(who)), 200)));
        router.post(PAGE + "/passkey/options")
                .handler(csrfChecked)
                .handler(ctx -> changing(
                        ctx,
                        account -> flow.passkeyOptions(account)
                                .onSuccess(options -> ctx.response()
                                        .putHeader("Content-Type", "application/json")
                                        .end(options.encode()))
                                .onFailure(ctx::fail)));
        router.post(PAGE + "/passkey").handler(csrfChecked).handler(ctx -> changing(ctx, a -> addPasskey(ctx, a)));
        router.post(PAGE + "/passkey/remove")
                .handler(csrfChecked)
                .handler(ctx -> changing(
                        ctx,
                        account -> flow.removePasskey(account, form(ctx, "id"), clientIp.of(ctx))
                                .onSuccess(removed -> done(ctx, removed ? "passkey-removed" : null))
                                .onFailure(ctx::fail)));
        router.get(TOTP)
                .handler(ctx -> changing(
                        ctx,
                        account -> flow.startTotp(account)
                                .onSuccess(e -> view.render(
                                        ctx,
                                        "enrol.ftlh",
                                        200,
                                        EnrolForm.model(enrolModel(ctx), TOTP, e.secret(), e.otpauthUri(), e.qrSvg())))
                                .onFailure(err -> done(ctx, null))));
        router.post(TOTP).handler(csrfChecked).handler(ctx -> changing(ctx, account -> confirmTotp(ctx, account)));
        router.post(PAGE + "/codes")
                .handler(csrfChecked)
                .handler(ctx -> changing(
                        ctx,
                        account -> flow.renewCodes(account, clientIp.of(ctx))
                                .onSuccess(codes -> codes(ctx, codes, "page.security.codes.done"))
                                .onFailure(err -> done(ctx, null))));
    }

    /** The session's holder, or the sign-in page for a browser without one. */
    private void signedIn(RoutingContext ctx, Handler<JsonObject> then) {
        who.apply(ctx).onComplete(ar -> {
            if (ar.failed() || ar.result() == null || ar.result().getString("sub") == null) {
                PageView.redirect(ctx, "/login" + PageModel.langQuery(ctx));
                return;
            }
            then.handle(ar.result());
        });
    }

    /**
     * A change, for the session's account: its first method from any session; once it has one, only
     * from a session that took the second step, so neither an SMS code's session nor one older than
     * the opt-in changes what guards the account (403, the page says to sign in with the step).
     */
    private void changing(RoutingContext ctx, Handler<UUID> then) {
        signedIn(ctx, who -> {
            UUID account = account(who);
            if (stepped(who)) {
                then.handle(account);
                return;
            }
            flow.show(account)
                    .onSuccess(s -> {
                        if (s.methods().any()) {
                            Model m = model.of(ctx).put("locked", true).put("formError", text(ctx, "step-needed"));
                            page(ctx, account, m, 403);
                        } else {
                            then.handle(account);
                        }
                    })
                    .onFailure(ctx::fail);
        });
    }

    private static UUID account(JsonObject who) {
        return UUID.fromString(who.getString("sub"));
    }

    /** Whether the session's sign-in took a second step: its amr names two factors. */
    private static boolean stepped(JsonObject who) {
        JsonArray amr = who.getJsonArray("amr");
        return amr != null && amr.size() > 1;
    }

    private void page(RoutingContext ctx, UUID account, Model m, int status) {
        String done = ctx.queryParams().get("done");
        if (status == 200 && done != null && DONE.contains(done)) {
            m.put("banner", PageModel.text(ctx, "page.security.done." + done));
        }
        flow.show(account)
                .onSuccess(s -> {
                    List<Map<String, String>> keys = s.passkeys().stream()
                            .map(p -> Map.of(
                                    "id", p.credentialId(),
                                    "label", p.label(),
                                    "created",
                                            p.createdAt()
                                                    .atZoneSameInstant(MINSK)
                                                    .format(DAY)))
                            .toList();
                    view.render(
                            ctx,
                            "security.ftlh",
                            status,
                            m.put("totp", s.methods().totp())
                                    .put("passkeys", keys)
                                    .put("codesLeft", s.methods().recoveryCodesLeft())
                                    .put("anyMethod", s.methods().any()));
                })
                .onFailure(ctx::fail);
    }

    private void addPasskey(RoutingContext ctx, UUID account) {
        flow.addPasskey(account, form(ctx, "credential"), form(ctx, "label"), clientIp.of(ctx))
                .onSuccess(added -> {
                    PasskeyOutcome outcome = added.outcome();
                    if (!outcome.accepted()) {
                        String why = "registered".equals(outcome.reason()) ? "registered" : "refused";
                        page(ctx, account, model.of(ctx).put("formError", text(ctx, "passkey." + why)), 400);
                    } else if (!added.recoveryCodes().isEmpty()) {
                        codes(ctx, added.recoveryCodes(), "page.security.passkey.added");
                    } else {
                        done(ctx, "passkey-added");
                    }
                })
                .onFailure(ctx::fail);
    }

    private void confirmTotp(RoutingContext ctx, UUID account) {
        flow.confirmTotp(account, form(ctx, "code"), clientIp.of(ctx))
                .onSuccess(codes -> {
                    if (codes.isEmpty()) {
                        done(ctx, "totp");
                    } else {
                        codes(ctx, codes, "page.enrolled.done");
                    }
                })
                .onFailure(err -> {
                    Model again = EnrolForm.again(ctx, enrolModel(ctx), TOTP);
                    if (again == null
                            || !(err instanceof FlowException fe)
                            || fe.failure() != Failure.INVALID_CREDENTIALS) {
                        PageView.redirect(ctx, TOTP + PageModel.langQuery(ctx));
                        return;
                    }
                    view.refused(ctx, err, again, "enrol.ftlh", "page.step.wrong.totp");
                });
    }

    private Model enrolModel(RoutingContext ctx) {
        return model.of(ctx).put("enrolLead", "page.security.enrol.lead");
    }

    /** Recovery codes, on this answer only (no-store, like every page), then back to the security page. */
    private void codes(RoutingContext ctx, List<String> codes, String doneKey) {
        view.render(
                ctx,
                "enrolled.ftlh",
                200,
                model.of(ctx)
                        .put("codes", codes)
                        .put("doneKey", doneKey)
                        .put("fromSecurity", true)
                        .put("target", PAGE + PageModel.langQuery(ctx)));
    }

    /** Back to the page (a POST answered by a GET), with what was done for its banner. */
    private static void done(RoutingContext ctx, String what) {
        String lang = PageModel.langAnd(ctx);
        PageView.redirect(ctx, PAGE + (what == null ? PageModel.langQuery(ctx) : "?done=" + what + lang));
    }

    private static String text(RoutingContext ctx, String key) {
        return PageModel.text(ctx, "page.security." + key);
    }

    private static String form(RoutingContext ctx, String name) {
        return ctx.request().getFormAttribute(name);
    }
}
