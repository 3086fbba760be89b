package dev.kordon.answer;

/** What a sign-in answers the pages: a browser session, or the demand to change a temporary password first. */
public interface PageAnswer {}
