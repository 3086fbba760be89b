package dev.kordon.oidc;

import static dev.kordon.oidc.OidcBrowser.ISSUER;
import static dev.kordon.oidc.OidcBrowser.authorize;
import static dev.kordon.oidc.OidcBrowser.claims;
import static dev.kordon.oidc.OidcBrowser.codeForm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The token endpoint's rules (RFC 6749, RFC 7636) and the temporary password's way through an
 * authorization: the forced change, then back to the client rather than to «В меню».
 */
class OidcTokenEndpointTest {
    static Rig rig;
    static String secret;
    static final String PASSWORD = LogCapture.secret("Oidc-Token-Password-1");
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @BeforeAll
    static void up() {
        rig = Rig.builder().set("jwt.issuer", ISSUER).start();
        rig.account("+375297200001", PASSWORD);
        secret = LogCapture.secret(OidcBrowser.register(rig, "portal", "client_secret_post"));
        OidcBrowser.register(rig, "spa", "none");
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    /** A code for {@code client}: through the sign-in page unless the browser is signed in already. */
    private static String code(OidcBrowser b, String client, String verifier) {
        String location = b.get(authorize(client, "s", "n", verifier, "")).getHeader("Location");
        if (location.startsWith("/login")) {
            b.signIn(location, "297200001", PASSWORD);
            location = b.get(authorize(client, "s", "n", verifier, "")).getHeader("Location");
        }
        assertThat(location).startsWith(OidcBrowser.CALLBACK + "?");
        return OidcBrowser.query(location).get("code");
    }

    @Test
    void aPublicClientRedeemsOnlyWithItsPkceVerifierAndAWrongOneKillsTheCode() {
        OidcBrowser b = new OidcBrowser(rig);
        String verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        String code = code(b, "spa", verifier);
        HttpResponse<Buffer> wrong = b.token("spa", null, codeForm(code, verifier.replace('d', 'e')));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");
        assertThat(b.token("spa", null, codeForm(code, verifier)).statusCode()).isEqualTo(400);

        String fresh = code(b, "spa", verifier);
        HttpResponse<Buffer> right = b.token("spa", null, codeForm(fresh, verifier));
        assertThat(right.statusCode()).as(right.bodyAsString()).isEqualTo(200);
        assertThat(claims(right.bodyAsJsonObject().getString("id_token")).getString("aud"))
                .isEqualTo("spa");
    }

    @Test
    void aConfidentialClientMustAuthenticateAsRegisteredAndAnotherClientsCodeIsRefused() {
        OidcBrowser b = new OidcBrowser(rig);
        String code = code(b, "portal", null);
        MultiMap noSecret = codeForm(code, null);
        HttpResponse<Buffer> asPublic = b.token("portal", null, noSecret);
        assertThat(asPublic.statusCode()).isEqualTo(401);
        assertThat(asPublic.bodyAsJsonObject().getString("error")).isEqualTo("invalid_client");

        HttpResponse<Buffer> basic = b.token("portal", secret, codeForm(code, null));
        assertThat(basic.statusCode())
                .as("Basic for a client registered for client_secret_post")
                .isEqualTo(401);
        assertThat(basic.getHeader("WWW-Authenticate")).startsWith("Basic");

        HttpResponse<Buffer> byAnother = b.token("spa", null, codeForm(code, null));
        assertThat(byAnother.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");

        MultiMap post = codeForm(code(b, "portal", null), null).add("client_secret", secret);
        HttpResponse<Buffer> ok = b.token("portal", null, post);
        assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    }

    @Test
    void failedClientAuthenticationsFromOneAddressAreRefusedWith429AfterTheLimitEvenForARightSecret() {
        // A rig of its own: the address's count would refuse this class's other tests for ten minutes.
        try (Rig own = Rig.builder().set("jwt.issuer", ISSUER).start()) {
            String right = LogCapture.secret(OidcBrowser.register(own, "portal", "client_secret_post"));
            OidcBrowser b = new OidcBrowser(own);
            for (int i = 0; i < TokenEndpoint.FAILURES; i++) {
                MultiMap wrong = codeForm("x", null).add("client_secret", "not-the-secret");
                HttpResponse<Buffer> r = b.token("guesser-" + i, null, wrong);
                assertThat(r.statusCode()).as("failure %d", i + 1).isEqualTo(401);
                assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("invalid_client");
            }
            HttpResponse<Buffer> blocked =
                    b.token("portal", null, codeForm("x", null).add("client_secret", right));
            assertThat(blocked.statusCode()).isEqualTo(429);
            assertThat(blocked.getHeader("Retry-After")).isEqualTo(Long.toString(TokenEndpoint.WINDOW_MS / 1000));
        }
    }

    @Test
    void disablingTheAccountEndsWhatTheClientHoldsItsRefreshTokenAndItsAccessToken() {
        rig.account("+375297200003", PASSWORD);
        OidcBrowser b = new OidcBrowser(rig);
        String location = b.get(authorize("portal", "s", "n", null, "")).getHeader("Location");
        b.signIn(location, "297200003", PASSWORD);
        String code = OidcBrowser.query(
                        b.get(authorize("portal", "s", "n", null, "")).getHeader("Location"))
                .get("code");
        JsonObject t = b.token("portal", null, codeForm(code, null).add("client_secret", secret))
                .bodyAsJsonObject();
        assertThat(rig.get("/oauth2/userinfo", t.getString("access_token")).statusCode())
                .isEqualTo(200);

        HttpResponse<Buffer> disabled = rig.admin(
                io.vertx.core.http.HttpMethod.PUT,
                "/admin/v1/accounts/mobile/%2B375297200003",
                new JsonObject()
                        .put("tariff", Rig.TARIFF)
                        .put("email", "oidc-disabled@org.by")
                        .put("status", "disabled"),
                Rig.ADMIN_TOKEN);
        assertThat(disabled.statusCode()).as(disabled.bodyAsString()).isEqualTo(200);

        assertThat(rig.get("/oauth2/userinfo", t.getString("access_token")).statusCode())
                .isEqualTo(401);
        HttpResponse<Buffer> refresh = b.token(
                "portal",
                null,
                OidcBrowser.refreshForm(t.getString("refresh_token")).add("client_secret", secret));
        assertThat(refresh.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");
    }

    @Test
    void aTemporaryPasswordGoesThroughTheForcedChangeAndThenBackToTheClientWithACode() {
        String email = "oidc-temp@org.by";
        rig.account("mobile", "+375297200002", Rig.TARIFF, "active", null, email);
        rig.post(
                "/api/v1/password/recovery",
                new JsonObject()
                        .put("category", "mobile")
                        .put("login", "+375297200002")
                        .put("channel", "email"));
        Matcher temp = Mailbox.TEMP_PASSWORD.matcher(
                Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0).text());
        assertThat(temp.find()).isTrue();
        String tempPassword = LogCapture.secret(temp.group(1));

        OidcBrowser b = new OidcBrowser(rig);
        String loginPage = b.get(authorize("portal", "st-t", "n-t", null, "")).getHeader("Location");
        HttpResponse<Buffer> signedIn = b.signIn(loginPage, "297200002", tempPassword);
        String changePage = signedIn.getHeader("Location");
        assertThat(changePage).startsWith("/password/change?return=");

        Matcher csrf = CSRF.matcher(b.get(changePage).bodyAsString());
        assertThat(csrf.find()).isTrue();
        String fresh = LogCapture.secret("Oidc-After-Temp-Password-7");
        HttpResponse<Buffer> changed = b.post(
                "/password/change",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf.group(1))
                        .add("new_password", fresh)
                        .add("confirm_password", fresh)
                        .add("return", OidcBrowser.query(changePage).get("return")));
        assertThat(changed.statusCode()).isEqualTo(303);
        assertThat(changed.getHeader("Location")).startsWith(ISSUER + "/oauth2/authorize?");
        Map<String, String> callback = b.toCallback(changed.getHeader("Location"));
        assertThat(callback).containsEntry("state", "st-t").containsKey("code");
    }
}
