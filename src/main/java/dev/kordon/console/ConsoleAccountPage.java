package dev.kordon.console;

import dev.kordon.admin.AccountCredentials;
import dev.kordon.admin.AccountState;
import dev.kordon.admin.AdminFlow;
import dev.kordon.admin.Session;
import dev.kordon.audit.AuditEvent;
import dev.kordon.config.KordonConfig;
import dev.kordon.page.PageModel;
import dev.kordon.page.PageModel.Model;
import dev.kordon.page.PageView;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Lifetime;
import dev.kordon.server.ClientIp;
import dev.kordon.server.Edge;
import dev.kordon.server.Language;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/**
 * One account in the console: its state, sessions and security events, and what the desk may do
 * to it (unlock, disable, enable, force a reset, send a temporary password, end a session, reset
 * its second step). A
 * change lands back on the account page with what was done; a refusal, with why.
 */
final class ConsoleAccountPage {
    /** Security events the account page shows. */
    static final int EVENTS = 30;
    /** What the account page may say was done; anything else in {@code ?done=} is ignored. */
    static final Set<String> DONE = Set.of(
            "unlock",
            "disable",
            "enable",
            "reset",
            "reset-unsent",
            "resend",
            "resend-unsent",
            "session",
            "mfa-reset",
            "mfa-totp",
            "mfa-passkey");

    static final Set<String> ACTIONS =
            Set.of("unlock", "disable", "enable", "reset", "resend", "mfa-reset", "mfa-totp");
    /** Actions a customer feels at once, asked again on a page of their own before they are done. */
    static final Set<String> CONFIRMED = Set.of("disable", "reset", "mfa-reset", "mfa-totp");

    private final KordonConfig config;
    private final ClientIp clientIp;
    private final AdminFlow admin;
    private final AccountCredentials credentials;
    private final PageView view;
    private final ConsoleRows rows;

    ConsoleAccountPage(Edge edge, AdminFlow admin, AccountCredentials credentials, PageView view, ConsoleRows rows) {
        this.config = edge.config();
        this.clientIp = edge.clientIp();
        this.admin = admin;
        this.credentials = credentials;
        this.view = view;
        this.rows = rows;
    }

    /** The account page, with what was just done ({@code ?done=}) or why an action was refused. */
    void show(RoutingContext ctx, int status, String banner, String formError) {
        String category = ctx.pathParam("category");
        String login = ctx.pathParam("login");
        String done = ctx.queryParams().get("done");
        String shownBanner = !banner.isEmpty()
                ? banner
                : done != null && DONE.contains(done)
                        ? PageModel.text(
                                ctx,
                                "console.done." + done,
                                Lifetime.of(
                                        config.tempPassword().ttl(),
                                        Lifetime.Form.GENITIVE,
                                        Language.of(ctx).locale()))
                        : "";
        Future<AccountState> account = admin.account(category, login);
        // Once the account is found (else NOT_FOUND below), its sessions and events are read side by side.
        Future<List<Session>> sessions = account.compose(a -> credentials.sessions(category, login));
        Future<List<AuditEvent>> events = account.compose(a -> admin.events(category, login, EVENTS));
        Future<JsonObject> secondStep = account.compose(a -> credentials.secondStep(category, login));
        Future.all(sessions, events, secondStep)
                .map(all -> events.result())
                .onSuccess(ev -> {
                    AccountState a = account.result();
                    String canonical = a.account().login();
                    Model m = rows.base(ctx, true)
                            .put("banner", shownBanner)
                            .put("formError", formError)
                            .put("account", rows.account(ctx, a))
                            .put("action", ConsoleRows.href(category, canonical))
                            .put("sessions", ConsoleRows.sessions(ctx, sessions.result()))
                            .put("secondStep", secondStep(secondStep.result()))
                            .put("events", ConsoleRows.events(ctx, ev));
                    view.render(ctx, "console/account.ftlh", status, m);
                })
                .onFailure(err -> {
                    if (err instanceof FlowException fe
                            && (fe.failure() == Failure.NOT_FOUND
                                    || !fe.fields().isEmpty())) {
                        view.render(
                                ctx,
                                "console/search.ftlh",
                                404,
                                rows.base(ctx, true)
                                        .put("q", "")
                                        .put("results", List.of())
                                        .put("searched", false)
                                        .put("more", false)
                                        .put("formError", PageModel.text(ctx, "console.account.missing")));
                        return;
                    }
                    ctx.fail(err);
                });
    }

