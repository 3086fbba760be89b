package dev.kordon.mfa;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecord;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.CollectedClientData;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.VerificationException;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Passkeys (WebAuthn Level 2) for the second step, without HTTP: the options the page hands to
 * {@code navigator.credentials.create()} and {@code .get()} (the JSON forms of the specification,
 * binary fields in base64url, so {@code PublicKeyCredential.parseCreationOptionsFromJSON} takes
 * them as they are), and the check of what the browser sends back ({@code PublicKeyCredential
 * .toJSON()}). The checks are webauthn4j's: origin, rp id hash, user presence and verification,
 * signature, the signature counter. Each challenge is issued to one account for one ceremony and is
 * taken from Redis before anything else is judged, so an answer counts at most once, whatever it
 * is found to be. Attestation is not asked for ({@code none}); a {@code packed} self-attestation
 * is checked and accepted, no attestation is trusted to say what the authenticator is.
 */
public final class Passkeys {
    /** How long an issued challenge can be answered: the browser is told less, so it gives up first. */
    static final Duration CHALLENGE_TTL = Duration.ofMinutes(3);

    static final long BROWSER_TIMEOUT_MS = Duration.ofMinutes(2).toMillis();
    static final int CHALLENGE_BYTES = 32;
    static final int LABEL_MAX = 100;
    private static final String CREATE = "create";
    private static final String GET = "get";

    /** ES256 and RS256: between them every platform and roaming authenticator has one. */
    private static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /**
     * Who the passkeys are for: the rp id (the public host, which the browser checks against the
     * page's own), the name the authenticator shows, and the one origin whose pages may use them.
     */
    public record RelyingParty(String id, String name, String origin) {
        /** The relying party of Kordon's public address (jwt.issuer): its host is the rp id, its origin the origin. */
        public static RelyingParty of(String publicUrl, String name) {
            URI uri = URI.create(publicUrl);
            String origin = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
            return new RelyingParty(uri.getHost(), name, origin);
        }
    }

    private final SecondFactors factors;
    private final RedisStore redis;
    private final RelyingParty party;
    private final AttestedCredentialDataConverter credentials;
    private final WebAuthnManager webauthn;

    public Passkeys(SecondFactors factors, RedisStore redis, RelyingParty party) {
        this.factors = factors;
        this.redis = redis;
        this.party = party;
        ObjectConverter converter = new ObjectConverter();
        this.credentials = new AttestedCredentialDataConverter(converter);
        // Non-strict: attestation formats are verified, their certificate chains not trusted or
        // required; Kordon asks for no attestation and takes a passkey for the key it is.
        this.webauthn = WebAuthnManager.createNonStrictWebAuthnManager(converter);
    }

    /**
     * The options of {@code navigator.credentials.create()} for a new passkey of the account, with
     * a fresh challenge; {@code userName} and {@code displayName} are what the authenticator shows.
     */
    public Future<JsonObject> registrationOptions(UUID account, String userName, String displayName) {
        return factors.passkeys(account)
                .compose(existing -> issue(account, CREATE)
                        .map(challenge -> new JsonObject()
                                .put(
                                        "rp",
                                        new JsonObject().put("id", party.id()).put("name", party.name()))
                                .put(
                                        "user",
                                        new JsonObject()
                                                .put("id", B64.encodeToString(userHandle(account)))
                                                .put("name", userName)
                                                .put("displayName", displayName))
                                .put("challenge", challenge)
                                .put("pubKeyCredParams", algorithms())
                                .put("timeout", BROWSER_TIMEOUT_MS)
                                .put("excludeCredentials", descriptors(existing))
                                .put(
                                        "authenticatorSelection",
                                        new JsonObject()
                                                .put("residentKey", "preferred")
                                                .put("requireResidentKey", false)
                                                .put("userVerification", "required"))
                                .put("attestation", "none")));
    }

