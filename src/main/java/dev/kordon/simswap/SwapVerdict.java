package dev.kordon.simswap;

/**
 * What the SIM swap check says about a number before an SMS code: {@code outcome} names how it was
 * decided (a metric's label and the audit's word), {@code action} what the SMS flow does.
 */
public record SwapVerdict(String outcome, Action action, String reason) {
    /** Send the code; refuse it because the SIM was swapped; refuse it because no one could say. */
    public enum Action {
        SEND,
        SWAPPED,
        UNAVAILABLE
    }

    /** The service said so. */
    public static final String SWAPPED = "swapped";

    public static final String NOT_SWAPPED = "not_swapped";
    /** The answer kept in Redis from an earlier check. */
    public static final String CACHED = "cached";
    /** A swap event's mark: swapped, without asking. */
    public static final String MARKED = "marked";
    /** The service could not answer: a deadline, an error status, a malformed answer. */
    public static final String ERROR = "error";
    /** The breaker is open: the service was not asked. */
    public static final String BREAKER_OPEN = "breaker_open";

    static final java.util.List<String> OUTCOMES =
            java.util.List.of(SWAPPED, NOT_SWAPPED, CACHED, MARKED, ERROR, BREAKER_OPEN);

    /** No check configured: today's behaviour. */
    public static final SwapVerdict OFF = new SwapVerdict("off", Action.SEND, null);

    /** No one could say: the service gave no answer, or was not asked (the breaker open). */
    public boolean unanswered() {
        return outcome.equals(ERROR) || outcome.equals(BREAKER_OPEN);
    }

    public boolean refused() {
        return action != Action.SEND;
    }
}
