package dev.kordon.oauth;

/**
 * What {@link AuthorizeRequest#judge} makes of an authorization request: an {@link Authorization}
 * to go on with, or an {@link AuthorizeError} to show or send back.
 */
public sealed interface AuthorizeOutcome permits Authorization, AuthorizeError {}
