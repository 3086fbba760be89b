package dev.kordon.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kordon.account.Account;
import dev.kordon.keys.SigningKeys;
import dev.kordon.support.Rig;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access token as its readers see it: the contract's claims, a signature an independent JOSE
 * library checks against the published JWKS, the identity headers /auth/verify gives a reverse
 * proxy, and a key rotation that signs with the newest key while the older one still verifies.
 */
class AccessTokenContractTest extends TokenFixture {

    @Test
    void accessTokenCarriesTheContractsClaimsAndReadsMe() {
        String at = signIn().getString("access_token");
        JsonObject c = claimsOf(at);
        assertThat(c.fieldNames()).contains("iss", "aud", "sub", "login", "cat", "role", "amr", "iat", "exp", "jti");
        assertThat(c.getString("sub")).isEqualTo(account.id().toString());
        assertThat(c.getString("login")).isEqualTo(PHONE);
        assertThat(c.getString("cat")).isEqualTo("mobile");
        assertThat(c.getJsonArray("amr")).containsExactly("pwd");
        assertThat(c.getLong("exp") - c.getLong("iat")).isEqualTo(900);

        var me = rig.get("/api/v1/me", at);
        assertThat(me.statusCode()).isEqualTo(200);
        JsonObject body = me.bodyAsJsonObject();
        assertThat(body.getString("sub")).isEqualTo(account.id().toString());
        assertThat(body.getString("category")).isEqualTo("mobile");
        assertThat(body.getString("login")).isEqualTo(PHONE);
        assertThat(body.getString("role")).isEqualTo("subscriber");
        assertThat(body.getString("tariff")).isEqualTo("SIP-соединение");
        assertThat(me(null)).isEqualTo(401);
        assertThat(me("garbage")).isEqualTo(401);
    }

    @Test
    void anIndependentJoseLibraryVerifiesAgainstThePublishedJwks() throws Exception {
        String at = signIn().getString("access_token");
        var jwksResponse = rig.get("/.well-known/jwks.json", null);
        assertThat(jwksResponse.statusCode()).isEqualTo(200);
        JWKSet set = JWKSet.parse(jwksResponse.bodyAsString());
        SignedJWT jwt = SignedJWT.parse(at);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.getHeader().getType().toString()).isEqualTo("at+jwt");
        ECKey key = set.getKeyByKeyId(jwt.getHeader().getKeyID()).toECKey();
        assertThat(key.isPrivate()).isFalse();
        assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getAudience())
                .containsExactly(rig.config.jwt().audience());
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(rig.config.jwt().issuer());
        // The same library refuses the token once one byte of the payload changes.
        String[] parts = at.split("\\.");
        String tampered =
                parts[0] + "." + b64(claimsOf(at).put("role", "supervisor").encode()) + "." + parts[2];
        assertThat(JWSObject.parse(tampered).verify(new ECDSAVerifier(key))).isFalse();
        assertThat(me(tampered)).isEqualTo(401);
    }

    @Test
    void authVerifyAnswersReverseProxies() {
        String at = signIn().getString("access_token");
        var ok = rig.get("/auth/verify", at);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.getHeader("X-Kordon-Subject")).isEqualTo(account.id().toString());
        assertThat(ok.getHeader("X-Kordon-Login")).isEqualTo(PHONE);
        assertThat(ok.getHeader("X-Kordon-Role")).isEqualTo("subscriber");
        assertThat(rig.get("/auth/verify", null).statusCode()).isEqualTo(401);
    }

    @Test
    void rotationNewestKeySignsOldStillVerifies(@TempDir Path dir) throws Exception {
        SigningKeys old = SigningKeys.generate("2026-01");
        SigningKeys newer = SigningKeys.generate("2026-06");
        Files.writeString(dir.resolve("2026-01.pem"), pem(old.signer()));
        Files.writeString(dir.resolve("2026-06.pem"), pem(newer.signer()));
        SigningKeys loaded = SigningKeys.load(dir);
        assertThat(loaded.signer().kid()).isEqualTo("2026-06");
        assertThat(loaded.all()).extracting(SigningKeys.Key::kid).containsExactly("2026-01", "2026-06");
        assertThat(loaded.all().get(0).publicKey().getW())
                .isEqualTo(old.signer().publicKey().getW());

        try (Rig rotated = Rig.builder().keys(loaded).start()) {
            Account a = rotated.account("+375251000001", PASSWORD);
            var r = rotated.login("+375251000001", PASSWORD);
            String at = r.bodyAsJsonObject().getString("access_token");
            assertThat(SignedJWT.parse(at).getHeader().getKeyID()).isEqualTo("2026-06");
            JWKSet set =
                    JWKSet.parse(rotated.get("/.well-known/jwks.json", null).bodyAsString());
            assertThat(set.getKeys()).extracting(k -> k.getKeyID()).containsExactlyInAnyOrder("2026-01", "2026-06");
            // A token the old key signed before the rotation is still good.
            TokenService before = new TokenService(rotated.vertx, old, rotated.config.jwt(), 900);
            String oldToken = before.issueAccess(a, List.of("pwd"), null).token();
            assertThat(rotated.get("/api/v1/me", oldToken).statusCode()).isEqualTo(200);
        }
    }

    static String pem(SigningKeys.Key key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.privateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }
}
