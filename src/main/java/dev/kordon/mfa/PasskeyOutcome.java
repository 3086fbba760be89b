package dev.kordon.mfa;

import com.webauthn4j.verifier.exception.BadAlgorithmException;
import com.webauthn4j.verifier.exception.BadAttestationStatementException;
import com.webauthn4j.verifier.exception.BadBackupEligibleFlagException;
import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.BadSignatureException;
import com.webauthn4j.verifier.exception.BadTopOriginException;
import com.webauthn4j.verifier.exception.CrossOriginException;
import com.webauthn4j.verifier.exception.IllegalBackupStateException;
import com.webauthn4j.verifier.exception.InconsistentClientDataTypeException;
import com.webauthn4j.verifier.exception.MissingChallengeException;
import com.webauthn4j.verifier.exception.NotAllowedAlgorithmException;
import com.webauthn4j.verifier.exception.UserNotPresentException;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;
import com.webauthn4j.verifier.exception.VerificationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a passkey ceremony came to. {@code credentialId} (base64url) is the passkey concerned when
 * it is known; {@code reason} says why a ceremony was refused, in one word fit for an audit record
 * and a log (never shown to the person, who is told only that it did not work):
 * {@code malformed} (not a WebAuthn response), {@code challenge} (not issued to this account for
 * this ceremony, expired, or spent: a replayed answer), {@code unknown-credential} (not one of the
 * account's passkeys), {@code user-handle}, {@code origin}, {@code rp-id}, {@code type},
 * {@code user-presence}, {@code user-verification}, {@code signature}, {@code algorithm},
 * {@code attestation}, {@code backup-flags}, {@code registered} (the credential is registered
 * already), {@code invalid} (anything else the specification refuses). CLONED has {@code reason}
 * {@code sign-count}: a good signature whose counter did not move forward.
 */
public record PasskeyOutcome(Verdict verdict, String credentialId, String reason) {
    public enum Verdict {
        ACCEPTED,
        REFUSED,
        /** The signature counter went back or stood still: a copy of the authenticator exists. */
        CLONED
    }

    public boolean accepted() {
        return verdict == Verdict.ACCEPTED;
    }

    static PasskeyOutcome accepted(String credentialId) {
        return new PasskeyOutcome(Verdict.ACCEPTED, credentialId, null);
    }

    static PasskeyOutcome refused(String credentialId, String reason) {
        return new PasskeyOutcome(Verdict.REFUSED, credentialId, reason);
    }

    static PasskeyOutcome cloned(String credentialId) {
        return new PasskeyOutcome(Verdict.CLONED, credentialId, "sign-count");
    }

    /** The first match wins: the more specific failures first. */
    private static final Map<Class<? extends VerificationException>, String> REASONS = new LinkedHashMap<>();

    static {
        REASONS.put(BadChallengeException.class, "challenge");
        REASONS.put(MissingChallengeException.class, "challenge");
        REASONS.put(BadOriginException.class, "origin");
        REASONS.put(BadTopOriginException.class, "origin");
        REASONS.put(CrossOriginException.class, "origin");
        REASONS.put(BadRpIdException.class, "rp-id");
        REASONS.put(InconsistentClientDataTypeException.class, "type");
        REASONS.put(UserNotPresentException.class, "user-presence");
        REASONS.put(UserNotVerifiedException.class, "user-verification");
        REASONS.put(BadSignatureException.class, "signature");
        REASONS.put(NotAllowedAlgorithmException.class, "algorithm");
        REASONS.put(BadAlgorithmException.class, "algorithm");
        REASONS.put(BadAttestationStatementException.class, "attestation");
        REASONS.put(BadBackupEligibleFlagException.class, "backup-flags");
        REASONS.put(IllegalBackupStateException.class, "backup-flags");
    }

    /** The one word for a failure of webauthn4j's checks. */
    static String reason(VerificationException e) {
        for (Map.Entry<Class<? extends VerificationException>, String> r : REASONS.entrySet()) {
            if (r.getKey().isInstance(e)) {
                return r.getValue();
            }
        }
        return "invalid";
    }
}
