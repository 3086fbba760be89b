package dev.kordon.simswap;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * private_key_jwt (RFC 7523 §2.2, OpenID Connect Core §9): a short-lived JWT Kordon signs with its own
 * key, iss and sub the client id, aud the token endpoint, a fresh jti each time, so the operator's
 * gateway holds only the public half. RS256 for an RSA key, ES256 for an EC P-256 key.
 */
final class ClientAssertion {
    static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    /** Long enough for the token request, short enough that a copy is soon worthless. */
    private static final long LIFETIME_S = 60;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClientAssertion() {}

    /** The key of a PKCS#8 PEM ("PRIVATE KEY"): RSA or EC P-256. */
    static PrivateKey key(String pem) throws GeneralSecurityException {
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            throw new GeneralSecurityException("sim-swap.private-key-file: no PKCS#8 'PRIVATE KEY' PEM block"
                    + " (openssl pkcs8 -topk8 -nocrypt converts one)");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException notRsa) {
            PrivateKey ec = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            if (((ECPrivateKey) ec).getParams().getCurve().getField().getFieldSize() != 256) {
                throw new GeneralSecurityException("sim-swap.private-key-file: an RSA or an EC P-256 key");
            }
            return ec;
        }
    }

    /** A new assertion for one token request. */
    static String sign(PrivateKey key, String clientId, String audience) throws GeneralSecurityException {
        boolean ec = key instanceof ECPrivateKey;
        long now = System.currentTimeMillis() / 1000;
        byte[] jti = new byte[16];
        RANDOM.nextBytes(jti);
        JsonObject header = new JsonObject().put("alg", ec ? "ES256" : "RS256").put("typ", "JWT");
        JsonObject claims = new JsonObject()
                .put("iss", clientId)
                .put("sub", clientId)
                .put("aud", audience)
                .put("jti", B64.encodeToString(jti))
                .put("iat", now)
                .put("exp", now + LIFETIME_S);
        String input = b64(header) + "." + b64(claims);
        // The JDK's P1363 form is JWS's r||s; plain SHA256withECDSA would give DER.
        Signature s = Signature.getInstance(ec ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
        s.initSign(key);
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(s.sign());
    }

    private static String b64(JsonObject json) {
        return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
    }
}
