package dev.kordon.flow;

/**
 * What the public port calls: the sign-ins and where they end, recovery, the password change, the
 * session. The second step is {@link dev.kordon.step.StepFlows}.
 */
public record Flows(
        PasswordLoginFlow passwordLogin,
        SmsLoginFlow smsLogin,
        RecoveryFlow recovery,
        PasswordChangeFlow passwordChange,
        SessionFlow sessions,
        SignIn signIn) {}
