package dev.kordon.flow;

import dev.kordon.guard.ChangeTokens;
import dev.kordon.guard.TempPasswords;
import dev.kordon.guard.Throttles;
import dev.kordon.mfa.SecondFactors;

/**
 * What the password path passes: the throttles, temporary passwords and the change tokens they
 * open, and the second-step methods an account holds.
 */
public record Guards(Throttles throttles, TempPasswords temps, ChangeTokens changes, SecondFactors factors) {}
