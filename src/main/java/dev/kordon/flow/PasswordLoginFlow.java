package dev.kordon.flow;

import dev.kordon.account.Account;
import dev.kordon.account.AccountRepository;
import dev.kordon.account.LoginParser;
import dev.kordon.answer.Answer;
import dev.kordon.answer.Channel;
import dev.kordon.audit.Audit;
import dev.kordon.credential.Credentials;
import dev.kordon.credential.HashQueue;
import dev.kordon.credential.PasswordHasher;
import dev.kordon.guard.Spent;
import dev.kordon.guard.TempPasswords;
import dev.kordon.guard.Throttles;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * «Вход в аккаунт» by password. Unknown login, wrong password, a tariff outside the allow-list, a
 * disabled account and a locked password path all end in the same {@code invalid_credentials},
 * after the same Argon2id work (a missing account is checked against a dummy hash). A password
 * that is not the permanent one may be the e-mailed temporary password: then the answer is a
 * change token and the forced change («Изменение пароля») follows. The temporary password works
 * even while the password path is throttled or locked, so recovery by e-mail stays open to the
 * owner of an attacked account.
 */
public final class PasswordLoginFlow {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordLoginFlow.class);

    private final LoginParser logins;
    private final AccountRepository accounts;
    private final Credentials credentials;
    private final TempPasswords temps;
    private final Throttles throttles;
    private final SignIn signIn;
    private final Audit audit;

    public PasswordLoginFlow(
            Subscribers subscribers, Credentials credentials, Guards guards, SignIn signIn, Audit audit) {
        this.logins = subscribers.logins();
        this.accounts = subscribers.accounts();
        this.credentials = credentials;
        this.temps = guards.temps();
        this.throttles = guards.throttles();
        this.signIn = signIn;
        this.audit = audit;
    }

    /**
     * The 503 a sign-in arriving now would get, or null when it would be admitted: the look the API
     * takes before it reads a body. The place itself is taken by {@link #login}.
     */
    public FlowException shedNow() {
        return credentials.refuses() ? credentials.overloaded() : null;
    }

    public Future<Answer> login(String category, String rawLogin, String password, String ip) {
        return login(category, rawLogin, password, ip, Channel.API);
    }

    public <A> Future<A> login(String category, String rawLogin, String password, String ip, Channel<A> channel) {
        Map<String, Text> errors = new LinkedHashMap<>();
        String login = Inputs.login(logins, category, rawLogin, errors);
        Inputs.required("password", password, errors);
        if (password != null && PasswordHasher.tooLong(password)) {
            errors.put("password", Text.of("field.too-long", PasswordHasher.MAX_PASSWORD_CHARS));
        }
        if (!errors.isEmpty()) {
            return Future.failedFuture(FlowException.invalid(errors));
        }
        Attempt<A> attempt = new Attempt<>(category, login, password, ip, channel);
        Spent spent = new Spent();
        // Under a burst the place in the hash pool is taken first: shed now, before any round trip or attempt count.
        return credentials
                .admit()
                .compose(place -> throttles
                        .passwordAttempt(category, login, ip, pause -> credentials.aside(place, pause))
                        .transform(ar -> {
                            if (ar.succeeded()) {
                                Throttles.Decision decision = ar.result();
                                spent.add(() -> throttles.passwordAbandoned(category, login, ip, decision));
                                // Tokens count from before the account is read: a password change that lands meanwhile
                                // refuses them.
                                long readAt = System.currentTimeMillis();
                                return spent.settle(accounts.find(category, login)
                                        .compose(found -> check(place, attempt, found, decision, readAt)));
                            }
                            if (ar.cause() instanceof FlowException fe && fe.failure() == Failure.TOO_MANY_REQUESTS) {
                                // Throttled: no hashing, but a temporary password still opens the forced change.
                                return accounts.find(category, login)
                                        .compose(
                                                found -> temporary(attempt, found.orElse(null), Future::succeededFuture)
                                                        .compose(answer -> answer != null
                                                                ? Future.succeededFuture(answer)
                                                                : throttled(attempt, found, fe)));
                            }
                            return Future.<A>failedFuture(ar.cause());
                            // Given back on every path; after the hash it is already free, and this does nothing.
                        })
                        .andThen(done -> place.release()));
    }

    /** One sign-in attempt as typed (the login canonical), and the channel it answers. */
    private record Attempt<A>(String category, String login, String password, String ip, Channel<A> channel) {}

    private <A> Future<A> throttled(Attempt<A> at, Optional<Account> found, FlowException fe) {
        audit.record(
                Audit.LOGIN_THROTTLED,
                found.map(Account::id).orElse(null),
                at.category(),
                at.login(),
                at.ip(),
                new JsonObject()
                        .put("method", "pwd")
                        .put("retry_after_s", fe.retryAfter().toSeconds()));
        return Future.failedFuture(fe);
    }

    private <A> Future<A> check(
            HashQueue.Place place, Attempt<A> at, Optional<Account> found, Throttles.Decision decision, long readAt) {
        String category = at.category();
        String login = at.login();
        String ip = at.ip();
        String hash = found.map(Account::passwordHash).orElse(null);
        boolean locked = decision.gate() == Throttles.Gate.LOCKED;
        return credentials
                .verify(place, hash, at.password())
                .recover(err -> {
                    if (!locked && err instanceof FlowException fe && fe.failure() == Failure.OVERLOADED) {
                        // Shed before the check: no guess was made, so nothing counts.
                        return throttles
                                .passwordSettled(category, login, ip, decision, Throttles.Outcome.VOID)
                                .transform(ignored -> Future.failedFuture(err));
                    }
                    return Future.failedFuture(err);
                })
                .compose(verdict -> {
                    Account account = found.orElse(null);
                    String refusal = signIn.refusal(account);
                    if (verdict.ok() && refusal == null && !locked) {
                        if (verdict.outdated()) {
                            rehash(account, at.password());
                        }
                        return signIn.granted(
                                new SignIn.Proof(
                                        account,
                                        SignIn.Method.PASSWORD,
                                        ip,
                                        readAt,
                                        () -> throttles.passwordSettled(
                                                category, login, ip, decision, Throttles.Outcome.OK),
                                        // A second step follows: its code settles the count, as a wrong one adds to it.
                                        () -> throttles.passwordSettled(
                                                category, login, ip, decision, Throttles.Outcome.VOID)),
                                at.channel());
                    }
                    // Asked for known and unknown logins alike, so both cost the same Redis round trip.
                    Supplier<Future<?>> settle = locked
                            ? Future::succeededFuture
                            : () -> throttles.passwordSettled(category, login, ip, decision, Throttles.Outcome.VOID);
                    return temporary(at, account, settle).compose(answer -> {
                        if (answer != null) {
                            return Future.succeededFuture(answer);
                        }
                        String reason = locked ? "locked" : refusal != null ? refusal : "wrong_password";
                        Future<Long> failures = locked
                                ? Future.succeededFuture(decision.failures())
                                : throttles.passwordSettled(category, login, ip, decision, Throttles.Outcome.FAIL);
                        return failures.compose(n -> {
                            audit.record(
                                    locked ? Audit.LOGIN_LOCKED : Audit.LOGIN_FAILURE,
                                    account == null ? null : account.id(),
                                    category,
                                    login,
                                    ip,
                                    new JsonObject()
                                            .put("method", "pwd")
                                            .put("reason", reason)
                                            .put("attempts", n));
                            return Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS));
                        });
                    });
                });
    }

    /**
     * The change token if the password is the login's live temporary password and the account may
     * sign in, else null; {@code settle} closes the attempt when it is.
     */
    private <A> Future<A> temporary(Attempt<A> at, Account account, Supplier<Future<?>> settle) {
        return temps.take(at.category(), at.login(), at.password()).compose(taken -> {
            if (!taken || !signIn.eligible(account)) {
                return Future.succeededFuture(null);
            }
            return signIn.changeDue(
                    new SignIn.Proof(account, SignIn.Method.TEMPORARY, at.ip(), System.currentTimeMillis(), settle),
                    temps.hash(at.category(), at.login(), at.password()),
                    at.channel());
        });
    }

    /** Old parameters: store a hash made with today's, unless the password changed meanwhile. */
    private void rehash(Account account, String password) {
        credentials
                .hash(password)
                .compose(newHash -> accounts.replaceHash(account.id(), account.passwordHash(), newHash))
                .onFailure(err -> LOG.debug(
                        "re-hash of account {} skipped: {}",
                        account.id(),
                        err.getClass().getSimpleName()));
    }
}
