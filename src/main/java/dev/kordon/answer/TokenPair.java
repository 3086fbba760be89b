package dev.kordon.answer;

/** The token answer of a sign-in; no refresh token for one-visit (SMS) sign-ins. */
public record TokenPair(String accessToken, long expiresIn, String refreshToken, long refreshExpiresIn)
        implements Answer {}
