package dev.kordon.keys;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpenID Connect ID tokens: compact JWS signed RS256 (OIDC Core §15.1 makes it the one algorithm
 * every relying party supports; access tokens stay ES256) with the RSA key whose file name sorts
 * last. Off when the keys folder holds no RSA private key: then {@link #on()} is false and the OpenID
 * Connect face serves nothing.
 *
 * <p>An RSA signature costs about 1 ms of CPU at 2048 bits and 3 ms at 3072, on the calling thread;
 * one is made per ID token, far fewer than the access tokens of sign-ins and refreshes.
 */
public final class IdTokens {
    public static final String ALG = "RS256";
    private static final String JDK_ALG = "SHA256withRSA";

    private final SigningKeys.RsaKey signer;
    private final Map<String, SigningKeys.RsaKey> byKid = new LinkedHashMap<>();

    public IdTokens(SigningKeys keys) {
        this.signer = keys.rsaSigner();
        for (SigningKeys.RsaKey k : keys.rsa()) {
            byKid.put(k.kid(), k);
        }
    }

    /** Whether an RSA private key is there to sign: the OpenID Connect face is served only then. */
    public boolean on() {
        return signer != null;
    }

    /** The {@code kid} that signs, or null when off. */
    public String kid() {
        return signer == null ? null : signer.kid();
    }

    /**
     * The compact JWS of {@code claims}, header {@code {"alg":"RS256","kid":...,"typ":"JWT"}}. The
     * claims are signed as given: the caller sets iss, sub, aud, exp, iat and the rest.
     *
     * @throws IllegalStateException when off
     */
    public String sign(JsonObject claims) {
        return sign(claims, "JWT");
    }

    /** As {@link #sign(JsonObject)}, with the header's {@code typ}: {@code logout+jwt} for a logout token. */
    public String sign(JsonObject claims, String typ) {
        if (signer == null) {
            throw new IllegalStateException("no RSA key to sign ID tokens with");
        }
        JsonObject header =
                new JsonObject().put("alg", ALG).put("kid", signer.kid()).put("typ", typ);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance(JDK_ALG);
            rsa.initSign(signer.privateKey());
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            // The key was checked at load; a JDK without SHA256withRSA is not one Kordon runs on.
            throw new IllegalStateException("RS256 signing failed", e);
        }
    }

    /**
     * The claims of a token one of the RSA keys signed (header held to RS256 and a known
     * {@code kid}), or null for anything else. Only the signature is checked: expiry, issuer and
     * audience are the caller's (an {@code id_token_hint} may be expired and still name its
     * session).
     */
    public JsonObject verify(String token) {
        if (token == null || token.length() > 16_384) {
            return null;
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            JsonObject header = new JsonObject(new String(b64.decode(parts[0]), StandardCharsets.UTF_8));
            SigningKeys.RsaKey key = byKid.get(header.getString("kid"));
            if (key == null || !ALG.equals(header.getString("alg"))) {
                return null;
            }
            Signature rsa = Signature.getInstance(JDK_ALG);
            rsa.initVerify(key.publicKey());
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(b64.decode(parts[2]))) {
                return null;
            }
            return new JsonObject(new String(b64.decode(parts[1]), StandardCharsets.UTF_8));
        } catch (RuntimeException | GeneralSecurityException e) {
            return null;
        }
    }
}
