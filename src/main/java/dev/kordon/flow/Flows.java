package dev.kordon.flow;

/**
 * What the public port calls: the sign-ins and where they end, the second step, recovery, the
 * password change, the session.
 */
public record Flows(
        PasswordLoginFlow passwordLogin,
        SmsLoginFlow smsLogin,
        RecoveryFlow recovery,
        PasswordChangeFlow passwordChange,
        SessionFlow sessions,
        SignIn signIn,
        SecondStepFlow secondStep) {}
