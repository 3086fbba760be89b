package dev.kordon.step;

/**
 * What the public port calls for the second step after a password (a code, a passkey) and for the
 * security page of a signed-in account.
 */
public record StepFlows(SecondStepFlow codes, PasskeyStepFlow passkeys, SecurityFlow security) {}
