package dev.kordon.answer;

import java.time.Duration;

/** A page sign-in: the browser session's id, for its cookie only, and how long the session lives. */
public record BrowserSession(String id, Duration ttl) implements PageAnswer {}
