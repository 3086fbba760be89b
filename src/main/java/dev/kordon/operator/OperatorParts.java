package dev.kordon.operator;

import dev.kordon.audit.Audit;
import dev.kordon.config.KordonConfig;
import dev.kordon.credential.Credentials;
import dev.kordon.guard.ConsoleSessions;
import dev.kordon.guard.Secrets;
import dev.kordon.guard.Throttles;
import dev.kordon.mfa.StepTokens;
import dev.kordon.mfa.TotpCheck;
import dev.kordon.store.Database;
import dev.kordon.store.RedisStore;

/**
 * What a named operator's console sign-in stands on: the operators, the hashing (the credential
 * verticle's bounded pool), the console sessions, a step token between the password and the second
 * step, the once-only TOTP check, the console's failure throttle, the audit, the admin settings and
 * the issuer the authenticator app shows.
 */
public record OperatorParts(
        Operators operators,
        Credentials credentials,
        ConsoleSessions sessions,
        StepTokens steps,
        TotpCheck totp,
        Throttles throttles,
        Audit audit,
        KordonConfig.Admin admin,
        String issuer) {

    /** The parts as the server builds them; the step token's life and tries are the second step's ({@code mfa.*}). */
    public static OperatorParts of(
            Database db,
            RedisStore redis,
            Secrets secrets,
            Credentials credentials,
            KordonConfig config,
            Throttles throttles,
            Audit audit) {
        return new OperatorParts(
                new Operators(db, secrets),
                credentials,
                new ConsoleSessions(redis, secrets, config.admin()),
                new StepTokens(redis, config.mfa().stepTtl(), config.mfa().stepTries()),
                new TotpCheck(redis),
                throttles,
                audit,
                config.admin(),
                config.mfa().issuerName());
    }
}
