package dev.kordon.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Ports;
import dev.kordon.support.Rig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Vert.x's own OpenID Connect relying party ({@code vertx-auth-oauth2}), used as its documentation
 * shows, against Kordon: it discovers the provider from the issuer alone, builds the authorization
 * URL, trades the code (client_secret_basic, PKCE) and checks the ID token with the published keys,
 * reads userinfo and refreshes. Only the browser's part (the seed's sign-in page) is played by hand.
 */
class VertxOauth2ClientTest {
    static Rig rig;
    static Account account;
    static String issuer;
    static String secret;
    static final String PASSWORD = LogCapture.secret("Vertx-Rp-Password-1");

    @BeforeAll
    static void up() {
        int port = Ports.free();
        issuer = "http://127.0.0.1:" + port;
        rig = Rig.builder().set("http.port", port).set("jwt.issuer", issuer).start();
        account = rig.account("+375297300001", PASSWORD);
        secret = LogCapture.secret(OidcBrowser.register(rig, "vertx-portal", "client_secret_basic"));
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void vertxAuthOauth2DiscoversKordonTradesTheCodeChecksTheIdTokenReadsUserinfoAndRefreshes() {
        OAuth2Auth oauth2 = Rig.await(OpenIDConnectAuth.discover(
                rig.vertx,
                new OAuth2Options()
                        .setClientId("vertx-portal")
                        .setClientSecret(secret)
                        .setSite(issuer)));
        String verifier = "vertx-rp-verifier-0123456789-abcdefghijklmnopq";
        String url = oauth2.authorizeURL(new OAuth2AuthorizationURL()
                .setRedirectUri(OidcBrowser.CALLBACK)
                .setScopes(List.of("openid", "phone"))
                .setState("vx-state")
                .setCodeChallenge(OidcBrowser.challenge(verifier))
                .setCodeChallengeMethod("S256"));
        assertThat(url).startsWith(issuer + "/oauth2/authorize?");

        OidcBrowser browser = new OidcBrowser(rig);
        HttpResponse<Buffer> first = browser.get(url);
        assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(302);
        HttpResponse<Buffer> signedIn = browser.signIn(first.getHeader("Location"), "297300001", PASSWORD);
        Map<String, String> callback = browser.toCallback(signedIn.getHeader("Location"));
        assertThat(callback).containsEntry("state", "vx-state");

        User user = Rig.await(oauth2.authenticate(new Oauth2Credentials()
                .setFlow(OAuth2FlowType.AUTH_CODE)
                .setCode(callback.get("code"))
                .setRedirectUri(OidcBrowser.CALLBACK)
                .setCodeVerifier(verifier)));
        // The library decoded and checked the ID token against the JWKS it fetched at discovery.
        JsonObject idToken = user.attributes().getJsonObject("idToken");
        assertThat(idToken)
                .as("the ID token as the library verified it: %s", user.attributes())
                .isNotNull();
        assertThat(idToken.getString("sub")).isEqualTo(account.id().toString());
        assertThat(idToken.getString("iss")).isEqualTo(issuer);
        assertThat(user.principal().getString("access_token")).isNotBlank();

        JsonObject info = Rig.await(oauth2.userInfo(user));
        assertThat(info.getString("sub")).isEqualTo(account.id().toString());
        assertThat(info.getString("phone_number")).isEqualTo("+375297300001");

        String before = user.principal().getString("refresh_token");
        User refreshed = Rig.await(oauth2.refresh(user));
        assertThat(refreshed.principal().getString("refresh_token"))
                .isNotBlank()
                .isNotEqualTo(before);
        assertThat(Rig.await(oauth2.userInfo(refreshed)).getString("sub"))
                .isEqualTo(account.id().toString());
    }
}
