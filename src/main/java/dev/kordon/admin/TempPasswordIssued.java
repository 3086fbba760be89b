package dev.kordon.admin;

/** A temporary password issued by the operator: whether it was sent, and how long it lives, in seconds. */
public record TempPasswordIssued(boolean sent, long expiresIn) {}
