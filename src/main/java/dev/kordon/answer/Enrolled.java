package dev.kordon.answer;

import java.util.List;

/**
 * An enrolment confirmed: the ten recovery codes, to be shown this once, and what the sign-in
 * grants on its channel ({@link TokenPair} for the API, {@link BrowserSession} for the pages).
 */
public record Enrolled<A>(List<String> recoveryCodes, A grant) {
    @Override
    public String toString() {
        return "Enrolled[recovery codes withheld]";
    }
}
