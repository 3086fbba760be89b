package dev.kordon.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import dev.kordon.account.Account;
import dev.kordon.keys.SigningKeys;
import dev.kordon.support.Rig;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the verifier refuses: forged signatures (alg none, a stranger's key, r = s = 0, HMAC keyed
 * with the published key, keys or key URLs carried in the header), a wrong audience, issuer or
 * lifetime beyond the clock-skew leeway, a token of another type, and a signature in a
 * non-canonical encoding.
 */
class TokenValidationTest extends TokenFixture {

    @Test
    void forgedAndMisdirectedTokensAreRefused() throws Exception {
        TokenService ours = rig.running.wiring().tokens();
        String kid = rig.keys.signer().kid();
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims()))).isEqualTo(200);

        // alg none
        String none = b64(new JsonObject()
                        .put("alg", "none")
                        .put("typ", "at+jwt")
                        .put("kid", kid)
                        .encode()) + "." + b64(validClaims().encode()) + ".";
        assertThat(me(none)).isEqualTo(401);
        // wrong audience, wrong issuer, expired beyond the leeway, not yet valid
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("aud", "another-portal"))))
                .isEqualTo(401);
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("iss", "https://evil.example"))))
                .isEqualTo(401);
        long now = System.currentTimeMillis() / 1000;
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("exp", now - 60))))
                .isEqualTo(401);
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("nbf", now + 600))))
                .isEqualTo(401);
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("exp", (Object) null))))
                .isEqualTo(401);
        // another typ (a refresh or change token is never an access token)
        assertThat(me(ours.sign("change", validClaims()))).isEqualTo(401);
        // a stranger's key, whether it names an unknown kid or ours
        SigningKeys stranger = SigningKeys.generate("stranger");
        TokenService theirs = new TokenService(rig.vertx, stranger, rig.config.jwt(), 900);
        assertThat(me(theirs.sign(TokenService.ACCESS, validClaims()))).isEqualTo(401);
        String theirsAsOurs = theirs.sign(TokenService.ACCESS, validClaims());
        String[] p = theirsAsOurs.split("\\.");
        String relabelled = b64(new JsonObject()
                        .put("alg", "ES256")
                        .put("typ", "at+jwt")
                        .put("kid", kid)
                        .encode()) + "." + p[1] + "." + p[2];
        assertThat(me(relabelled)).isEqualTo(401);
        // the ECDSA r = s = 0 signature
        String good = ours.sign(TokenService.ACCESS, validClaims());
        String zero = good.substring(0, good.lastIndexOf('.') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);
        assertThat(me(zero)).isEqualTo(401);
        // HMAC with the published public key as the secret (algorithm confusion), in every form an
        // attacker could take it from the JWKS. HS512's 64 bytes have the length of an ES256 signature.
        for (Map.Entry<String, byte[]> secret : publicKeyAsSecrets(kid).entrySet()) {
            for (String alg : List.of("HS256", "HS384", "HS512")) {
                String input = b64(new JsonObject()
                                .put("alg", alg)
                                .put("typ", "at+jwt")
                                .put("kid", kid)
                                .encode()) + "." + b64(validClaims().encode());
                String forged = input + "." + hmac(alg, secret.getValue(), input);
                assertThat(me(forged))
                        .as(alg + " keyed with " + secret.getKey())
                        .isEqualTo(401);
                assertThat(rig.get("/auth/verify", forged).statusCode())
                        .as(alg + " keyed with " + secret.getKey())
                        .isEqualTo(401);
            }
        }
    }

    /** The public key of {@code kid} as published, in the byte forms an HMAC forger would try. */
    static Map<String, byte[]> publicKeyAsSecrets(String kid) throws Exception {
        String jwksText = rig.get("/.well-known/jwks.json", null).bodyAsString();
        JsonObject published = new JsonObject(jwksText)
                .getJsonArray("keys").stream()
                        .map(JsonObject.class::cast)
                        .filter(k -> kid.equals(k.getString("kid")))
                        .findFirst()
                        .orElseThrow();
        ECKey jwk = ECKey.parse(published.encode());
        byte[] der = jwk.toECPublicKey().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
        byte[] x = jwk.getX().decode();
        byte[] y = jwk.getY().decode();
        byte[] point = new byte[1 + x.length + y.length];
        point[0] = 4;
        System.arraycopy(x, 0, point, 1, x.length);
        System.arraycopy(y, 0, point, 1 + x.length, y.length);
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("PEM", pem.getBytes(StandardCharsets.US_ASCII));
        out.put("PEM without the final newline", pem.strip().getBytes(StandardCharsets.US_ASCII));
        out.put("DER SubjectPublicKeyInfo", der);
        out.put("uncompressed EC point", point);
        out.put("JWK as published", published.encode().getBytes(StandardCharsets.UTF_8));
        out.put("JWK as a JOSE library writes it", jwk.toJSONString().getBytes(StandardCharsets.UTF_8));
        out.put("JWKS document", jwksText.getBytes(StandardCharsets.UTF_8));
        return out;
    }

    static String hmac(String alg, byte[] secret, String input) throws Exception {
        String javaName = "Hmac" + alg.replace("HS", "SHA");
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance(javaName);
        mac.init(new javax.crypto.spec.SecretKeySpec(secret, javaName));
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void embeddedKeysAndKeyUrlsAreIgnored() throws Exception {
        SigningKeys attacker = SigningKeys.generate("attacker");
        JsonObject attackerJwk = SigningKeys.jwk(attacker.signer());
        TokenService theirs = new TokenService(rig.vertx, attacker, rig.config.jwt(), 900);
        String kid = rig.keys.signer().kid();
        for (JsonObject header : List.of(
                new JsonObject()
                        .put("alg", "ES256")
                        .put("typ", "at+jwt")
                        .put("kid", kid)
                        .put("jwk", attackerJwk),
                new JsonObject()
                        .put("alg", "ES256")
                        .put("typ", "at+jwt")
                        .put("kid", "attacker")
                        .put("jwk", attackerJwk),
                new JsonObject()
                        .put("alg", "ES256")
                        .put("typ", "at+jwt")
                        .put("kid", kid)
                        .put("jku", "https://evil.example/jwks"),
                new JsonObject()
                        .put("alg", "ES256")
                        .put("typ", "at+jwt")
                        .put("kid", kid)
                        .put("x5u", "https://evil.example/cert"))) {
            String signed = theirs.sign(TokenService.ACCESS, validClaims());
            String[] p = signed.split("\\.");
            // Re-sign the forged header with the attacker's key, as a real forgery would.
            String input = b64(header.encode()) + "." + p[1];
            java.security.Signature sig = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
            sig.initSign(attacker.signer().privateKey());
            sig.update(input.getBytes(StandardCharsets.US_ASCII));
            String forged =
                    input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig.sign());
            assertThat(me(forged)).as(header.fieldNames().toString()).isEqualTo(401);
        }
    }

    @Test
    void clockSkewIsForgivenOnlyWithinTheLeeway() {
        TokenService ours = rig.running.wiring().tokens();
        long now = System.currentTimeMillis() / 1000;
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("exp", now - 2))))
                .isEqualTo(200);
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("exp", now - 30))))
                .isEqualTo(401);
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("nbf", now + 2))))
                .isEqualTo(200);
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("nbf", now + 30))))
                .isEqualTo(401);
    }

    @Test
    void refreshAndChangeTokensAreNoAccessTokens() {
        JsonObject pair = signIn();
        assertThat(me(pair.getString("refresh_token"))).isEqualTo(401);
        String change = rig.running.wiring().tokens().issueChange(account, 600).token();
        assertThat(me(change)).isEqualTo(401);
        assertThat(rig.get("/auth/verify", change).statusCode()).isEqualTo(401);
    }

    /** The same token with the signature's last character changed in its unused low bits: same bytes, other text. */
    static String sameBytesOtherText(String token) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = token.charAt(token.length() - 1);
        String altered = token.substring(0, token.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
        String[] a = altered.split("\\.");
        String[] t = token.split("\\.");
        assertThat(Base64.getUrlDecoder().decode(a[2]))
                .isEqualTo(Base64.getUrlDecoder().decode(t[2]));
        return altered;
    }

    @Test
    void accessTokensWithANonCanonicalSignatureEncodingGet401OnMeAndAuthVerify() {
        String at = signIn().getString("access_token");
        for (String variant : List.of(sameBytesOtherText(at), at + "A", at + "=")) {
            assertThat(me(variant)).as(variant).isEqualTo(401);
            assertThat(rig.get("/auth/verify", variant).statusCode())
                    .as(variant)
                    .isEqualTo(401);
        }
        assertThat(me(at)).isEqualTo(200);
    }

    @Test
    void changeTokensWithANonCanonicalSignatureEncodingGet401OnPasswordChange() {
        Account other = rig.account("+375441000077", "Token-test-password-77");
        var issued = rig.running.wiring().tokens().issueChange(other, 600);
        String change = issued.token();
        var redis = rig.running.wiring().redis();
        JsonObject body = new JsonObject()
                .put("new_password", "Brand-new-password-77")
                .put("confirm_password", "Brand-new-password-77");
        for (String variant : List.of(sameBytesOtherText(change), change + "A")) {
            // What the sign-in with a temporary password stores beside a change token it issues.
            Rig.await(redis.send(
                    Command.SET, redis.keys().changeToken(other.id(), issued.jti()), "no-temp-hash", "PX", "600000"));
            var r = rig.post(
                    "/api/v1/password/change",
                    body,
                    io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + variant));
            assertThat(r.statusCode()).as(variant).isEqualTo(401);
        }
    }
}
