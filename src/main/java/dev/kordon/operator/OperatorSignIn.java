package dev.kordon.operator;

import dev.kordon.audit.Audit;
import dev.kordon.mfa.OtpAuth;
import dev.kordon.mfa.StepTokens;
import dev.kordon.mfa.Totp;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * A named operator's sign-in to the console: name and password, then (a temporary password
 * changed first) the second step, enrolled at the first sign-in: the authenticator app's code, or
 * a recovery code. Between the steps a short-lived step token ({@code mfa.step-ttl}, {@code
 * mfa.step-tries} codes) stands in; no console session exists until the second step held. Wrong
 * passwords and codes count against the client like wrong admin tokens ({@code
 * admin.console-failures}); every outcome is audited with the operator's name.
 */
public final class OperatorSignIn {
    /** What comes after a step: a new password, the app's enrolment, or its code. */
    public enum Next {
        CHANGE,
        ENROL,
        CODE
    }

    /** The step token and what it leads to. */
    public record Stage(String token, Next next) {}

    /** A console session for {@code operator}; {@code recoveryCodes} only at enrolment, to be shown once. */
    public record SignedIn(String session, String operator, List<String> recoveryCodes) {}

    /** The app's enrolment: the secret as text, and its otpauth URI as an SVG QR code. */
    public record Enrolment(String operator, String secret, String qrSvg) {}

    private static final String NAME = "name";
    private static final String CHANGE = "change";

    private final OperatorParts p;

    public OperatorSignIn(OperatorParts parts) {
        this.p = parts;
    }

    /** The first step; INVALID_CREDENTIALS alike for a wrong name, a wrong password and a disabled operator. */
    public Future<Stage> password(String typed, String password, String ip) {
        // Names are lower case: one typed with capitals or spaces around is the same name.
        String name = typed == null ? null : typed.strip().toLowerCase(java.util.Locale.ROOT);
        return throttled(ip)
                .compose(v -> OperatorAdmin.validName(name)
                        ? p.operators().find(name)
                        : Future.<Operators.Operator>succeededFuture(null))
                .compose(o -> p.credentials()
                        .verify(o == null ? null : o.passwordHash(), password == null ? "" : password)
                        .compose(verdict -> {
                            if (o == null || !verdict.ok() || o.disabled()) {
                                String why = o == null ? "unknown" : verdict.ok() ? "disabled" : "password";
                                return failed(ip, o == null ? null : o.name(), why);
                            }
                            return p.throttles()
                                    .consoleSucceeded(ip)
                                    .compose(x -> p.steps()
                                            .issue(
                                                    o.id(),
                                                    new JsonObject()
                                                            .put(NAME, o.name())
                                                            .put(CHANGE, o.mustChange())))
                                    .map(token -> new Stage(token, next(o, o.mustChange())));
                        }));
    }

    /** How long a step token lives. */
    public java.time.Duration stepTtl() {
        return p.steps().ttl();
    }

    /**
     * The operator's name for what a console session holds (the operator's name, id and session
     * epoch), while they may still use the console: not disabled, deleted or reset since; else null.
     */
    public Future<String> active(String held) {
        String[] parts = held == null ? new String[0] : held.split("/");
        if (parts.length != 3 || !parts[2].matches("\\d{1,9}")) {
            return Future.succeededFuture(null);
        }
        java.util.UUID id;
        try {
            id = java.util.UUID.fromString(parts[1]);
        } catch (IllegalArgumentException e) {
            return Future.succeededFuture(null);
        }
        return p.operators().active(id, Integer.parseInt(parts[2])).map(name -> parts[0].equals(name) ? name : null);
    }

    /** The console's sessions, where a signed-in operator's is kept. */
    public dev.kordon.guard.ConsoleSessions sessions() {
        return p.sessions();
    }

    /** Who a live step token is for, without counting a try; null when it is over. */
    public Future<Operators.Operator> pending(String token) {
        return p.steps().peek(token).compose(this::operatorOf);
    }

    /** What a live step token leads to; null when it is over. */
    public Future<Next> next(String token) {
        return p.steps()
                .peek(token)
                .compose(step -> operatorOf(step)
                        .map(o -> o == null ? null : next(o, step.proved().getBoolean(CHANGE, false))));
    }

    /** The temporary password replaced: a new step token, the old one spent. */
    public Future<Stage> change(String token, String password, String repeat, String ip) {
        return p.steps()
                .peek(token)
                .compose(step -> operatorOf(step).compose(o -> {
                    if (o == null || !step.proved().getBoolean(CHANGE, false)) {
                        return Future.failedFuture(new FlowException(Failure.INVALID_GRANT));
                    }
                    if (password == null || !password.equals(repeat)) {
                        return Future.failedFuture(new FlowException(Failure.PASSWORD_MISMATCH));
                    }
                    var problem = p.credentials().policy().problem(password, null);
                    if (problem.isEmpty()
                            && password.toLowerCase(java.util.Locale.ROOT).contains(o.name())) {
                        problem = java.util.Optional.of(Text.of("policy.login"));
                    }
                    if (problem.isPresent()) {
                        return Future.failedFuture(FlowException.invalid(Map.of("password", problem.get())));
                    }
                    return p.credentials()
                            .hash(password)
                            .compose(h -> p.operators().setPassword(o.id(), h, false))
                            .compose(x -> p.steps().spend(token))
                            .compose(x -> {
                                p.audit()
                                        .record(Audit.OPERATOR_PASSWORD_CHANGED, null, null, null, ip, actor(o.name()));
                                return p.steps()
                                        .issue(
                                                o.id(),
                                                new JsonObject()
                                                        .put(NAME, o.name())
                                                        .put(CHANGE, false));
                            })
                            .map(fresh -> new Stage(fresh, next(o, false)));
                }));
    }

