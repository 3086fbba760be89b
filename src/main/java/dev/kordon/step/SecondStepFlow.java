package dev.kordon.step;

import dev.kordon.account.Account;
import dev.kordon.account.AccountRepository;
import dev.kordon.answer.Channel;
import dev.kordon.answer.Enrolled;
import dev.kordon.answer.TotpEnrolment;
import dev.kordon.audit.Audit;
import dev.kordon.flow.Notices;
import dev.kordon.flow.SignIn;
import dev.kordon.guard.Throttles;
import dev.kordon.mfa.OtpAuth;
import dev.kordon.mfa.StepTokens;
import dev.kordon.mfa.Steps;
import dev.kordon.mfa.Totp;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The second step after a password that held (see {@link SignIn#granted}): an authenticator app's
 * code or a recovery code, or, for an account that has neither yet, the app's enrolment confirmed
 * by its first code. Each try counts against the step token before its code is judged, and on the
 * account as a password does ({@link CodeGate}); a step token
 * that is unknown, over or out of tries is {@code unauthorized}, a wrong code {@code
 * invalid_credentials}, the same answer whether the account has the method or not.
 */
public final class SecondStepFlow {
    /** amr values of RFC 8176 for the second factor: a one-time code, a recovery code. */
    static final String OTP = "otp";

    static final String RECOVERY = "rec";

    private final Steps steps;
    private final SignIn signIn;
    private final AccountRepository accounts;
    private final Notices notices;
    private final CodeGate gate;

    /** {@code throttles}: the login's password gate, which counts wrong codes too ({@link CodeGate}). */
    public SecondStepFlow(
            Steps steps, SignIn signIn, AccountRepository accounts, Notices notices, Throttles throttles) {
        this.steps = steps;
        this.signIn = signIn;
        this.accounts = accounts;
        this.notices = notices;
        this.gate = new CodeGate(throttles, notices.audit());
    }

    /** A step under way and its account, still allowed to sign in (the passkey step shares these parts). */
    record Live(StepTokens.Step step, Account account) {}

    /** The authenticator app's code as the second step. */
    public <A> Future<A> totp(String stepToken, String code, String ip, Channel<A> channel) {
        return live(stepToken)
                .compose(live -> steps.factors().totp(live.account().id()).compose(app -> {
                    if (app == null || !app.confirmed()) {
                        return refused(live, ip, "totp", "no_method");
                    }
                    return gate.judged(
                                    live.account(),
                                    ip,
                                    "totp",
                                    () -> steps.totp().accept(live.account().id(), app.secret(), code, now()))
                            .compose(ok -> ok
                                    ? finish(stepToken, live, List.of(first(live), OTP), ip, channel)
                                    : refused(live, ip, "totp", "wrong_code"));
                }));
    }

    /** A recovery code as the second step: spent, audited, and the organisation is mailed. */
    public <A> Future<A> recovery(String stepToken, String code, String ip, Channel<A> channel) {
        return live(stepToken)
                .compose(live -> gate.judged(
                                live.account(),
                                ip,
                                "recovery_code",
                                () -> steps.factors()
                                        .spendRecoveryCode(live.account().id(), code))
                        .compose(ok -> {
                            if (!ok) {
                                return refused(live, ip, "recovery_code", "wrong_code");
                            }
                            Account a = live.account();
                            notices.audit()
                                    .record(
                                            Audit.RECOVERY_CODE_USED,
                                            a.id(),
                                            a.category(),
                                            a.login(),
                                            ip,
                                            new JsonObject());
                            return steps.factors()
                                    .methods(a.id())
                                    .compose(m -> mail(a, m.recoveryCodesLeft()))
                                    .compose(v -> finish(stepToken, live, List.of(first(live), RECOVERY), ip, channel));
                        }));
    }

    /**
     * A new authenticator secret for an account that has no method yet (a new one at each call,
     * replacing the unconfirmed one); the step's tries are not spent by asking.
     */
    public Future<TotpEnrolment> enrolTotp(String stepToken) {
        return peek(stepToken)
                .compose(live -> steps.factors().methods(live.account().id()).compose(m -> {
                    if (m.any()) {
                        return Future.failedFuture(new FlowException(Failure.INVALID_REQUEST));
                    }
                    byte[] secret = Totp.newSecret();
                    return steps.factors()
                            .startTotp(live.account().id(), secret)
                            .map(started -> {
                                String uri = OtpAuth.uri(
                                        steps.issuerName(), live.account().login(), secret);
                                return new TotpEnrolment(
                                        Totp.base32(secret), uri, OtpAuth.svg(uri, steps.issuerName()));
                            });
                }));
    }

    /** The enrolment confirmed by the app's first code: ten recovery codes, and the sign-in's grant. */
    public <A> Future<Enrolled<A>> confirmTotp(String stepToken, String code, String ip, Channel<A> channel) {
        return live(stepToken)
                .compose(live -> steps.factors().totp(live.account().id()).compose(app -> {
                    if (app == null || app.confirmed()) {
                        return refused(live, ip, "totp_enrolment", "no_enrolment");
                    }
                    UUID id = live.account().id();
                    return gate.judged(
                                    live.account(),
                                    ip,
                                    "totp_enrolment",
                                    () -> steps.totp().accept(id, app.secret(), code, now()))
                            .compose(ok -> {
                                if (!ok) {
                                    return refused(live, ip, "totp_enrolment", "wrong_code");
                                }
                                Account a = live.account();
                                return steps.factors()
                                        .confirmTotp(id)
                                        .compose(v -> steps.factors().newRecoveryCodes(id))
                                        .compose(codes -> {
                                            notices.audit()
                                                    .record(
                                                            Audit.MFA_ENROLLED,
                                                            id,
                                                            a.category(),
                                                            a.login(),
                                                            ip,
                                                            new JsonObject().put("method", "totp"));
                                            return finish(stepToken, live, List.of(first(live), OTP), ip, channel)
                                                    .map(grant -> new Enrolled<>(codes, grant));
                                        });
                            });
                }));
    }

    /** {@code check} judged once the login's gate lets it through ({@link CodeGate}). */
    Future<Boolean> gated(Live live, String ip, String method, Supplier<Future<Boolean>> check) {
        return gate.judged(live.account(), ip, method, check);
    }

    /** The step, one try counted, and its account if it may still sign in. */
    Future<Live> live(String stepToken) {
        return steps.tokens().attempt(stepToken).compose(this::withAccount);
    }

    /** The step without counting a try: for showing the enrolment, which judges no code. */
    Future<Live> peek(String stepToken) {
        return steps.tokens().peek(stepToken).compose(this::withAccount);
    }

    private Future<Live> withAccount(StepTokens.Step step) {
        if (step == null) {
            return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
        }
        return accounts.findById(step.account()).compose(found -> {
            Account a = found.orElse(null);
            return signIn.eligible(a)
                    ? Future.succeededFuture(new Live(step, a))
                    : Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
        });
    }

    /** The step spent (once, whatever races it), then the grant with both factors. */
    <A> Future<A> finish(String stepToken, Live live, List<String> amr, String ip, Channel<A> channel) {
        return steps.tokens().spend(stepToken).compose(spent -> {
            if (!spent) {
                return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
            }
            long checkedAt = live.step().proved().getLong("checked_at", System.currentTimeMillis());
            return signIn.stepped(
                    new SignIn.Proof(live.account(), SignIn.Method.PASSWORD, ip, checkedAt), amr, channel);
        });
    }

    <T> Future<T> refused(Live live, String ip, String method, String reason) {
        Account a = live.account();
        JsonObject why = new JsonObject().put("method", method).put("reason", reason);
        notices.audit()
                .record(
                        Audit.LOGIN_FAILURE,
                        a.id(),
                        a.category(),
                        a.login(),
                        ip,
                        why.put("attempt", live.step().attempt()));
        return Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS));
    }

    /** The organisation hears a recovery code was used; a notice that cannot be queued never fails the sign-in. */
    private Future<Void> mail(Account a, int left) {
        return Told.mail(notices, () -> notices.letters().recoveryCodeUsedMail(a, left));
    }

    static String first(Live live) {
        return live.step().proved().getString("method", SignIn.Method.PASSWORD.code());
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
