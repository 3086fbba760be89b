package dev.kordon.flow;

import dev.kordon.guard.ChangeTokens;
import dev.kordon.guard.TempPasswords;
import dev.kordon.guard.Throttles;

/** What the password path passes: the throttles, temporary passwords and the change tokens they open. */
public record Guards(Throttles throttles, TempPasswords temps, ChangeTokens changes) {}
