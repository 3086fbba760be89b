package dev.kordon.answer;

/** «Забыли пароль?» asked: the channel the temporary password goes by and how long it lives, in seconds. */
public record RecoveryStarted(String channel, long expiresIn) {}
