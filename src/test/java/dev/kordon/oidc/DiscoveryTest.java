package dev.kordon.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.keys.SigningKeys;
import dev.kordon.keys.SigningKeysPem;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenID Connect Discovery 1.0: the provider metadata, and no face at all without an RSA key. */
class DiscoveryTest {
    /** A path under the host, as an operator behind a path-routing ingress would set it. */
    private static final String ISSUER = "https://id.example.by/kordon";

    static Rig rig;

    @BeforeAll
    static void up() {
        rig = Rig.builder().set("jwt.issuer", ISSUER).start();
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void theDocumentNamesTheConfiguredIssuerExactlyAndEveryEndpointUnderIt() {
        var r = rig.get(OidcRoutes.DISCOVERY, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(r.getHeader("Cache-Control")).isEqualTo("public, max-age=300");
        JsonObject doc = r.bodyAsJsonObject();
        assertThat(doc.getString("issuer")).isEqualTo(ISSUER);
        assertThat(doc.getString("authorization_endpoint")).isEqualTo(ISSUER + "/oauth2/authorize");
        assertThat(doc.getString("token_endpoint")).isEqualTo(ISSUER + "/oauth2/token");
        assertThat(doc.getString("userinfo_endpoint")).isEqualTo(ISSUER + "/oauth2/userinfo");
        assertThat(doc.getString("end_session_endpoint")).isEqualTo(ISSUER + "/oauth2/logout");
        assertThat(doc.getString("jwks_uri")).isEqualTo(ISSUER + "/.well-known/jwks.json");
    }

    @Test
    void theDocumentStatesWhatIsSupportedAndWhatIsNot() {
        JsonObject doc = rig.get(OidcRoutes.DISCOVERY, null).bodyAsJsonObject();
        assertThat(strings(doc, "response_types_supported")).containsExactly("code");
        assertThat(strings(doc, "response_modes_supported")).containsExactly("query");
        assertThat(strings(doc, "grant_types_supported")).containsExactly("authorization_code", "refresh_token");
        assertThat(strings(doc, "subject_types_supported")).containsExactly("public");
        assertThat(strings(doc, "id_token_signing_alg_values_supported")).containsExactly("RS256");
        assertThat(strings(doc, "token_endpoint_auth_methods_supported"))
                .containsExactly("client_secret_basic", "client_secret_post", "none");
        assertThat(strings(doc, "code_challenge_methods_supported")).containsExactly("S256");
        assertThat(strings(doc, "scopes_supported"))
                .containsExactly("openid", "phone", "email", "roles", "offline_access");
        assertThat(strings(doc, "claims_supported"))
                .containsExactlyInAnyOrder(
                        "sub",
                        "iss",
                        "aud",
                        "exp",
                        "iat",
                        "auth_time",
                        "nonce",
                        "amr",
                        "acr",
                        "sid",
                        "phone_number",
                        "phone_number_verified",
                        "email",
                        "roles");
        // How the person signed in: a password alone, or with a second step (token/Assurance).
        assertThat(strings(doc, "acr_values_supported")).containsExactly("aal1", "aal2");
        // consent and select_account are met as they stand: every client is first-party, one account at a time.
        assertThat(strings(doc, "prompt_values_supported"))
                .containsExactly("none", "login", "consent", "select_account");
        assertThat(strings(doc, "ui_locales_supported")).containsExactly("ru", "en");
        assertThat(doc.getBoolean("request_parameter_supported")).isFalse();
        assertThat(doc.getBoolean("request_uri_parameter_supported")).isFalse();
        assertThat(doc.getBoolean("claims_parameter_supported")).isFalse();
        // Back-channel logout tokens carry the session's sid (BackchannelLogoutTest).
        assertThat(doc.getBoolean("backchannel_logout_supported")).isTrue();
        assertThat(doc.getBoolean("backchannel_logout_session_supported")).isTrue();
    }

    /** Discovery §4.3: the issuer is compared as a string, so a configured trailing slash stays. */
    @Test
    void aTrailingSlashOfTheIssuerIsKeptAndNotDoubledInTheEndpoints() {
        JsonObject doc = OidcRoutes.discovery("https://auth.example.by/");
        assertThat(doc.getString("issuer")).isEqualTo("https://auth.example.by/");
        assertThat(doc.getString("token_endpoint")).isEqualTo("https://auth.example.by/oauth2/token");
        assertThat(doc.getString("jwks_uri")).isEqualTo("https://auth.example.by/.well-known/jwks.json");
    }

    /** Existing deployments hold an EC key only: they start as before, say once that OIDC is off, and serve no discovery. */
    @Test
    void aKeysFolderWithAnEcKeyOnlyStartsSaysOnceThatOidcIsOffAndDiscoveryIs404(@TempDir Path dir) throws Exception {
        SigningKeysPem.writePrivate(
                dir.resolve("2026-06.pem"), SigningKeys.generate("ec").signer().privateKey());
        SigningKeys ecOnly = SigningKeys.load(dir);
        assertThat(ecOnly.rsa()).isEmpty();
        String off = "OpenID Connect is off";
        int before = LogCapture.linesWith(off).size();
        try (Rig plain = Rig.builder().keys(ecOnly).start()) {
            assertThat(plain.config.httpInstances()).isGreaterThan(1);
            assertThat(LogCapture.linesWith(off)).hasSize(before + 1);
            assertThat(LogCapture.linesWith(off).get(before)).contains("INFO");
            var discovery = plain.get(OidcRoutes.DISCOVERY, null);
            assertThat(discovery.statusCode()).isEqualTo(404);
            assertThat(discovery.getHeader("Content-Type")).startsWith("application/problem+json");
            JsonArray keys =
                    plain.get("/.well-known/jwks.json", null).bodyAsJsonObject().getJsonArray("keys");
            assertThat(keys).hasSize(1);
            assertThat(keys.getJsonObject(0).getString("kty")).isEqualTo("EC");
            assertThat(keys.getJsonObject(0).getString("kid")).isEqualTo("2026-06");
            // Access tokens are signed and accepted as before.
            plain.account("+375291110001", "Correct-horse-9");
            var login = plain.login("+375291110001", "Correct-horse-9");
            assertThat(login.statusCode()).isEqualTo(200);
            String at = login.bodyAsJsonObject().getString("access_token");
            assertThat(plain.get("/api/v1/me", at).statusCode()).isEqualTo(200);
        }
        assertThat(rig.get(OidcRoutes.DISCOVERY, null).statusCode()).isEqualTo(200);
    }

    private static List<String> strings(JsonObject doc, String field) {
        return doc.getJsonArray(field).stream().map(String.class::cast).toList();
    }
}
