package dev.kordon.admin;

import dev.kordon.audit.Audit;
import dev.kordon.flow.Grants;
import dev.kordon.flow.Guards;
import dev.kordon.flow.Notices;
import dev.kordon.flow.SessionFlow;
import dev.kordon.guard.TempPasswords;
import dev.kordon.guard.Throttles;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.token.BrowserSessions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What operators do to one account's credentials, on the admin port and in the console: list and
 * end its sessions, force a password reset, send a fresh temporary password. Audited, as every
 * admin change; the account is looked up as {@link AdminFlow} looks it up.
 */
public final class AccountCredentials {
    private final AdminFlow admin;
    private final Throttles throttles;
    private final TempPasswords temps;
    private final SessionFlow sessions;
    private final Grants grants;
    private final Notices notices;
    private final Audit audit;

    public AccountCredentials(AdminFlow admin, Guards guards, Notices notices, SessionFlow sessions, Grants grants) {
        this.admin = admin;
        this.throttles = guards.throttles();
        this.temps = guards.temps();
        this.sessions = sessions;
        this.grants = grants;
        this.notices = notices;
        this.audit = notices.audit();
    }

    /**
     * The account's refresh families and browser sessions, newest first: id, kind, created_at and
     * expires_at (epoch ms). Never a token or cookie: the ids only name them.
     */
    public Future<List<Session>> sessions(String category, String rawLogin) {
        return admin.existing(category, rawLogin).compose(a -> {
            Future<JsonArray> families = grants.refresh().families(a.id());
            Future<JsonArray> browser = grants.browser().list(a.id());
            return Future.all(families, browser).map(all -> {
                List<Session> list = new java.util.ArrayList<>();
                families.result().forEach(o -> list.add(Session.of((JsonObject) o)));
                browser.result().forEach(o -> list.add(Session.of((JsonObject) o)));
                list.sort((x, y) -> Long.compare(y.createdAt(), x.createdAt()));
                return list;
            });
        });
    }

    /**
     * Ends one session by the id {@link #sessions} gave: a refresh family (32 hex digits; the access
     * token issued with it lives out its few minutes) or a browser session (64). NOT_FOUND when none.
     */
    public Future<Void> endSession(String category, String rawLogin, String id, String ip) {
        boolean family = id != null && id.matches("[0-9a-f]{32}");
        boolean browser = id != null && id.matches("[0-9a-f]{64}");
        return admin.existing(category, rawLogin).compose(a -> {
            if (!family && !browser) {
                return Future.failedFuture(new FlowException(Failure.NOT_FOUND));
            }
            // A browser session's OpenID Connect clients are told it ended, as when its person signs out.
            Future<Boolean> ended = family
                    ? sessions.endFamily(a.id(), id)
                    : grants.browser()
                            .end(a.id(), id)
                            .compose(found -> found
                                    ? grants.backchannel()
                                            .sessionEnded(a.id(), BrowserSessions.sid(id))
                                            .map(true)
                                    : Future.succeededFuture(false));
            return ended.compose(found -> {
                if (!found) {
                    return Future.failedFuture(new FlowException(Failure.NOT_FOUND));
                }
                audit.record(
                        Audit.ADMIN_SESSION_ENDED,
                        a.id(),
                        a.category(),
                        a.login(),
                        ip,
                        new JsonObject().put("kind", family ? "refresh" : "browser"));
                return Future.<Void>succeededFuture();
            });
        });
    }

    /**
     * Forces a password reset: the password is cleared (the old one stops working), every credential
     * ends, and a temporary password goes to the e-mail on file as «Забыли пароль?» sends it; signing
     * in with it leads to the forced change. Answers whether it was sent: not to a disabled account.
     */
    public Future<TempPasswordIssued> reset(String category, String rawLogin, String ip) {
        return admin.existing(category, rawLogin)
                .compose(a -> admin.accounts().setHash(a.id(), null).map(a))
                .compose(a -> admin.endEverything(a).map(a))
                .compose(a -> temps.issue(a.category(), a.login()).compose(temp -> {
                    boolean send = a.active() && a.email() != null && !a.email().isEmpty();
                    audit.record(
                            Audit.ADMIN_PASSWORD_RESET,
                            a.id(),
                            a.category(),
                            a.login(),
                            ip,
                            new JsonObject().put("credentials_ended", true).put("sent", send));
                    TempPasswordIssued answer =
                            new TempPasswordIssued(send, temps.config().ttl().toSeconds());
                    if (!send) {
                        return Future.succeededFuture(answer);
                    }
                    try {
                        return notices.outbox()
                                .enqueue(notices.letters().recoveryMail(a, temp))
                                .map(id -> answer);
                    } catch (Exception e) {
                        return Future.failedFuture(e);
                    }
                }));
    }

    /**
     * Sends a fresh temporary password to the e-mail on file, as «Забыли пароль?» does, and changes
     * nothing else: the current password keeps working until the temporary one is used, and no
     * session ends. A new one replaces the one sent before. The number's own recovery caps
     * ({@code recovery.per-hour}, {@code recovery.per-day}) hold here too, so an operator cannot flood
     * a mailbox either. Answers whether it was sent: not to a disabled account or one without an
     * address.
     */
    public Future<TempPasswordIssued> resend(String category, String rawLogin, String ip) {
        return admin.existing(category, rawLogin)
                .compose(a -> throttles.recoveryFor(a.category(), a.login()).map(a))
                .compose(a -> {
                    boolean send = a.active() && a.email() != null && !a.email().isEmpty();
                    TempPasswordIssued answer =
                            new TempPasswordIssued(send, temps.config().ttl().toSeconds());
                    if (!send) {
                        audit.record(
                                Audit.ADMIN_TEMP_PASSWORD_SENT,
                                a.id(),
                                a.category(),
                                a.login(),
                                ip,
                                new JsonObject().put("sent", false));
                        return Future.succeededFuture(answer);
                    }
                    return temps.issue(a.category(), a.login()).compose(temp -> {
                        audit.record(
                                Audit.ADMIN_TEMP_PASSWORD_SENT,
                                a.id(),
                                a.category(),
                                a.login(),
                                ip,
                                new JsonObject().put("sent", true));
                        try {
                            return notices.outbox()
                                    .enqueue(notices.letters().recoveryMail(a, temp))
                                    .map(id -> answer);
                        } catch (Exception e) {
                            return Future.failedFuture(e);
                        }
                    });
                });
    }
}
