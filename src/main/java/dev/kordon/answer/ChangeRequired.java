package dev.kordon.answer;

/** Signed in with a temporary password: only a password change may follow, with this token. */
public record ChangeRequired(String changeToken, long expiresIn) implements Answer, PageAnswer {}
