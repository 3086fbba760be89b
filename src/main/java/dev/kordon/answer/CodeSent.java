package dev.kordon.answer;

/** An SMS code asked for: how long a code lives and when another may be asked, in seconds. */
public record CodeSent(long expiresIn, long resendIn) {}