    /**
     * The secret for an operator without a confirmed app, to be scanned and confirmed by a code: the
     * unconfirmed one already made (a page shown again keeps what was scanned), else a new one.
     * Null when the step token is over or the operator has an app.
     */
    public Future<Enrolment> enrolment(String token) {
        return p.steps()
                .peek(token)
                .compose(step -> operatorOf(step).compose(o -> {
                    if (o == null || o.totp() || step.proved().getBoolean(CHANGE, false)) {
                        return Future.succeededFuture(null);
                    }
                    return p.operators().totpSecret(o.id()).compose(kept -> {
                        byte[] secret = kept != null ? kept : Totp.newSecret();
                        Future<Boolean> stored = kept != null
                                ? Future.succeededFuture(true)
                                : p.operators().startTotp(o.id(), secret);
                        return stored.map(x -> new Enrolment(
                                o.name(),
                                Totp.base32(secret),
                                OtpAuth.svg(OtpAuth.uri(p.issuer(), o.name(), secret), "otpauth QR")));
                    });
                }));
    }

    /**
     * The second step: the app's code (confirming the enrolment when it is the first), or, once
     * enrolled, a recovery code. A console session for the operator, or INVALID_CREDENTIALS (the
     * step token lives on until its tries are spent), or INVALID_GRANT when the token is over.
     */
    public Future<SignedIn> second(String token, String code, String ip) {
        return throttled(ip)
                .compose(v -> p.steps().attempt(token))
                .compose(step -> operatorOf(step).compose(o -> {
                    if (o == null) {
                        return Future.failedFuture(new FlowException(Failure.INVALID_GRANT));
                    }
                    return judged(o, step, code).compose(method -> {
                        if (method == null) {
                            return failed(ip, o.name(), "code");
                        }
                        return p.steps()
                                .spend(token)
                                .compose(spent -> spent
                                        ? opened(o, method, ip)
                                        : Future.failedFuture(new FlowException(Failure.INVALID_GRANT)));
                    });
                }));
    }

    /** "otp", "rec" or "enrol" for a good code of the right kind, null for any other. */
    private Future<String> judged(Operators.Operator o, StepTokens.Step step, String code) {
        String typed = code == null ? "" : code.strip();
        if (step.proved().getBoolean(CHANGE, false)) {
            return Future.succeededFuture(null);
        }
        if (!o.totp() || typed.length() == Totp.DIGITS) {
            long now = System.currentTimeMillis() / 1000;
            return p.operators()
                    .totpSecret(o.id())
                    .compose(secret -> secret == null
                            ? Future.succeededFuture(false)
                            : p.totp().accept(o.id(), secret, typed, now))
                    .map(ok -> ok ? (o.totp() ? "otp" : "enrol") : null);
        }
        return p.operators().spendRecoveryCode(o.id(), typed).map(ok -> ok ? "rec" : null);
    }

    private Future<SignedIn> opened(Operators.Operator o, String method, String ip) {
        Future<List<String>> codes = "enrol".equals(method)
                ? p.operators()
                        .confirmTotp(o.id())
                        .compose(x -> p.operators().newRecoveryCodes(o.id()))
                        .onSuccess(
                                x -> p.audit().record(Audit.OPERATOR_ENROLLED, null, null, null, ip, actor(o.name())))
                : Future.succeededFuture(List.of());
        return codes.compose(list -> p.throttles()
                .consoleSucceeded(ip)
                .compose(x -> p.operators().signedIn(o.id()))
                .compose(x -> p.sessions().open(o.name() + "/" + o.id() + "/" + o.sessionEpoch()))
                .map(session -> {
                    p.audit()
                            .record(
                                    Audit.CONSOLE_SIGNED_IN,
                                    null,
                                    null,
                                    null,
                                    ip,
                                    actor(o.name()).put("method", "enrol".equals(method) ? "otp" : method));
                    return new SignedIn(session, o.name(), list);
                }));
    }

    private Future<Operators.Operator> operatorOf(StepTokens.Step step) {
        if (step == null) {
            return Future.succeededFuture(null);
        }
        return p.operators()
                .find(step.proved().getString(NAME))
                .map(o -> o == null || o.disabled() || !o.id().equals(step.account()) ? null : o);
    }

    private Future<Void> throttled(String ip) {
        return p.throttles()
                .consoleAttempt(ip, p.admin().consoleFailures(), p.admin().consoleFailureWindow())
                .onFailure(err -> {
                    if (err instanceof FlowException fe && fe.failure() == Failure.TOO_MANY_REQUESTS) {
                        p.audit()
                                .record(
                                        Audit.CONSOLE_SIGN_IN_FAILED,
                                        null,
                                        null,
                                        null,
                                        ip,
                                        new JsonObject().put("via", "operator").put("throttled", true));
                    }
                });
    }

    private <T> Future<T> failed(String ip, String operator, String reason) {
        JsonObject detail = new JsonObject().put("via", "operator").put("reason", reason);
        if (operator != null) {
            detail.put("operator", operator);
        }
        p.audit().record(Audit.CONSOLE_SIGN_IN_FAILED, null, null, null, ip, detail);
        return Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS));
    }

    private static Next next(Operators.Operator o, boolean change) {
        return change ? Next.CHANGE : o.totp() ? Next.CODE : Next.ENROL;
    }

    private static JsonObject actor(String name) {
        return new JsonObject().put("actor", name);
    }
}
