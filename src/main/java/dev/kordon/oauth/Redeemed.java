package dev.kordon.oauth;

/**
 * What became of an authorization code at the token endpoint. Anything but {@link Outcome#GRANTED}
 * answers {@code invalid_grant} (RFC 6749 5.2), the same for every case, so the answer tells a
 * guesser nothing.
 *
 * @param grant the code's grant when {@link Outcome#GRANTED} or {@link Outcome#REPLAYED}; else null
 * @param issuedId with {@link Outcome#GRANTED}: the id to record with what the caller issues (its
 *     refresh family); with {@link Outcome#REPLAYED}: the same id again, so that the caller ends
 *     what it issued under it (RFC 6749 4.1.2, RFC 9700 4.2.1); else null
 */
public record Redeemed(Outcome outcome, Grant grant, String issuedId) {
    public enum Outcome {
        /** First use, bound client, redirect URI and verifier all right: issue tokens. */
        GRANTED,
        /** First use, but the client, the redirect URI or the PKCE verifier was wrong: the code is spent. */
        REFUSED,
        /** The code was used before: refuse, and end what its first use issued. */
        REPLAYED,
        /** No such code, or it expired. */
        UNKNOWN
    }

    static final String INVALID_GRANT = "invalid_grant";

    public boolean granted() {
        return outcome == Outcome.GRANTED;
    }

    /** The token endpoint's error code: null when granted, else {@code invalid_grant}. */
    public String error() {
        return granted() ? null : INVALID_GRANT;
    }
}
