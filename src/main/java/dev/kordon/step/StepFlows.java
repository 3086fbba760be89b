package dev.kordon.step;

/** What the public port calls for the second step after a password. */
public record StepFlows(SecondStepFlow codes) {}
