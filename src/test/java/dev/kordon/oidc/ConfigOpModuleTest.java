package dev.kordon.oidc;

import static dev.kordon.oidc.OidcBrowser.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.security.KeyFactory;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Config OP plan's one module, {@code oidcc-discovery-endpoint-verification}, with the checks it
 * makes of the discovery document and of the JWKS it names, for a provider of static clients.
 */
class ConfigOpModuleTest {
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
    void discoveryEndpointVerificationFindsTheIssuerWhereItWasFetchedHttpsEndpointsAndAPublicJwks() throws Exception {
        var r = rig.get(OidcRoutes.DISCOVERY, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        JsonObject doc = r.bodyAsJsonObject();
        // CheckDiscEndpointIssuer: the discovery URL less its well-known suffix is the issuer.
        String discoveryUrl = ISSUER + OidcRoutes.DISCOVERY;
        assertThat(doc.getString("issuer"))
                .isEqualTo(discoveryUrl.substring(0, discoveryUrl.length() - OidcRoutes.DISCOVERY.length()));
        // CheckDiscEndpointAllEndpointsAreHttps and the endpoint checks: every *_endpoint, and jwks_uri.
        List<String> endpoints = doc.fieldNames().stream()
                .filter(name -> name.endsWith("_endpoint") || name.equals("jwks_uri"))
                .toList();
        assertThat(endpoints)
                .contains("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
                .doesNotContain("registration_endpoint");
        for (String name : endpoints) {
            URI u = URI.create(doc.getString(name));
            assertThat(u.getScheme()).as(name).isEqualTo("https");
            assertThat(u.getHost()).as(name).isNotBlank();
        }
        // OIDCCCheckDiscEndpointResponseTypesSupported: at least one OIDC response type, for a static client.
        assertThat(doc.getJsonArray("response_types_supported").getList()).contains("code");
        assertThat(doc.getJsonArray("subject_types_supported").getList()).isNotEmpty();
        assertThat(doc.getJsonArray("id_token_signing_alg_values_supported").getList())
                .contains("RS256");
        assertThat(doc.getJsonArray("scopes_supported").getList()).contains("openid");
        assertThat(doc.getJsonArray("grant_types_supported").getList()).isNotEmpty();
        assertThat(doc.getJsonArray("claims_supported").getList()).contains("sub");
        assertThat(doc.getValue("code_challenge_methods_supported")).isInstanceOf(JsonArray.class);
        for (Object tag : doc.getJsonArray("ui_locales_supported")) {
            assertThat((String) tag).matches("[a-z]{2,3}(-[A-Z]{2})?");
        }

        // FetchServerKeys and ValidateJwksSequence: the JWKS is public keys only, each usable, kids unique.
        var jwks = rig.get(OidcBrowser.local(doc.getString("jwks_uri")), null);
        assertThat(jwks.statusCode()).isEqualTo(200);
        JsonArray keys = jwks.bodyAsJsonObject().getJsonArray("keys");
        Set<String> kids = new HashSet<>();
        boolean rs256 = false;
        for (Object k : keys) {
            JsonObject key = (JsonObject) k;
            assertThat(key.fieldNames()).doesNotContain("d", "p", "q", "dp", "dq", "qi", "k");
            assertThat(kids.add(key.getString("kid")))
                    .as("kid %s once", key.getString("kid"))
                    .isTrue();
            assertThat(key.getString("use")).isEqualTo("sig");
            if ("RSA".equals(key.getString("kty"))) {
                assertThat(key.getString("alg")).isEqualTo("RS256");
                Base64.Decoder d = Base64.getUrlDecoder();
                KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(
                                new BigInteger(1, d.decode(key.getString("n"))),
                                new BigInteger(1, d.decode(key.getString("e")))));
                rs256 = true;
            }
        }
        assertThat(rs256).as("an RSA key for the ID tokens' RS256").isTrue();
    }
}
