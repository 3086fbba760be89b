package dev.kordon.flow;

import dev.kordon.account.Account;
import dev.kordon.account.AccountRepository;
import dev.kordon.audit.Audit;
import dev.kordon.credential.Credentials;
import dev.kordon.credential.HashQueue;
import dev.kordon.credential.PasswordHasher;
import dev.kordon.dispatch.Letters;
import dev.kordon.dispatch.Outbox;
import dev.kordon.guard.ChangeTokens;
import dev.kordon.guard.TempPasswords;
import dev.kordon.guard.Throttles;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import dev.kordon.token.TokenService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * «Изменение пароля»: «Введите новый пароль», «Подтвердите новый пароль», «Сохранить». Either with
 * the change token of a temporary-password sign-in (the forced change), or with an access token
 * plus the current password. The current password passes the same gate as a sign-in by password:
 * its failures count toward the login's delays and lock, and a locked login is refused as if the
 * password were wrong. On success the temporary password is gone, every credential of the account
 * ends (see {@link SessionFlow#endAll}) and a notice (no secrets) goes to the organisation's e-mail.
 */
public final class PasswordChangeFlow {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordChangeFlow.class);

    private final SessionFlow sessions;
    private final AccountRepository accounts;
    private final Credentials credentials;
    private final TempPasswords temps;
    private final ChangeTokens changes;
    private final Throttles throttles;
    private final Outbox outbox;
    private final Letters letters;
    private final Audit audit;

    public PasswordChangeFlow(
            SessionFlow sessions, AccountRepository accounts, Credentials credentials, Guards guards, Notices notices) {
        this.sessions = sessions;
        this.accounts = accounts;
        this.credentials = credentials;
        this.temps = guards.temps();
        this.changes = guards.changes();
        this.throttles = guards.throttles();
        this.outbox = notices.outbox();
        this.letters = notices.letters();
        this.audit = notices.audit();
    }

    /** The account whose password changed, as it was read for the change. */
    public Future<Account> change(String bearer, String current, String next, String confirm, String ip) {
        if (bearer == null) {
            return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
        }
        boolean forced = TokenService.CHANGE.equals(TokenService.claimedType(bearer));
        if (forced) {
            return sessions.changeClaims(bearer).compose(claims -> {
                UUID id = UUID.fromString(claims.getString("sub"));
                String jti = claims.getString("jti");
                return changes.peek(id, jti).compose(tempHash -> {
                    if (tempHash == null) {
                        return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
                    }
                    return account(id).compose(a -> {
                        validate(a, next, confirm, false, current);
                        if (temps.matches(tempHash, a.category(), a.login(), next)) {
                            throw weak(Text.of("policy.temporary"));
                        }
                        // The change token is spent here, once, whatever else is racing it.
                        return changes.spend(id, jti, tempHash)
                                .compose(spent -> spent
                                        ? store(a, next)
                                        : Future.failedFuture(new FlowException(Failure.UNAUTHORIZED)));
                    });
                });
            });
        }
        return sessions.authenticate(bearer)
                .compose(claims -> changeFor(UUID.fromString(claims.getString("sub")), current, next, confirm, ip));
    }

    /**
     * A signed-in change (access token or browser session): the current password is required, and
     * guessing it costs what guessing at the sign-in costs (429 with Retry-After, then the lock).
     */
    public Future<Account> changeFor(UUID accountId, String current, String next, String confirm, String ip) {
        return account(accountId).compose(a -> {
            validate(a, next, confirm, true, current);
            // As at the sign-in: shed under a burst before any attempt is counted.
            return credentials
                    .admit()
                    .compose(place -> throttles
                            .passwordAttempt(a.category(), a.login(), ip, pause -> credentials.aside(place, pause))
                            .recover(err -> {
                                if (err instanceof FlowException fe && fe.failure() == Failure.TOO_MANY_REQUESTS) {
                                    audit.record(
                                            Audit.LOGIN_THROTTLED,
                                            a.id(),
                                            a.category(),
                                            a.login(),
                                            ip,
                                            new JsonObject()
                                                    .put("method", "password_change")
                                                    .put(
                                                            "retry_after_s",
                                                            fe.retryAfter().toSeconds()));
                                }
                                return Future.failedFuture(err);
                            })
                            .compose(decision -> checkCurrent(place, a, current, ip, decision))
                            // Given back on every path; after the hash it is already free, and this does nothing.
                            .andThen(done -> place.release()))
                    .compose(v -> store(a, next));
        });
    }

    /** The current password against the gate's decision; a locked login fails like a wrong password. */
    private Future<Void> checkCurrent(
            HashQueue.Place place, Account a, String current, String ip, Throttles.Decision decision) {
        boolean locked = decision.gate() == Throttles.Gate.LOCKED;
        return credentials
                .verify(place, a.passwordHash(), current)
                .recover(err -> {
                    if (!locked && err instanceof FlowException fe && fe.failure() == Failure.OVERLOADED) {
                        // Shed before the check: no guess was made, so nothing counts.
                        return throttles
                                .passwordSettled(a.category(), a.login(), ip, decision, Throttles.Outcome.VOID)
                                .transform(ignored -> Future.failedFuture(err));
                    }
                    return Future.failedFuture(err);
                })
                .compose(verdict -> {
                    if (verdict.ok() && !locked) {
                        return throttles
                                .passwordSettled(a.category(), a.login(), ip, decision, Throttles.Outcome.OK)
                                .mapEmpty();
                    }
                    Future<Long> failures = locked
                            ? Future.succeededFuture(decision.failures())
                            : throttles.passwordSettled(a.category(), a.login(), ip, decision, Throttles.Outcome.FAIL);
                    return failures.compose(n -> {
                        audit.record(
                                Audit.PASSWORD_CHANGE_FAILED,
                                a.id(),
                                a.category(),
                                a.login(),
                                ip,
                                new JsonObject()
                                        .put("reason", locked ? "locked" : "wrong_password")
                                        .put("attempts", n));
                        return Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS));
                    });
                });
    }

    private Future<Account> account(UUID id) {
        return accounts.findById(id)
                .compose(found -> found.filter(Account::active)
                        .map(Future::succeededFuture)
                        .orElseGet(() -> Future.failedFuture(new FlowException(Failure.UNAUTHORIZED))));
    }

    private void validate(Account a, String next, String confirm, boolean needCurrent, String current) {
        Map<String, Text> errors = new LinkedHashMap<>();
        Inputs.required("new_password", next, errors);
        Inputs.required("confirm_password", confirm, errors);
        if (needCurrent) {
            Inputs.required("current_password", current, errors);
            if (current != null && PasswordHasher.tooLong(current)) {
                errors.put("current_password", Text.of("field.too-long", PasswordHasher.MAX_PASSWORD_CHARS));
            }
        }
        if (!errors.isEmpty()) {
            throw FlowException.invalid(errors);
        }
        if (!next.equals(confirm)) {
            throw new FlowException(
                    Failure.PASSWORD_MISMATCH, Map.of("confirm_password", Text.of("policy.mismatch")), null);
        }
        Optional<Text> problem = credentials.policy().problem(next, a.login());
        if (problem.isPresent()) {
            throw weak(problem.get());
        }
    }

    private static FlowException weak(Text reason) {
        return new FlowException(Failure.WEAK_PASSWORD, Map.of("new_password", reason), null);
    }

    private Future<Account> store(Account a, String next) {
        return credentials
                .hash(next)
                .compose(hash -> accounts.setHash(a.id(), hash))
                .compose(v -> temps.clear(a.category(), a.login()))
                .onSuccess(v ->
                        audit.record(Audit.PASSWORD_CHANGED, a.id(), a.category(), a.login(), null, new JsonObject()))
                .compose(v -> sessions.endAll(a.id()))
                .compose(n -> {
                    try {
                        JsonObject notice = letters.changedMail(a);
                        return outbox.enqueue(notice).<Void>mapEmpty();
                    } catch (Exception e) {
                        LOG.warn("password changed, but the notice could not be queued: "
                                + e.getClass().getSimpleName());
                        return Future.<Void>succeededFuture();
                    }
                })
                .map(v -> a);
    }
}
