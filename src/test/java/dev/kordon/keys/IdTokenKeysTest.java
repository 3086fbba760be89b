package dev.kordon.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.kordon.oidc.OidcRoutes;
import dev.kordon.support.Rig;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RS256 keys of ID tokens: published beside the ES256 ones, refused when weak, rotated by file name. */
class IdTokenKeysTest {
    static Rig rig;

    @BeforeAll
    static void up() {
        rig = Rig.start();
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void theJwksPublishesAnEcKeyAndAnRsaKeyWithDistinctKids() {
        List<JsonObject> keys = jwks(rig);
        assertThat(keys).extracting(k -> k.getString("kty")).containsExactly("EC", "RSA");
        JsonObject ec = keys.get(0);
        JsonObject rsa = keys.get(1);
        assertThat(rsa.getString("kid")).isNotEqualTo(ec.getString("kid"));
        assertThat(ec.getString("alg")).isEqualTo("ES256");
        assertThat(rsa.getString("alg")).isEqualTo("RS256");
        assertThat(rsa.getString("use")).isEqualTo("sig");
        assertThat(rsa.fieldNames()).containsExactlyInAnyOrder("kty", "use", "alg", "kid", "n", "e");
        // Unsigned big-endian, base64url without padding: 2048 bits are 256 bytes, no sign byte.
        byte[] n = Base64.getUrlDecoder().decode(rsa.getString("n"));
        assertThat(n).hasSize(256);
        assertThat(n[0]).isNotZero();
        assertThat(rsa.getString("e")).isEqualTo("AQAB");
        assertThat(rsa.getString("n") + rsa.getString("e")).doesNotContain("=", "+", "/");
        assertThat(rsa.getString("kid"))
                .isEqualTo(rig.running.wiring().idTokens().kid());
    }

    /** Checked from the JWKS as published, by the JDK and by an independent JOSE library. */
    @Test
    void anIdTokenTheSignerMadeVerifiesAgainstTheRsaJwkAsPublished() throws Exception {
        JsonObject claims = new JsonObject()
                .put("iss", rig.config.jwt().issuer())
                .put("sub", "a-subject")
                .put("aud", "a-client")
                .put("nonce", "n-0S6_WzA2Mj");
        String token = rig.running.wiring().idTokens().sign(claims);

        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getType().toString()).isEqualTo("JWT");
        assertThat(jwt.getHeader().toJSONObject()).containsOnlyKeys("alg", "kid", "typ");
        String kid = jwt.getHeader().getKeyID();
        JsonObject published = jwks(rig).stream()
                .filter(k -> kid.equals(k.getString("kid")))
                .findFirst()
                .orElseThrow();
        RSAKey nimbus = RSAKey.parse(published.encode());
        assertThat(jwt.verify(new RSASSAVerifier(nimbus))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("n-0S6_WzA2Mj");

        String[] parts = token.split("\\.");
        assertThat(jdkVerifies(published, parts[0] + "." + parts[1], parts[2])).isTrue();
        String tampered = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        claims.copy().put("sub", "someone-else").encode().getBytes(StandardCharsets.UTF_8));
        assertThat(jdkVerifies(published, parts[0] + "." + tampered, parts[2])).isFalse();
    }

