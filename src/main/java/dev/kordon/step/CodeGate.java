package dev.kordon.step;

import dev.kordon.account.Account;
import dev.kordon.audit.Audit;
import dev.kordon.guard.Throttles;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * A second-step code counts on the account as a password does: judged only once the login's gate
 * (login_gate.lua: growing delay, lock, login+IP cap) lets it through; a wrong one is a failure
 * there, a right one starts the count again. So fresh step tokens, each with its own few tries, add
 * up to no more guesses than the lock allows, and a locked account's step is refused as a locked
 * password is, without judging the code. The right password before the step leaves the count as it
 * was ({@link dev.kordon.flow.SignIn#granted}): only the whole sign-in clears it.
 */
final class CodeGate {
    private final Throttles throttles;
    private final Audit audit;

    CodeGate(Throttles throttles, Audit audit) {
        this.throttles = throttles;
        this.audit = audit;
    }

    /**
     * Whether {@code check} found the code right, after the gate let it through and with its
     * outcome settled; {@code invalid_credentials} when the account is locked, 429 in a delay.
     */
    Future<Boolean> judged(Account a, String ip, String method, Supplier<Future<Boolean>> check) {
        return throttles.codeAttempt(a.category(), a.login(), ip).compose(decision -> {
            if (decision.gate() == Throttles.Gate.LOCKED) {
                audit.record(
                        Audit.LOGIN_LOCKED,
                        a.id(),
                        a.category(),
                        a.login(),
                        ip,
                        new JsonObject()
                                .put("method", method)
                                .put("reason", "locked")
                                .put("attempts", decision.failures()));
                return Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS));
            }
            return check.get()
                    .onFailure(err -> throttles.passwordAbandoned(a.category(), a.login(), ip, decision))
                    .compose(right -> throttles
                            .passwordSettled(
                                    a.category(),
                                    a.login(),
                                    ip,
                                    decision,
                                    right ? Throttles.Outcome.OK : Throttles.Outcome.FAIL)
                            .map(n -> right));
        });
    }
}