    /**
     * Judges the browser's answer to {@link #registrationOptions} (the JSON of {@code
     * PublicKeyCredential.toJSON()}) and keeps the passkey under {@code label} (trimmed, at most 100
     * characters; blank becomes "Passkey"). ACCEPTED with the credential id, or REFUSED with why.
     */
    public Future<PasskeyOutcome> register(UUID account, String responseJson, String label) {
        RegistrationData data;
        try {
            data = webauthn.parseRegistrationResponseJSON(responseJson);
        } catch (RuntimeException e) {
            return Future.succeededFuture(PasskeyOutcome.refused(null, "malformed"));
        }
        String challenge = challengeOf(data.getCollectedClientData());
        if (challenge == null || data.getAttestationObject() == null) {
            return Future.succeededFuture(PasskeyOutcome.refused(null, "malformed"));
        }
        return take(account, challenge, CREATE).compose(fresh -> {
            if (!fresh) {
                return Future.succeededFuture(PasskeyOutcome.refused(null, "challenge"));
            }
            try {
                webauthn.verify(data, new RegistrationParameters(server(challenge), ALGORITHMS, true, true));
            } catch (VerificationException e) {
                return Future.succeededFuture(PasskeyOutcome.refused(null, PasskeyOutcome.reason(e)));
            }
            AuthenticatorData<?> authData = data.getAttestationObject().getAuthenticatorData();
            AttestedCredentialData attested = authData.getAttestedCredentialData();
            String id = B64.encodeToString(attested.getCredentialId());
            List<String> transports = new ArrayList<>();
            if (data.getTransports() != null) {
                data.getTransports().forEach(t -> transports.add(t.getValue()));
            }
            SecondFactors.Passkey passkey = new SecondFactors.Passkey(
                    id,
                    label(label),
                    B64.encodeToString(credentials.convert(attested)),
                    authData.getSignCount(),
                    authData.isFlagBE(),
                    List.copyOf(transports),
                    null,
                    null);
            return factors.addPasskey(account, passkey)
                    .map(added -> added ? PasskeyOutcome.accepted(id) : PasskeyOutcome.refused(id, "registered"));
        });
    }

    /**
     * The options of {@code navigator.credentials.get()} for the account's second step: a fresh
     * challenge and the account's passkeys. An account without passkeys gets an empty list, which a
     * browser reads as "any passkey of this site": the flow offers passkeys only to accounts that
     * have one ({@link SecondFactors#methods}), and {@link #authenticate} takes only the account's own.
     */
    public Future<JsonObject> authenticationOptions(UUID account) {
        return factors.passkeys(account)
                .compose(existing -> issue(account, GET)
                        .map(challenge -> new JsonObject()
                                .put("challenge", challenge)
                                .put("timeout", BROWSER_TIMEOUT_MS)
                                .put("rpId", party.id())
                                .put("allowCredentials", descriptors(existing))
                                .put("userVerification", "required")));
    }

    /**
     * Judges the browser's answer to {@link #authenticationOptions}: ACCEPTED with the credential
     * id when one of the account's passkeys signed this challenge with the person verified and its
     * counter moved on; CLONED when the signature is good but the counter did not move forward (two
     * copies of one authenticator: the caller audits it); REFUSED with why otherwise.
     */
    public Future<PasskeyOutcome> authenticate(UUID account, String responseJson) {
        AuthenticationData data;
        try {
            data = webauthn.parseAuthenticationResponseJSON(responseJson);
        } catch (RuntimeException e) {
            return Future.succeededFuture(PasskeyOutcome.refused(null, "malformed"));
        }
        String challenge = challengeOf(data.getCollectedClientData());
        if (challenge == null || data.getCredentialId() == null || data.getAuthenticatorData() == null) {
            return Future.succeededFuture(PasskeyOutcome.refused(null, "malformed"));
        }
        String id = B64.encodeToString(data.getCredentialId());
        return take(account, challenge, GET).compose(fresh -> {
            if (!fresh) {
                return Future.succeededFuture(PasskeyOutcome.refused(id, "challenge"));
            }
            return factors.passkey(account, id).compose(stored -> {
                if (stored == null) {
                    return Future.succeededFuture(PasskeyOutcome.refused(id, "unknown-credential"));
                }
                byte[] handle = data.getUserHandle();
                if (handle != null && handle.length > 0 && !Arrays.equals(handle, userHandle(account))) {
                    return Future.succeededFuture(PasskeyOutcome.refused(id, "user-handle"));
                }
                try {
                    webauthn.verify(
                            data,
                            new AuthenticationParameters(
                                    server(challenge), record(stored), List.of(data.getCredentialId()), true, true));
                } catch (MaliciousCounterValueException e) {
                    return Future.succeededFuture(PasskeyOutcome.cloned(id));
                } catch (VerificationException e) {
                    return Future.succeededFuture(PasskeyOutcome.refused(id, PasskeyOutcome.reason(e)));
                }
                long count = data.getAuthenticatorData().getSignCount();
                return factors.passkeyUsed(account, id, count)
                        .map(moved -> moved ? PasskeyOutcome.accepted(id) : PasskeyOutcome.cloned(id));
            });
        });
    }