    @Test
    void theSignerVerifiesItsOwnTokensAndNothingElse() {
        IdTokens ids = rig.running.wiring().idTokens();
        String token = ids.sign(new JsonObject().put("sub", "s"));
        assertThat(ids.verify(token)).isEqualTo(new JsonObject().put("sub", "s"));
        String[] parts = token.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String other = b64.encodeToString("{\"sub\":\"t\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(ids.verify(parts[0] + "." + other + "." + parts[2])).isNull();
        String none = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(ids.verify(none + "." + parts[1] + ".")).isNull();
        // An access token (ES256, another kid) is no ID token.
        String access = rig.running.wiring().tokens().sign("at+jwt", new JsonObject().put("sub", "s"));
        assertThat(ids.verify(access)).isNull();
        assertThat(ids.verify("garbage")).isNull();
        assertThat(ids.verify(null)).isNull();
    }

    /** The RSA key is published, so whoever holds an ID token must not pass it off as an access token. */
    @Test
    void aTokenTheIdTokenKeySignedIsNeverAcceptedAsAnAccessToken() throws Exception {
        rig.account("+375291110002", "Correct-horse-9");
        String access =
                rig.login("+375291110002", "Correct-horse-9").bodyAsJsonObject().getString("access_token");
        assertThat(rig.get("/api/v1/me", access).statusCode()).isEqualTo(200);
        String[] parts = access.split("\\.");
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        SigningKeys.RsaKey rsa = rig.keys.rsaSigner();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(new JsonObject()
                .put("alg", "RS256")
                .put("typ", "at+jwt")
                .put("kid", rsa.kid())
                .encode()
                .getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(rsa.privateKey());
        signer.update((header + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        String forged = header + "." + parts[1] + "." + b64.encodeToString(signer.sign());
        String idToken = rig.running.wiring().idTokens().sign(claims);
        for (String token : List.of(forged, idToken)) {
            assertThat(rig.get("/api/v1/me", token).statusCode()).isEqualTo(401);
            assertThat(rig.get("/auth/verify", token).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void anRsaKeyUnder2048BitsIsRefusedWithAClearMessage(@TempDir Path dir) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(1024);
        KeyPair weak = gen.generateKeyPair();
        SigningKeysPem.writePrivate(
                dir.resolve("2026-01.pem"), SigningKeys.generate("ec").signer().privateKey());
        SigningKeysPem.writePrivate(dir.resolve("2026-02-id.pem"), weak.getPrivate());
        assertThatThrownBy(() -> SigningKeys.load(dir))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("key 2026-02-id")
                .hasMessageContaining("at least 2048 bits, got 1024");
        // A weak public key is refused as well: it would let a forged ID token through.
        java.nio.file.Files.delete(dir.resolve("2026-02-id.pem"));
        SigningKeysPem.writePublic(dir.resolve("2026-02-id.pem"), weak.getPublic());
        assertThatThrownBy(() -> SigningKeys.load(dir)).hasMessageContaining("at least 2048 bits, got 1024");
    }

    /** Add a newer key, wait out the ID tokens of the old one, remove it: as with the EC key. */
    @Test
    void rotationTheRsaKeyWhoseNameSortsLastSignsAndEveryOneIsPublished(@TempDir Path dir, @TempDir Path oldDir)
            throws Exception {
        SigningKeys oldKeys = SigningKeys.generate("2026-01");
        SigningKeys newKeys = SigningKeys.generate("2026-12");
        SigningKeysPem.writePrivate(dir.resolve("2026-06.pem"), newKeys.signer().privateKey());
        SigningKeysPem.writePrivate(
                dir.resolve("2026-01-id.pem"), oldKeys.rsaSigner().privateKey());
        SigningKeysPem.writePrivate(
                dir.resolve("2026-12-id.pem"), newKeys.rsaSigner().privateKey());
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        SigningKeysPem.writePublic(
                dir.resolve("2025-07-id.pem"), gen.generateKeyPair().getPublic());
        SigningKeys loaded = SigningKeys.load(dir);
        assertThat(loaded.signer().kid()).isEqualTo("2026-06");
        assertThat(loaded.rsa())
                .extracting(SigningKeys.RsaKey::kid)
                .containsExactly("2025-07-id", "2026-01-id", "2026-12-id");
        assertThat(loaded.rsaSigner().kid()).isEqualTo("2026-12-id");
        assertThat(loaded.rsaSigner().publicKey()).isEqualTo(newKeys.rsaSigner().publicKey());

        // What the old key signed before the rotation.
        SigningKeysPem.writePrivate(
                oldDir.resolve("2026-01.pem"), oldKeys.signer().privateKey());
        SigningKeysPem.writePrivate(
                oldDir.resolve("2026-01-id.pem"), oldKeys.rsaSigner().privateKey());
        String before = new IdTokens(SigningKeys.load(oldDir)).sign(new JsonObject().put("sub", "before"));

        try (Rig rotated = Rig.builder().keys(loaded).start()) {
            assertThat(jwks(rotated))
                    .extracting(k -> k.getString("kid"))
                    .containsExactly("2026-06", "2025-07-id", "2026-01-id", "2026-12-id");
            IdTokens ids = rotated.running.wiring().idTokens();
            String after = ids.sign(new JsonObject().put("sub", "after"));
            assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo("2026-12-id");
            assertThat(SignedJWT.parse(before).getHeader().getKeyID()).isEqualTo("2026-01-id");
            for (String token : List.of(before, after)) {
                SignedJWT jwt = SignedJWT.parse(token);
                JsonObject published = jwks(rotated).stream()
                        .filter(k -> jwt.getHeader().getKeyID().equals(k.getString("kid")))
                        .findFirst()
                        .orElseThrow();
                assertThat(jwt.verify(new RSASSAVerifier(RSAKey.parse(published.encode()))))
                        .isTrue();
                assertThat(ids.verify(token)).isNotNull();
            }
            assertThat(rotated.get(OidcRoutes.DISCOVERY, null).statusCode()).isEqualTo(200);
        }
    }

    private static List<JsonObject> jwks(Rig on) {
        var r = on.get("/.well-known/jwks.json", null);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.bodyAsJsonObject().getJsonArray("keys").stream()
                .map(JsonObject.class::cast)
                .toList();
    }

    /** SHA256withRSA by the JDK, with the public key rebuilt from the JWK's n and e alone. */
    private static boolean jdkVerifies(JsonObject jwk, String input, String signature) throws Exception {
        Base64.Decoder b64 = Base64.getUrlDecoder();
        RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, b64.decode(jwk.getString("n"))),
                        new BigInteger(1, b64.decode(jwk.getString("e")))));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(key);
        rsa.update(input.getBytes(StandardCharsets.US_ASCII));
        return rsa.verify(b64.decode(signature));
    }
}
