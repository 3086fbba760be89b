package dev.kordon.oidc;

import static dev.kordon.oidc.OidcBrowser.CALLBACK;
import static dev.kordon.oidc.OidcBrowser.authorize;
import static dev.kordon.oidc.OidcBrowser.codeForm;
import static dev.kordon.oidc.OidcBrowser.enc;
import static dev.kordon.oidc.OidcBrowser.refreshForm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RP-initiated sign-out (/oauth2/logout): with an ID token hint the browser session, the client's
 * refresh family and its access token end and the browser goes to the registered post-logout URI
 * with its state; what cannot be trusted with a redirect gets an error page and ends nothing.
 */
class OidcLogoutTest {
    static final String SIGNED_OUT = "https://portal.example.by/signed-out";
    static final String PASSWORD = LogCapture.secret("Oidc-Logout-Password-1");

    static Rig rig;
    static Account account;
    static String secret;

    @BeforeAll
    static void up() {
        rig = Rig.builder().set("jwt.issuer", OidcBrowser.ISSUER).start();
        account = rig.account("+375297200001", PASSWORD);
        JsonObject client = new JsonObject()
                .put("client_name", "Portal with sign-out")
                .put("redirect_uris", new JsonArray().add(CALLBACK))
                .put("post_logout_redirect_uris", new JsonArray().add(SIGNED_OUT))
                .put("scope", "openid phone email roles");
        HttpResponse<Buffer> r = rig.admin(HttpMethod.PUT, "/admin/v1/clients/portal", client, Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
        secret = LogCapture.secret(r.bodyAsJsonObject().getString("client_secret"));
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void aHintAndARegisteredUriEndTheSessionTheRefreshFamilyAndTheAccessTokenAndLeadThereWithState() {
        OidcBrowser b = new OidcBrowser(rig);
        JsonObject t = signInThroughPortal(b);
        Map<String, String> cookies = new LinkedHashMap<>(b.jar);

        HttpResponse<Buffer> out = b.get("/oauth2/logout?id_token_hint=" + t.getString("id_token")
                + "&post_logout_redirect_uri=" + enc(SIGNED_OUT) + "&state=bye-1");
        assertThat(out.statusCode()).as(out.bodyAsString()).isEqualTo(302);
        assertThat(out.getHeader("Location")).isEqualTo(SIGNED_OUT + "?state=bye-1");
        assertThat(b.jar).as("the session cookie is cleared").hasSizeLessThan(cookies.size());

        // The session is gone on the server too: the old cookie signs no one in.
        b.jar.putAll(cookies);
        assertThat(b.get(authorize("portal", "s", "n", null, "")).getHeader("Location"))
                .startsWith("/login?return=");
        HttpResponse<Buffer> refresh = b.token("portal", secret, refreshForm(t.getString("refresh_token")));
        assertThat(refresh.statusCode()).isEqualTo(400);
        assertThat(refresh.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");
        assertThat(rig.get("/oauth2/userinfo", t.getString("access_token")).statusCode())
                .isEqualTo(401);
        assertThat(Await.until(Duration.ofSeconds(10), () -> logouts(account, "true"), n -> n >= 1))
                .as("oidc.logout audited with the session and the family ended")
                .isEqualTo(1);
    }

    @Test
    void aHintForAnotherAccountThanTheBrowsersEndsThatAccountsFamiliesButNotTheBrowsersSession() {
        Account other = rig.account("+375297200002", PASSWORD);
        OidcBrowser hinted = new OidcBrowser(rig);
        JsonObject t = signInThroughPortal(hinted);
        OidcBrowser b = new OidcBrowser(rig);
        signInThroughPortal(b, "297200002");

        HttpResponse<Buffer> out = b.get("/oauth2/logout?id_token_hint=" + t.getString("id_token")
                + "&post_logout_redirect_uri=" + enc(SIGNED_OUT));
        assertThat(out.statusCode()).as(out.bodyAsString()).isEqualTo(302);
        assertThat(out.getHeader("Location")).isEqualTo(SIGNED_OUT);

        Map<String, String> again = b.toCallback(authorize("portal", "s", "n", null, ""));
        JsonObject still =
                b.token("portal", secret, codeForm(again.get("code"), null)).bodyAsJsonObject();
        assertThat(OidcBrowser.claims(still.getString("id_token")).getString("sub"))
                .isEqualTo(other.id().toString());
        assertThat(hinted.token("portal", secret, refreshForm(t.getString("refresh_token")))
                        .bodyAsJsonObject()
                        .getString("error"))
                .isEqualTo("invalid_grant");
        assertThat(Await.until(Duration.ofSeconds(10), () -> logouts(account, "false"), n -> n >= 1))
                .as("oidc.logout audited with the family ended and no session")
                .isEqualTo(1);
    }

    @Test
    void aPostLogoutUriNotRegisteredGetsAnErrorPageWithoutRedirectAndTheSessionStays() {
        OidcBrowser b = new OidcBrowser(rig);
        JsonObject t = signInThroughPortal(b);

        HttpResponse<Buffer> out = b.get("/oauth2/logout?id_token_hint=" + t.getString("id_token")
                + "&post_logout_redirect_uri=" + enc("https://evil.example/") + "&state=bye-2");
        assertThat(out.statusCode()).isEqualTo(400);
        assertThat(out.getHeader("Location")).isNull();
        assertThat(out.getHeader("Content-Type")).startsWith("text/html");

        assertThat(b.toCallback(authorize("portal", "s", "n", null, ""))).containsKey("code");
        assertThat(b.token("portal", secret, refreshForm(t.getString("refresh_token")))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aTamperedHintOrAClientIdOtherThanItsAudienceGetsAnErrorPageAndTheSessionStays() {
        OidcBrowser b = new OidcBrowser(rig);
        JsonObject t = signInThroughPortal(b);
        String[] jws = t.getString("id_token").split("\\.");
        JsonObject claims = OidcBrowser.claims(t.getString("id_token"))
                .put("sub", UUID.randomUUID().toString());
        String tampered = jws[0] + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8))
                + "." + jws[2];

        HttpResponse<Buffer> forged = b.get("/oauth2/logout?id_token_hint=" + tampered);
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.getHeader("Location")).isNull();
        HttpResponse<Buffer> otherClient =
                b.get("/oauth2/logout?client_id=other&id_token_hint=" + t.getString("id_token"));
        assertThat(otherClient.statusCode()).isEqualTo(400);
        assertThat(otherClient.getHeader("Location")).isNull();

        assertThat(b.toCallback(authorize("portal", "s", "n", null, ""))).containsKey("code");
    }

    @Test
    void aLogoutWithoutParametersEndsTheSessionAndLeadsToTheSignInPage() {
        OidcBrowser b = new OidcBrowser(rig);
        signInThroughPortal(b);
        Map<String, String> cookies = new LinkedHashMap<>(b.jar);

        HttpResponse<Buffer> out = b.get("/oauth2/logout");
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.getHeader("Location")).isEqualTo("/login");

        b.jar.putAll(cookies);
        assertThat(b.get(authorize("portal", "s", "n", null, "")).getHeader("Location"))
                .startsWith("/login?return=");
    }

    @Test
    void aPostWithTheClientIdAloneMayNameARegisteredUriAndEndsTheSession() {
        OidcBrowser b = new OidcBrowser(rig);
        signInThroughPortal(b);
        Map<String, String> cookies = new LinkedHashMap<>(b.jar);

        HttpResponse<Buffer> out = b.post(
                "/oauth2/logout",
                MultiMap.caseInsensitiveMultiMap()
                        .add("client_id", "portal")
                        .add("post_logout_redirect_uri", SIGNED_OUT)
                        .add("state", "bye-3")
                        .add("ui_locales", "en"));
        assertThat(out.statusCode()).as(out.bodyAsString()).isEqualTo(302);
        assertThat(out.getHeader("Location")).isEqualTo(SIGNED_OUT + "?state=bye-3");

        b.jar.putAll(cookies);
        assertThat(b.get(authorize("portal", "s", "n", null, "")).getHeader("Location"))
                .startsWith("/login?return=");
    }

    private static JsonObject signInThroughPortal(OidcBrowser b) {
        return signInThroughPortal(b, "297200001");
    }

    /** Signs an account in on the seed's page for the portal; the token response (a password: with a refresh token). */
    private static JsonObject signInThroughPortal(OidcBrowser b, String phoneDigits) {
        String loginPage = b.get(authorize("portal", "st", "n", null, "")).getHeader("Location");
        Map<String, String> callback =
                b.toCallback(b.signIn(loginPage, phoneDigits, PASSWORD).getHeader("Location"));
        HttpResponse<Buffer> tokens = b.token("portal", secret, codeForm(callback.get("code"), null));
        assertThat(tokens.statusCode()).as(tokens.bodyAsString()).isEqualTo(200);
        JsonObject t = tokens.bodyAsJsonObject();
        assertThat(t.getString("refresh_token")).isNotNull();
        assertThat(rig.get("/oauth2/userinfo", t.getString("access_token")).statusCode())
                .isEqualTo(200);
        return t;
    }

    /** The account's oidc.logout events for the portal that ended families, with a session ended or not. */
    private static long logouts(Account who, String sessionEnded) {
        return Rig.await(rig.running
                        .wiring()
                        .pg()
                        .preparedQuery("SELECT count(*) FROM audit_events WHERE event = 'oidc.logout'"
                                + " AND account_id = $1 AND detail->>'client_id' = 'portal'"
                                + " AND detail->>'session_ended' = $2 AND (detail->>'families_ended')::int >= 1")
                        .execute(Tuple.of(who.id(), sessionEnded)))
                .iterator()
                .next()
                .getLong(0);
    }
}
