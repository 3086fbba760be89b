package dev.kordon.answer;

import java.util.List;

/**
 * The password held, and a second step must follow before anything is granted, with this token.
 * {@code enrol}: the account has no method yet and sets one up first; {@code methods}: what it can
 * use now, of {@code totp}, {@code recovery_code}, {@code passkey}.
 */
public record StepRequired(String stepToken, long expiresIn, boolean enrol, List<String> methods)
        implements Answer, PageAnswer {}
