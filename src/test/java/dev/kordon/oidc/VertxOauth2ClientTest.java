package dev.kordon.oidc;

import static dev.kordon.oidc.OidcBrowser.CALLBACK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Ports;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import dev.kordon.support.TestServers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.vertx.ext.web.client.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Vert.x's own OpenID Connect relying party ({@code vertx-auth-oauth2}), used as its documentation
 * shows, against Kordon: it discovers the provider from the issuer alone, builds the authorization
 * URL, trades the code (client_secret_basic, PKCE) and checks the ID token with the published keys,
 * reads userinfo, refreshes, and builds the end-session URL. Only the browser's part (the seed's
 * pages: password, SMS code, or «Забыли пароль?» and the forced change) is played by hand, over HTTP.
 *
 * <p>The library sends the {@code nonce} it is given but leaves comparing it to the application (it
 * has no expected-nonce check), so the test compares the verified ID token's nonce itself.
 */
class VertxOauth2ClientTest {
    static final String CLIENT = "vertx-portal";
    static final String SIGNED_OUT = "https://portal.example.by/signed-out";
    static final String PASSWORD = LogCapture.secret("Vertx-Rp-Password-1");

    static SmsProviderStub sms;
    static Rig rig;
    static String issuer;
    static OAuth2Auth oauth2;

    @BeforeAll
    static void up() {
        sms = new SmsProviderStub();
        int port = Ports.free();
        issuer = "http://127.0.0.1:" + port;
        rig = Rig.builder()
                .set("http.port", port)
                .set("jwt.issuer", issuer)
                .set("sms.provider", "http")
                .set("sms.http.url", sms.url())
                .start();
        JsonObject client = new JsonObject()
                .put("client_name", "A portal on vertx-auth-oauth2")
                .put("redirect_uris", new JsonArray().add(CALLBACK))
                .put("post_logout_redirect_uris", new JsonArray().add(SIGNED_OUT))
                .put("token_endpoint_auth_method", "client_secret_basic")
                .put("scope", "openid phone");
        HttpResponse<Buffer> r = rig.admin(HttpMethod.PUT, "/admin/v1/clients/" + CLIENT, client, Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
        String secret = LogCapture.secret(r.bodyAsJsonObject().getString("client_secret"));
        oauth2 = Rig.await(OpenIDConnectAuth.discover(
                rig.vertx,
                new OAuth2Options().setClientId(CLIENT).setClientSecret(secret).setSite(issuer)));
    }

    @AfterAll
    static void down() {
        if (rig != null) {
            rig.close();
        }
        if (sms != null) {
            sms.close();
        }
    }

    @Test
    void byPasswordTheLibraryTradesTheCodeChecksTheIdTokenReadsUserinfoRefreshesAndSignsOut() {
        Account account = rig.account("+375297300001", PASSWORD);
        Authorization a = new Authorization("pwd");
        OidcBrowser browser = new OidcBrowser(rig);
        HttpResponse<Buffer> signedIn = browser.signIn(a.loginPage(browser), "297300001", PASSWORD);

        User user = a.trade(browser.toCallback(signedIn.getHeader("Location")));
        assertSignedIn(user, a, account, "+375297300001", "pwd");
        assertThat(user.principal().getString("refresh_token")).isNotBlank();

        User refreshed = assertRefreshes(user, account);
        assertSignsOut(browser, user, "vx-bye-pwd");
        assertRefreshRefused(refreshed);
    }

    /**
     * Kordon's rule: a sign-in by SMS code is one visit, so the token answer has no refresh token
     * (docs/oidc.md): the library's user holds none, and there is nothing to refresh.
     */
    @Test
    void bySmsCodeTheLibraryTradesTheCodeChecksTheIdTokenReadsUserinfoGetsNoRefreshTokenAndSignsOut() {
        Account account = rig.account("+375297300002", null);
        Authorization a = new Authorization("sms");
        OidcBrowser browser = new OidcBrowser(rig);
        HttpResponse<Buffer> signedIn = browser.signInBySms(a.loginPage(browser), "+375297300002", sms);
        assertThat(signedIn.statusCode()).as(signedIn.bodyAsString()).isEqualTo(303);

        User user = a.trade(browser.toCallback(signedIn.getHeader("Location")));
        assertSignedIn(user, a, account, "+375297300002", "sms");
        assertThat(user.principal().containsKey("refresh_token"))
                .as(
                        "an SMS code is one visit: no refresh token in %s",
                        user.principal().fieldNames())
                .isFalse();

        assertSignsOut(browser, user, "vx-bye-sms");
    }

    @Test
    void byTemporaryPasswordAndTheForcedChangeTheBrowserGoesBackToTheClientThenRefreshesAndSignsOut() {
        String email = "vx-temp@org.by";
        Account account = rig.account("mobile", "+375297300003", Rig.TARIFF, "active", null, email);
        Authorization a = new Authorization("tmp");
        OidcBrowser browser = new OidcBrowser(rig);
        String afterMail = browser.recoverByMail(a.loginPage(browser), "297300003");
        assertThat(afterMail).startsWith("/login?sent=email").contains("return=");
        Matcher temp = Mailbox.TEMP_PASSWORD.matcher(
                Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0).text());
        assertThat(temp.find()).isTrue();

        HttpResponse<Buffer> signedIn = browser.signIn(afterMail, "297300003", LogCapture.secret(temp.group(1)));
        String changePage = signedIn.getHeader("Location");
        assertThat(changePage).startsWith("/password/change?return=");
        HttpResponse<Buffer> changed =
                browser.forcedChange(changePage, LogCapture.secret("Vertx-After-Temp-Password-3"));
        assertThat(changed.statusCode()).as(changed.bodyAsString()).isEqualTo(303);
        // Back to the authorization, and from there to the client: not «В меню».
        assertThat(changed.getHeader("Location")).startsWith(issuer + "/oauth2/authorize?");

        User user = a.trade(browser.toCallback(changed.getHeader("Location")));
        assertSignedIn(user, a, account, "+375297300003", "pwd");
        User refreshed = assertRefreshes(user, account);
        assertSignsOut(browser, user, "vx-bye-tmp");
        assertRefreshRefused(refreshed);
    }

