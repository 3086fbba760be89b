package dev.kordon.step;

import dev.kordon.account.Account;
import dev.kordon.account.AccountRepository;
import dev.kordon.answer.TotpEnrolment;
import dev.kordon.audit.Audit;
import dev.kordon.flow.Notices;
import dev.kordon.mfa.OtpAuth;
import dev.kordon.mfa.PasskeyOutcome;
import dev.kordon.mfa.Passkeys;
import dev.kordon.mfa.SecondFactors;
import dev.kordon.mfa.Steps;
import dev.kordon.mfa.Totp;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * The security page's changes, for the account of a signed-in browser session, whatever its role:
 * its methods shown, a passkey added or removed, the authenticator app set up (opting in: once an
 * account has a method, {@link Steps#needed} asks it for the second step at every sign-in), a new
 * set of recovery codes. Each change is audited; a removal and new codes are mailed to the
 * organisation. An account's first method brings its first recovery codes, shown once.
 */
public final class SecurityFlow {
    /** What the page shows: the account, what it has, its passkeys. */
    public record Security(Account account, SecondFactors.Methods methods, List<SecondFactors.Passkey> passkeys) {}

    /** A passkey's registration, and the recovery codes it brought when the account had none (else empty). */
    public record Added(PasskeyOutcome outcome, List<String> recoveryCodes) {}

    private final Steps steps;
    private final Passkeys passkeys;
    private final AccountRepository accounts;
    private final Notices notices;

    public SecurityFlow(Steps steps, Passkeys passkeys, AccountRepository accounts, Notices notices) {
        this.steps = steps;
        this.passkeys = passkeys;
        this.accounts = accounts;
        this.notices = notices;
    }

    public Future<Security> show(UUID account) {
        return account(account)
                .compose(a -> steps.factors()
                        .methods(a.id())
                        .compose(m -> passkeys.list(a.id()).map(keys -> new Security(a, m, keys))));
    }

    /** The options of {@code navigator.credentials.create()}: the authenticator shows the login. */
    public Future<JsonObject> passkeyOptions(UUID account) {
        return account(account).compose(a -> passkeys.registrationOptions(a.id(), a.login(), a.login()));
    }

    /** The browser's new passkey, judged and kept under {@code label}; audited when kept. */
    public Future<Added> addPasskey(UUID account, String credentialJson, String label, String ip) {
        return account(account)
                .compose(a -> passkeys.register(a.id(), credentialJson, label).compose(outcome -> {
                    if (!outcome.accepted()) {
                        return Future.succeededFuture(new Added(outcome, List.of()));
                    }
                    enrolled(a, "passkey", ip);
                    return firstCodes(a).map(codes -> new Added(outcome, codes));
                }));
    }

    /** Removes one of the account's passkeys: audited and mailed; false when it has none by that id. */
    public Future<Boolean> removePasskey(UUID account, String credentialId, String ip) {
        return account(account)
                .compose(a -> passkeys.remove(a.id(), credentialId).compose(removed -> {
                    if (!removed) {
                        return Future.succeededFuture(false);
                    }
                    Told.audit(notices, Audit.MFA_REMOVED, a, ip, new JsonObject().put("method", "passkey"));
                    return Told.mail(notices, () -> notices.letters().secondStepMail(a, "removed"))
                            .map(true);
                }));
    }

    /** A new authenticator secret for an account without a confirmed app; 400 when it has one. */
    public Future<TotpEnrolment> startTotp(UUID account) {
        return account(account)
                .compose(a -> steps.factors().totp(a.id()).compose(app -> {
                    if (app != null && app.confirmed()) {
                        return Future.failedFuture(new FlowException(Failure.INVALID_REQUEST));
                    }
                    byte[] secret = Totp.newSecret();
                    return steps.factors().startTotp(a.id(), secret).map(started -> {
                        String uri = OtpAuth.uri(steps.issuerName(), a.login(), secret);
                        return new TotpEnrolment(Totp.base32(secret), uri, OtpAuth.svg(uri, steps.issuerName()));
                    });
                }));
    }

    /**
     * The app's first code confirms it: audited, and the recovery codes it brought (empty when the
     * account had some left). A wrong code, or no enrolment under way, is {@code invalid_credentials}.
     */
    public Future<List<String>> confirmTotp(UUID account, String code, String ip) {
        return account(account)
                .compose(a -> steps.factors().totp(a.id()).compose(app -> {
                    if (app == null || app.confirmed()) {
                        return wrong();
                    }
                    return steps.totp()
                            .accept(a.id(), app.secret(), code, System.currentTimeMillis() / 1000)
                            .compose(ok -> !ok
                                    ? wrong()
                                    : steps.factors().confirmTotp(a.id()).compose(v -> {
                                        enrolled(a, "totp", ip);
                                        return firstCodes(a);
                                    }));
                }));
    }

    /** Ten new recovery codes, the old ones void: audited and mailed; 400 for an account with no method. */
    public Future<List<String>> renewCodes(UUID account, String ip) {
        return account(account)
                .compose(a -> steps.factors().methods(a.id()).compose(m -> {
                    if (!m.any()) {
                        return Future.failedFuture(new FlowException(Failure.INVALID_REQUEST));
                    }
                    return steps.factors().newRecoveryCodes(a.id()).compose(codes -> {
                        Told.audit(notices, Audit.MFA_CODES_RENEWED, a, ip, new JsonObject());
                        return Told.mail(notices, () -> notices.letters().secondStepMail(a, "codes-renewed"))
                                .map(codes);
                    });
                }));
    }

    /** The account's first recovery codes when it has none left; none otherwise. */
    private Future<List<String>> firstCodes(Account a) {
        return steps.factors()
                .methods(a.id())
                .compose(m -> m.recoveryCodesLeft() > 0
                        ? Future.succeededFuture(List.of())
                        : steps.factors().newRecoveryCodes(a.id()));
    }

    private void enrolled(Account a, String method, String ip) {
        Told.audit(notices, Audit.MFA_ENROLLED, a, ip, new JsonObject().put("method", method));
    }

    private Future<Account> account(UUID id) {
        return accounts.findById(id)
                .compose(found -> found.isPresent()
                        ? Future.succeededFuture(found.get())
                        : Future.failedFuture(new FlowException(Failure.UNAUTHORIZED)));
    }

    private static <T> Future<T> wrong() {
        return Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS));
    }
}
