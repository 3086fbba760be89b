package dev.kordon.admin;

import dev.kordon.audit.Audit;
import dev.kordon.flow.Grants;
import dev.kordon.flow.Guards;
import dev.kordon.flow.Notices;
import dev.kordon.flow.SessionFlow;
import dev.kordon.guard.TempPasswords;
import dev.kordon.guard.Throttles;
import dev.kordon.mfa.SecondFactors;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.token.BrowserSessions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What operators do to one account's credentials, on the admin port and in the console: list and
 * end its sessions, force a password reset, send a fresh temporary password, see and remove its
 * second-step methods. Audited, as every
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
    private final SecondFactors factors;

    public AccountCredentials(AdminFlow admin, Guards guards, Notices notices, SessionFlow sessions, Grants grants) {
        this.admin = admin;
        this.throttles = guards.throttles();
        this.temps = guards.temps();
        this.sessions = sessions;
        this.grants = grants;
        this.notices = notices;
        this.audit = notices.audit();
        this.factors = guards.factors();
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

    /** The account's second-step methods: whether an app, its passkeys (never a key), recovery codes left. */
    public Future<JsonObject> secondStep(String category, String rawLogin) {
        return admin.existing(category, rawLogin).compose(a -> {
            Future<SecondFactors.Methods> methods = factors.methods(a.id());
            Future<List<SecondFactors.Passkey>> passkeys = factors.passkeys(a.id());
            return Future.all(methods, passkeys).map(all -> {
                JsonArray keys = new JsonArray();
                passkeys.result()
                        .forEach(p -> keys.add(new JsonObject()
                                .put("id", p.credentialId())
                                .put("label", p.label())
                                .put("created_at", p.createdAt().toInstant().toEpochMilli())
                                .put(
                                        "last_used_at",
                                        p.lastUsedAt() == null
                                                ? null
                                                : p.lastUsedAt().toInstant().toEpochMilli())));
                return new JsonObject()
                        .put("totp", methods.result().totp())
                        .put("passkeys", keys)
                        .put("recovery_codes_left", methods.result().recoveryCodesLeft());
            });
        });
    }

    /**
     * Removes the account's second-step methods: {@code all}, {@code totp}, or {@code passkey:<id>}.
     * Audited and mailed to the organisation; the person enrols again at the next sign-in.
     * NOT_FOUND when there was no such method.
     */
    public Future<Void> removeSecondStep(String category, String rawLogin, String what, String ip) {
        return admin.existing(category, rawLogin).compose(a -> {
            Future<Boolean> removed = switch (what) {
                case "all" -> factors.resetAll(a.id()).map(true);
                case "totp" -> factors.removeTotp(a.id());
                default ->
                    what.startsWith("passkey:")
                            ? factors.removePasskey(a.id(), what.substring("passkey:".length()))
                            : Future.succeededFuture(false);
            };
            return removed.compose(found -> {
                if (!found) {
                    return Future.failedFuture(new FlowException(Failure.NOT_FOUND));
                }
                String kind = what.equals("all") || what.equals("totp") ? what : "passkey";
                audit.record(
                        Audit.ADMIN_MFA_RESET,
                        a.id(),
                        a.category(),
                        a.login(),
                        ip,
                        new JsonObject().put("removed", kind));
                try {
                    return notices.outbox()
                            .enqueue(notices.letters().secondStepResetMail(a, kind))
                            .mapEmpty();
                } catch (Exception e) {
                    return Future.failedFuture(e);
                }
            });
        });
    }
}
