package dev.kordon.problem;

import java.time.Duration;
import java.util.Map;

/** A refusal with a contract error code; carries no stack trace, it is an answer, not a fault. */
public class FlowException extends RuntimeException {
    private final Failure failure;
    private final Map<String, Text> fields;
    private final Duration retryAfter;

    public FlowException(Failure failure, Map<String, Text> fields, Duration retryAfter) {
        super(failure.code(), null, false, false);
        this.failure = failure;
        this.fields = fields == null ? Map.of() : Map.copyOf(fields);
        this.retryAfter = retryAfter;
    }

    public FlowException(Failure failure) {
        this(failure, Map.of(), null);
    }

    public static FlowException invalid(Map<String, Text> fields) {
        return new FlowException(Failure.INVALID_REQUEST, fields, null);
    }

    public Failure failure() {
        return failure;
    }

    public Map<String, Text> fields() {
        return fields;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