    void act(RoutingContext ctx) {
        String action = ctx.pathParam("action");
        if (!ACTIONS.contains(action)) {
            ctx.next();
            return;
        }
        String category = ctx.pathParam("category");
        String login = ctx.pathParam("login");
        if (CONFIRMED.contains(action) && !"yes".equals(ctx.request().getFormAttribute("confirmed"))) {
            confirm(ctx, action, action);
            return;
        }
        String ip = clientIp.of(ctx);
        Future<String> done = switch (action) {
            case "unlock" -> admin.unlock(category, login, ip).map("unlock");
            case "disable" -> admin.disable(category, login, ip).map("disable");
            case "enable" -> admin.enable(category, login, ip).map("enable");
            case "reset" -> credentials.reset(category, login, ip).map(r -> r.sent() ? "reset" : "reset-unsent");
            case "mfa-reset" ->
                credentials.removeSecondStep(category, login, "all", ip).map("mfa-reset");
            case "mfa-totp" ->
                credentials.removeSecondStep(category, login, "totp", ip).map("mfa-totp");
            default -> credentials.resend(category, login, ip).map(r -> r.sent() ? "resend" : "resend-unsent");
        };
        done.onSuccess(what -> backToAccount(ctx, what)).onFailure(err -> actionRefused(ctx, err));
    }

    /** One passkey removed, after the question; the rest of the account's second step stays. */
    void removePasskey(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!"yes".equals(ctx.request().getFormAttribute("confirmed"))) {
            confirm(ctx, "mfa-passkey", "passkeys/" + id + "/remove");
            return;
        }
        credentials
                .removeSecondStep(ctx.pathParam("category"), ctx.pathParam("login"), "passkey:" + id, clientIp.of(ctx))
                .onSuccess(v -> backToAccount(ctx, "mfa-passkey"))
                .onFailure(err -> actionRefused(ctx, err));
    }

    /** The account's second-step methods as the page shows them: flags, counts, passkeys' names; never a secret. */
    private static java.util.Map<String, Object> secondStep(JsonObject methods) {
        List<java.util.Map<String, String>> passkeys = methods.getJsonArray("passkeys").stream()
                .map(JsonObject.class::cast)
                .map(p -> java.util.Map.of(
                        "id",
                        p.getString("id"),
                        "label",
                        p.getString("label", ""),
                        "created",
                        ConsoleRows.when(p.getLong("created_at"))))
                .toList();
        boolean totp = methods.getBoolean("totp");
        return java.util.Map.of(
                "totp",
                totp,
                "passkeys",
                passkeys,
                "codesLeft",
                methods.getInteger("recovery_codes_left"),
                "any",
                totp || !passkeys.isEmpty() || methods.getInteger("recovery_codes_left") > 0);
    }

    /**
     * The question before a disable or a reset: what it does to the customer, yes or back (to {@code
     * path} under the account). Changes nothing.
     */
    private void confirm(RoutingContext ctx, String action, String path) {
        String category = ctx.pathParam("category");
        admin.account(category, ctx.pathParam("login"))
                .onSuccess(a -> {
                    // One line for the number in the question: no break inside it.
                    String shown = rows.shown(category, a.account().login()).replace(' ', '\u00a0');
                    String href = ConsoleRows.href(category, a.account().login());
                    view.render(
                            ctx,
                            "console/confirm.ftlh",
                            200,
                            rows.base(ctx, true)
                                    .put("question", PageModel.text(ctx, "console.confirm." + action, shown))
                                    .put("hint", PageModel.text(ctx, "console.action." + action + ".hint"))
                                    .put("submit", PageModel.text(ctx, "console.confirm." + action + ".submit"))
                                    .put("action", href + "/" + path)
                                    .put("back", href + PageModel.langQuery(ctx)));
                })
                .onFailure(err -> actionRefused(ctx, err));
    }

    void endSession(RoutingContext ctx) {
        credentials
                .endSession(ctx.pathParam("category"), ctx.pathParam("login"), ctx.pathParam("id"), clientIp.of(ctx))
                .onSuccess(v -> backToAccount(ctx, "session"))
                .onFailure(err -> actionRefused(ctx, err));
    }

    private void backToAccount(RoutingContext ctx, String done) {
        PageView.redirect(
                ctx,
                ConsoleRows.href(ctx.pathParam("category"), ctx.pathParam("login")) + "?done=" + done
                        + PageModel.langAnd(ctx));
    }

    /** A refused action: the account page again, with the reason on top. */
    private void actionRefused(RoutingContext ctx, Throwable err) {
        if (!(err instanceof FlowException fe)) {
            ctx.fail(err);
            return;
        }
        PageView.retryAfter(ctx, fe);
        String reason = fe.failure() == Failure.NOT_FOUND
                ? PageModel.text(ctx, "console.session.gone")
                : fe.failure() == Failure.TOO_MANY_REQUESTS
                        ? PageModel.text(ctx, "console.resend.throttled", ConsoleRows.pause(ctx, fe))
                        : PageModel.text(ctx, "problem." + fe.failure().code() + ".detail");
        show(ctx, fe.failure().status, "", reason);
    }
}
