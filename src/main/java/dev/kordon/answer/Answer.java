package dev.kordon.answer;

/**
 * What a sign-in answers the API: tokens, the demand to change a temporary password first, or the
 * demand for a second step.
 */
public sealed interface Answer permits TokenPair, ChangeRequired, StepRequired {}
