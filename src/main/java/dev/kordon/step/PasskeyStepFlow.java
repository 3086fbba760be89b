package dev.kordon.step;

import dev.kordon.account.Account;
import dev.kordon.answer.Channel;
import dev.kordon.audit.Audit;
import dev.kordon.flow.Notices;
import dev.kordon.mfa.PasskeyOutcome;
import dev.kordon.mfa.Passkeys;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A passkey as the second step (WebAuthn, user verification required): the options of {@code
 * navigator.credentials.get()} for the step token's account, asked for without spending a try, then
 * the browser's answer judged as one try of the step, like a code. A refused answer is a wrong
 * code's answer; a cloned authenticator (its counter did not move forward) is refused too, and
 * audited and mailed to the organisation besides. Each challenge is single use, so a replayed
 * answer finds none and is refused.
 */
public final class PasskeyStepFlow {
    /** amr value of RFC 8176: proof of possession of a hardware-secured key. */
    static final String HWK = "hwk";

    private static final String METHOD = "passkey";

    private final SecondStepFlow steps;
    private final Passkeys passkeys;
    private final Notices notices;

    public PasskeyStepFlow(SecondStepFlow steps, Passkeys passkeys, Notices notices) {
        this.steps = steps;
        this.passkeys = passkeys;
        this.notices = notices;
    }

    /** The options for the step's account; an account without a passkey is offered none (400). */
    public Future<JsonObject> options(String stepToken) {
        return steps.peek(stepToken)
                .compose(live -> passkeys.list(live.account().id())
                        .compose(keys -> keys.isEmpty()
                                ? Future.failedFuture(new FlowException(Failure.INVALID_REQUEST))
                                : passkeys.authenticationOptions(live.account().id())));
    }

    /** Whether the step's account has a passkey to offer; asking spends no try. */
    public Future<Boolean> offered(String stepToken) {
        return steps.peek(stepToken)
                .compose(live -> passkeys.list(live.account().id()).map(keys -> !keys.isEmpty()));
    }

    /** The browser's answer ({@code PublicKeyCredential.toJSON()}) as the second step. */
    public <A> Future<A> passkey(String stepToken, String credentialJson, String ip, Channel<A> channel) {
        // Judged at the login's gate like a code: a locked account's passkey waits out the lock too,
        // and a right one starts the count again.
        PasskeyOutcome[] judged = new PasskeyOutcome[1];
        return steps.live(stepToken)
                .compose(live -> steps.gated(
                                live,
                                ip,
                                METHOD,
                                () -> passkeys.authenticate(live.account().id(), credentialJson)
                                        .map(outcome -> {
                                            judged[0] = outcome;
                                            return outcome.accepted();
                                        }))
                        .map(right -> judged[0])
                        .compose(outcome -> switch (outcome.verdict()) {
                            case ACCEPTED ->
                                steps.finish(stepToken, live, List.of(SecondStepFlow.first(live), HWK), ip, channel);
                            case CLONED -> cloned(live, outcome, ip);
                            case REFUSED -> steps.refused(live, ip, METHOD, outcome.reason());
                        }));
    }

    /** Refused like any wrong answer; the organisation and the audit hear that a copy of the key signed. */
    private <A> Future<A> cloned(SecondStepFlow.Live live, PasskeyOutcome outcome, String ip) {
        Account a = live.account();
        Told.audit(notices, Audit.PASSKEY_CLONED, a, ip, new JsonObject().put("credential_id", outcome.credentialId()));
        return Told.mail(notices, () -> notices.letters().secondStepMail(a, "passkey-cloned"))
                .compose(v -> steps.refused(live, ip, METHOD, outcome.reason()));
    }
}
