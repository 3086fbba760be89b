package dev.kordon.mfa;

import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A platform authenticator and its browser in a few lines, as the specification describes them: an
 * EC P-256 key pair from the JDK, authenticator data laid out byte by byte, a {@code none}
 * attestation object in CBOR, assertions signed with SHA256withECDSA (DER, as WebAuthn has them),
 * answers in the JSON of {@code PublicKeyCredential.toJSON()}. Its fields are the knobs a test
 * turns to make an answer wrong in exactly one way. The API's tests use it as the browser too.
 */
public final class SoftAuthenticator {
    private static final byte UP = 0x01;
    private static final byte UV = 0x04;
    private static final byte AT = 0x40;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final ObjectConverter CBOR = new ObjectConverter();

    final KeyPair keys;
    final byte[] credentialId = new byte[32];
    /** The origin the browser puts in clientDataJSON. */
    public String origin;
    /** The rp id whose hash the authenticator puts in its data. */
    public String rpId;
    /** Whether the authenticator says it verified the person (PIN, biometrics). */
    public boolean verifiesUser = true;
    /** The signature counter the next answer carries; each assertion adds one first when {@link #counting}. */
    public long counter;

    public boolean counting = true;

    public SoftAuthenticator(String origin, String rpId) {
        this.origin = origin;
        this.rpId = rpId;
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            keys = gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        new SecureRandom().nextBytes(credentialId);
    }

    public String id() {
        return B64.encodeToString(credentialId);
    }

    /** The answer of {@code navigator.credentials.create(options)}. */
    public String create(JsonObject options) {
        byte[] clientData = clientData("webauthn.create", options.getString("challenge"));
        byte[] cose = CBOR.getCborConverter()
                .writeValueAsBytes(EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256));
        ByteArrayOutputStream authData = new ByteArrayOutputStream();
        authData.writeBytes(head((byte) (UP | (verifiesUser ? UV : 0) | AT)));
        authData.writeBytes(new byte[16]); // AAGUID: none, as with attestation "none"
        authData.writeBytes(
                ByteBuffer.allocate(2).putShort((short) credentialId.length).array());
        authData.writeBytes(credentialId);
        authData.writeBytes(cose);
        Map<String, Object> attestation = new LinkedHashMap<>();
        attestation.put("fmt", "none");
        attestation.put("attStmt", Map.of());
        attestation.put("authData", authData.toByteArray());
        byte[] attestationObject = CBOR.getCborConverter().writeValueAsBytes(attestation);
        return credential(new JsonObject()
                        .put("clientDataJSON", B64.encodeToString(clientData))
                        .put("attestationObject", B64.encodeToString(attestationObject))
                        .put("transports", new io.vertx.core.json.JsonArray().add("internal")))
                .encode();
    }

    /** The answer of {@code navigator.credentials.get(options)}, signed; {@code tamper} flips a bit of the signature. */
    public String get(JsonObject options, byte[] userHandle, boolean tamper) {
        if (counting) {
            counter++;
        }
        byte[] clientData = clientData("webauthn.get", options.getString("challenge"));
        byte[] authData = head((byte) (UP | (verifiesUser ? UV : 0)));
        byte[] signature;
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(keys.getPrivate());
            ecdsa.update(authData);
            ecdsa.update(MessageDigest.getInstance("SHA-256").digest(clientData));
            signature = ecdsa.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        if (tamper) {
            signature[signature.length - 1] ^= 0x01;
        }
        JsonObject response = new JsonObject()
                .put("clientDataJSON", B64.encodeToString(clientData))
                .put("authenticatorData", B64.encodeToString(authData))
                .put("signature", B64.encodeToString(signature));
        if (userHandle != null) {
            response.put("userHandle", B64.encodeToString(userHandle));
        }
        return credential(response).encode();
    }

    private JsonObject credential(JsonObject response) {
        return new JsonObject()
                .put("id", id())
                .put("rawId", id())
                .put("type", "public-key")
                .put("authenticatorAttachment", "platform")
                .put("response", response)
                .put("clientExtensionResults", new JsonObject());
    }

    private byte[] clientData(String type, String challenge) {
        return new JsonObject()
                .put("type", type)
                .put("challenge", challenge)
                .put("origin", origin)
                .put("crossOrigin", false)
                .encode()
                .getBytes(StandardCharsets.UTF_8);
    }

    /** rpIdHash, flags, signCount: the 37 bytes every authenticator data starts with. */
    private byte[] head(byte flags) {
        try {
            return ByteBuffer.allocate(37)
                    .put(MessageDigest.getInstance("SHA-256").digest(rpId.getBytes(StandardCharsets.UTF_8)))
                    .put(flags)
                    .putInt((int) counter)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