    /** One authorization as the library builds it: a state, a nonce and a PKCE verifier of its own. */
    private static final class Authorization {
        final String state;
        final String nonce;
        final String verifier;
        final String url;

        Authorization(String tag) {
            state = "vx-state-" + tag;
            nonce = "vx-nonce-" + tag;
            verifier = "vertx-rp-verifier-0123456789-abcdefghijklmnopq-" + tag;
            url = oauth2.authorizeURL(new OAuth2AuthorizationURL()
                    .setRedirectUri(CALLBACK)
                    .setScopes(List.of("openid", "phone"))
                    .setState(state)
                    .putAdditionalParameter("nonce", nonce)
                    .setCodeChallenge(OidcBrowser.challenge(verifier))
                    .setCodeChallengeMethod("S256"));
            assertThat(url).startsWith(issuer + "/oauth2/authorize?").contains("nonce=" + nonce);
        }

        /** The browser, not signed in, sent by the authorization to the seed's sign-in page. */
        String loginPage(OidcBrowser browser) {
            HttpResponse<Buffer> first = browser.get(url);
            assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(302);
            assertThat(first.getHeader("Location")).startsWith("/login?return=");
            return first.getHeader("Location");
        }

        /** The library trades the callback's code with the verifier, and checks the ID token. */
        User trade(Map<String, String> callback) {
            assertThat(callback).containsEntry("state", state).containsKey("code");
            return Rig.await(oauth2.authenticate(new Oauth2Credentials()
                    .setFlow(OAuth2FlowType.AUTH_CODE)
                    .setCode(callback.get("code"))
                    .setRedirectUri(CALLBACK)
                    .setCodeVerifier(verifier)));
        }
    }

    private static void assertSignedIn(User user, Authorization a, Account account, String phone, String amr) {
        // The library decoded and checked the ID token (signature against the JWKS it fetched at
        // discovery, iss, aud, exp) before it made the user.
        JsonObject idToken = user.attributes().getJsonObject("idToken");
        assertThat(idToken)
                .as("the ID token as the library verified it: %s", user.attributes())
                .isNotNull();
        assertThat(idToken.getString("sub")).isEqualTo(account.id().toString());
        assertThat(idToken.getString("iss")).isEqualTo(issuer);
        assertThat(idToken.getString("aud")).isEqualTo(CLIENT);
        assertThat(idToken.getString("nonce")).isEqualTo(a.nonce);
        assertThat(idToken.getJsonArray("amr")).isEqualTo(new JsonArray().add(amr));
        assertThat(user.principal().getString("access_token")).isNotBlank();

        JsonObject info = Rig.await(oauth2.userInfo(user));
        assertThat(info.getString("sub")).isEqualTo(account.id().toString());
        assertThat(info.getString("phone_number")).isEqualTo(phone);
    }

    private static User assertRefreshes(User user, Account account) {
        String before = user.principal().getString("refresh_token");
        User refreshed = Rig.await(oauth2.refresh(user));
        assertThat(refreshed.principal().getString("refresh_token"))
                .isNotBlank()
                .isNotEqualTo(before);
        assertThat(Rig.await(oauth2.userInfo(refreshed)).getString("sub"))
                .isEqualTo(account.id().toString());
        return refreshed;
    }

    /**
     * The library's end-session URL (the ID token as the hint, the registered post-logout URI, a
     * state) leads there with the state; and the session is over at Kordon: the cookie the browser
     * held before signs no one in, so the library's next authorization with {@code prompt=none}
     * comes back {@code login_required}.
     */
    private static void assertSignsOut(OidcBrowser browser, User user, String state) {
        String url = oauth2.endSessionURL(
                user,
                new JsonObject().put("post_logout_redirect_uri", SIGNED_OUT).put("state", state));
        assertThat(url).startsWith(issuer + "/oauth2/logout?").contains("id_token_hint=");
        Map<String, String> cookies = new LinkedHashMap<>(browser.jar);
        HttpResponse<Buffer> out = browser.get(url);
        assertThat(out.statusCode()).as(out.bodyAsString()).isEqualTo(302);
        assertThat(out.getHeader("Location")).isEqualTo(SIGNED_OUT + "?state=" + state);

        browser.jar.putAll(cookies);
        String none = oauth2.authorizeURL(new OAuth2AuthorizationURL()
                .setRedirectUri(CALLBACK)
                .setScopes(List.of("openid", "phone"))
                .setState(state + "-none")
                .setPrompt("none")
                .setCodeChallenge(OidcBrowser.challenge("vertx-rp-verifier-0123456789-abcdefghijklmnopq-none"))
                .setCodeChallengeMethod("S256"));
        assertThat(browser.toCallback(none))
                .containsEntry("error", "login_required")
                .containsEntry("state", state + "-none")
                .doesNotContainKey("code");
    }

    /** The refresh family ended with the sign-out: the library's refresh fails with invalid_grant. */
    private static void assertRefreshRefused(User refreshed) {
        Throwable refused =
                Rig.await(oauth2.refresh(refreshed).<Throwable>map(u -> null).otherwise(err -> err));
        assertThat(refused)
                .as("the library's refresh after the sign-out")
                .isNotNull()
                .hasMessageStartingWith("invalid_grant");
    }
}