    /** The account's passkeys, for its security page and the operator's view. */
    public Future<List<SecondFactors.Passkey>> list(UUID account) {
        return factors.passkeys(account);
    }

    /** Removes one passkey of the account; false when the account has none by that id. */
    public Future<Boolean> remove(UUID account, String credentialId) {
        return factors.removePasskey(account, credentialId);
    }

    /** The user handle of the account: its id's 16 bytes, nothing that names the person. */
    static byte[] userHandle(UUID account) {
        return ByteBuffer.allocate(16)
                .putLong(account.getMostSignificantBits())
                .putLong(account.getLeastSignificantBits())
                .array();
    }

    /** A fresh challenge, kept for the account and the ceremony until answered or expired. */
    private Future<String> issue(UUID account, String ceremony) {
        byte[] bytes = new byte[CHALLENGE_BYTES];
        RANDOM.nextBytes(bytes);
        String challenge = B64.encodeToString(bytes);
        return redis.send(
                        Command.SET,
                        redis.keys().passkeyChallenge(account, challenge),
                        ceremony,
                        "NX",
                        "PX",
                        Long.toString(CHALLENGE_TTL.toMillis()))
                .compose(r -> r != null && "OK".equals(r.toString())
                        ? Future.succeededFuture(challenge)
                        : Future.failedFuture(new IllegalStateException("a fresh passkey challenge was taken")));
    }

    /** True once for a challenge issued to the account for this ceremony, and never again. */
    private Future<Boolean> take(UUID account, String challenge, String ceremony) {
        return redis.send(Command.GETDEL, redis.keys().passkeyChallenge(account, challenge))
                .map(r -> r != null && ceremony.equals(r.toString()));
    }

    private ServerProperty server(String challenge) {
        return ServerProperty.builder()
                .origin(Origin.create(party.origin()))
                .rpId(party.id())
                .challenge(new DefaultChallenge(challenge))
                .build();
    }

    private CredentialRecord record(SecondFactors.Passkey stored) {
        AttestedCredentialData attested =
                credentials.convert(Base64.getUrlDecoder().decode(stored.attestedCredential()));
        Set<AuthenticatorTransport> transports = new HashSet<>();
        stored.transports().forEach(t -> transports.add(AuthenticatorTransport.create(t)));
        // uvInitialized: registration required user verification. The BE flag is compared with the
        // stored one (it may never change); the backup state may.
        return new CredentialRecordImpl(
                null, true, stored.backupEligible(), null, stored.signCount(), attested, null, null, null, transports);
    }

    private static String challengeOf(CollectedClientData client) {
        return client == null || client.getChallenge() == null
                ? null
                : B64.encodeToString(client.getChallenge().getValue());
    }

    private static JsonArray algorithms() {
        JsonArray out = new JsonArray();
        ALGORITHMS.forEach(a -> out.add(
                new JsonObject().put("type", "public-key").put("alg", a.getAlg().getValue())));
        return out;
    }

    private static JsonArray descriptors(List<SecondFactors.Passkey> passkeys) {
        JsonArray out = new JsonArray();
        for (SecondFactors.Passkey p : passkeys) {
            JsonObject d = new JsonObject().put("type", "public-key").put("id", p.credentialId());
            if (!p.transports().isEmpty()) {
                d.put("transports", new JsonArray(p.transports()));
            }
            out.add(d);
        }
        return out;
    }

    private static String label(String typed) {
        String label = typed == null ? "" : typed.strip();
        if (label.isEmpty()) {
            return "Passkey";
        }
        return label.codePointCount(0, label.length()) <= LABEL_MAX
                ? label
                : label.substring(0, label.offsetByCodePoints(0, LABEL_MAX));
    }
}
