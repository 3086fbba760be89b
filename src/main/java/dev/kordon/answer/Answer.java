package dev.kordon.answer;

/** What a sign-in answers the API: tokens, or the demand to change a temporary password first. */
public sealed interface Answer permits TokenPair, ChangeRequired {}
