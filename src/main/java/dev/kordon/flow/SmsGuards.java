package dev.kordon.flow;

import dev.kordon.guard.SmsCodes;
import dev.kordon.guard.Throttles;
import dev.kordon.simswap.SimSwapCheck;

/** What stands before an SMS code: the codes and their caps, the throttles, the SIM swap check. */
public record SmsGuards(SmsCodes codes, Throttles throttles, SimSwapCheck swaps) {}
