package dev.kordon.ops;

import java.util.Map;

/**
 * Fields a log line carries besides its message, handed to java.util.logging as the record's one
 * parameter. In production's JSON each is a field of its own; the message stays as written.
 */
public record LogFields(Map<String, String> values) {}
