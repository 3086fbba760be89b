package dev.kordon.mfa;

import dev.kordon.account.Account;
import dev.kordon.answer.StepRequired;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the second step stands on, built once in the composition root.
 *
 * @param requiredRoles {@code mfa.required-roles}: roles that must take it, and may not sign in by SMS code
 * @param issuerName {@code mfa.issuer-name}: the name authenticator apps show for the entry
 */
public record Steps(
        List<String> requiredRoles, SecondFactors factors, StepTokens tokens, TotpCheck totp, String issuerName) {

    /** Whether the role alone demands the second step (no lookup: the SMS sign-in asks before any). */
    public boolean requiredFor(String role) {
        return requiredRoles.contains(role);
    }

    /**
     * The methods the account's second step may use, or null when it takes none: it takes one when
     * its role is required or it enrolled. An empty list: it must enrol first.
     */
    public Future<List<String>> needed(Account a) {
        return factors.methods(a.id()).map(m -> {
            if (!m.any() && !requiredFor(a.role())) {
                return null;
            }
            List<String> methods = new ArrayList<>();
            if (m.totp()) {
                methods.add("totp");
            }
            if (m.passkeys() > 0) {
                methods.add("passkey");
            }
            if (m.any() && m.recoveryCodesLeft() > 0) {
                methods.add("recovery_code");
            }
            return methods;
        });
    }

    /** A step token for the account, keeping {@code proved} (what the first step proved) beside it. */
    public Future<StepRequired> start(UUID account, JsonObject proved, List<String> methods) {
        return tokens.issue(account, proved)
                .map(token -> new StepRequired(token, tokens.ttl().toSeconds(), methods.isEmpty(), methods));
    }
}
