package dev.kordon.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.support.Browser;
import dev.kordon.support.LogCapture;
import dev.kordon.support.NodeProject;
import dev.kordon.support.Ports;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A portal no one here wrote: openid-client (certified by the OpenID Foundation), run by
 * src/test/node/oidc-rp/rp.mjs behind a small HTTP server of its own, signs a person in through
 * Kordon in Debian's headless Chromium, on the seed's own pages, each of the three ways a person
 * gets in there; reads userinfo, refreshes, signs out with its own end-session URL, and hears of the
 * sign-out by back-channel on its own HTTP server, verifying the logout token with jose. Kordon runs
 * on plain HTTP at a fixed port, its issuer that URL, since the library compares the issuer of
 * discovery and of every ID token with the URL it was given.
 */
class OpenidClientRpTest {
    static final String CLIENT = "node-portal";
    static final String PASSWORD = LogCapture.secret("Rp-Library-Password-1");

    static SmsProviderStub sms;
    static Rig rig;
    static String issuer;
    static int portalPort;
    static String secret;
    static NodeProject rp;

    @BeforeAll
    static void up() {
        Browser.requireChromium();
        NodeProject.requireNode();
        sms = new SmsProviderStub();
        int port = Ports.free();
        issuer = "http://127.0.0.1:" + port;
        rig = Rig.builder()
                .set("http.port", port)
                .set("jwt.issuer", issuer)
                // The pages' cookies over plain HTTP.
                .set("cookie.secure", false)
                .set("sms.provider", "http")
                .set("sms.http.url", sms.url())
                .start();
        portalPort = Ports.free();
        secret = LogCapture.secret(register("http://127.0.0.1:" + portalPort));
        rp = NodeProject.prepare("oidc-rp");
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
    void byPasswordTheLibraryValidatesCodePkceAndNonceReadsUserinfoRefreshesAndSignsOutWithABackChannelToken() {
        Account account = rig.account("+375297300001", PASSWORD);
        try (RpBrowser run = RpBrowser.start(rp, issuer, CLIENT, secret, portalPort)) {
            assertAuthorizationRequest(run, run.toPortalSignIn(""));
            run.byPassword("297300001", PASSWORD);
            JsonObject in = run.signedIn();
            assertSignedIn(run, in, account, "+375297300001", "pwd");
            assertThat(in.getBoolean("refresh_token_issued"))
                    .as(run.diagnosis())
                    .isTrue();

            assertRefreshes(run, account);
            assertSignsOut(run, account);
            assertRefreshRefusedAfterSignOut(run);
        }
    }

    /**
     * Kordon's rule: a sign-in by SMS code is one visit, so the token answer has no refresh token
     * (docs/oidc.md); the library is shown to get none, and there is nothing to refresh.
     */
    @Test
    void bySmsCodeTheLibraryValidatesCodePkceAndNonceReadsUserinfoGetsNoRefreshTokenAndSignsOutWithABackChannelToken() {
        Account account = rig.account("+375297300002", null);
        try (RpBrowser run = RpBrowser.start(rp, issuer, CLIENT, secret, portalPort)) {
            assertAuthorizationRequest(run, run.toPortalSignIn(""));
            run.bySmsCode("+375297300002", sms);
            JsonObject in = run.signedIn();
            assertSignedIn(run, in, account, "+375297300002", "sms");
            assertThat(in.getBoolean("refresh_token_issued"))
                    .as("an SMS code is one visit: no refresh token%s", run.diagnosis())
                    .isFalse();

            assertSignsOut(run, account);
        }
    }

    @Test
    void
            byTemporaryPasswordAndTheForcedChangeTheBrowserLandsOnThePortalThenRefreshesAndSignsOutWithABackChannelToken() {
        String email = "rp-temp@org.by";
        Account account = rig.account("mobile", "+375297300003", Rig.TARIFF, "active", null, email);
        try (RpBrowser run = RpBrowser.start(rp, issuer, CLIENT, secret, portalPort)) {
            assertAuthorizationRequest(run, run.toPortalSignIn(""));
            run.byTemporaryPassword("297300003", email, "Rp-After-Temp-Password-3");
            // Straight from «Изменение пароля» to the portal's callback, never «В меню».
            JsonObject in = run.signedIn();
            assertSignedIn(run, in, account, "+375297300003", "pwd");
            assertThat(in.getBoolean("refresh_token_issued"))
                    .as(run.diagnosis())
                    .isTrue();

            assertRefreshes(run, account);
            assertSignsOut(run, account);
            assertRefreshRefusedAfterSignOut(run);
        }
    }

    private static void assertAuthorizationRequest(RpBrowser run, JsonObject authorize) {
        assertThat(authorize.getString("authorization_url"))
                .as(run.diagnosis())
                .startsWith(issuer + "/oauth2/authorize?")
                .contains("code_challenge_method=S256", "code_challenge=", "nonce=", "state=");
    }

    /** What the library validated (it throws on any mismatch) and read, with the way in ({@code amr}). */
    private static void assertSignedIn(RpBrowser run, JsonObject in, Account account, String phone, String amr) {
        String why = run.diagnosis();
        assertThat(in.getBoolean("ok")).as(why).isTrue();
        assertThat(in.getString("server_issuer")).as(why).isEqualTo(issuer);
        assertThat(in.getString("token_type")).as(why).isEqualToIgnoringCase("bearer");

        JsonObject id = in.getJsonObject("id_token");
        assertThat(id.getString("iss")).as(why).isEqualTo(issuer);
        assertThat(id.getString("sub")).as(why).isEqualTo(account.id().toString());
        assertThat(id.getString("aud")).as(why).isEqualTo(CLIENT);
        assertThat(id.getBoolean("nonce_matched")).as(why).isTrue();
        assertThat(id.getBoolean("sid_present")).as(why).isTrue();
        assertThat(id.getJsonArray("amr")).as(why).isEqualTo(new JsonArray().add(amr));
        assertThat(id.getString("phone_number")).as(why).isEqualTo(phone);

        JsonObject userinfo = in.getJsonObject("userinfo");
        assertThat(userinfo.getString("sub")).as(why).isEqualTo(account.id().toString());
        assertThat(userinfo.getString("phone_number")).as(why).isEqualTo(phone);
    }

    private static void assertRefreshes(RpBrowser run, Account account) {
        run.script.send("refresh");
        JsonObject refresh = run.next("refreshed");
        String why = run.diagnosis();
        assertThat(refresh.getBoolean("ok")).as(why).isTrue();
        assertThat(refresh.getBoolean("new_access_token")).as(why).isTrue();
        assertThat(refresh.getBoolean("new_refresh_token")).as(why).isTrue();
        assertThat(refresh.getString("userinfo_sub"))
                .as(why)
                .isEqualTo(account.id().toString());
    }

    /**
     * The portal's sign-out link: the library's end-session URL with the ID token as the hint, the
     * registered post-logout URI and a state; the browser lands there with that state, and Kordon's
     * session in the browser is over: the portal's next authorization with {@code prompt=none}
     * comes back {@code login_required}.
     */
    private static void assertSignsOut(RpBrowser run, Account account) {
        run.b.driver.get(run.portal + "/logout");
        JsonObject logout = run.next("logout");
        assertThat(logout.getString("end_session_endpoint")).as(run.diagnosis()).isEqualTo(issuer + "/oauth2/logout");
        assertThat(logout.getBoolean("hint_sent")).as(run.diagnosis()).isTrue();
        run.waitFor("the post-logout redirect URI", url -> url.startsWith(run.portal + "/signed-out?state="));
        assertThat(run.next("signed_out").getBoolean("state_matched"))
                .as(run.diagnosis())
                .isTrue();

        assertThat(run.toPortalSignIn("?prompt=none").getString("authorization_url"))
                .contains("prompt=none");
        run.waitFor("the portal's callback", url -> url.startsWith(run.portal + "/cb?"));
        JsonObject again = run.next("signed_in");
        assertThat(again.getBoolean("ok")).as(run.diagnosis()).isFalse();
        assertThat(again.getJsonObject("error").getString("error"))
                .as(run.diagnosis())
                .isEqualTo("login_required");

        assertBackchannelLogout(run, account);
    }

    /**
     * The session that ended is told to the portal server to server as well: its back-channel URI
     * gets a logout token, which jose verifies (RS256 against the discovered jwks_uri, iss, aud, iat,
     * jti) and the portal checks as Back-Channel Logout 1.0 §2.6 says (the back-channel event, sub or
     * sid, no nonce) before it answers 200. Waited for before the run ends, so that no token of this
     * test reaches the next one's portal.
     */
    private static void assertBackchannelLogout(RpBrowser run, Account account) {
        JsonObject token = run.next(RpBrowser.BACKCHANNEL);
        String why = run.diagnosis();
        assertThat(token.getBoolean("ok")).as(why).isTrue();
        assertThat(token.getString("alg")).as(why).isEqualTo("RS256");
        assertThat(token.getString("typ")).as(why).isEqualTo("logout+jwt");
        assertThat(token.getString("content_type")).as(why).startsWith("application/x-www-form-urlencoded");
        JsonObject claims = token.getJsonObject("claims");
        assertThat(claims.getString("iss")).as(why).isEqualTo(issuer);
        assertThat(claims.getString("aud")).as(why).isEqualTo(CLIENT);
        assertThat(claims.getString("sub")).as(why).isEqualTo(account.id().toString());
        assertThat(claims.getBoolean("events_ok")).as(why).isTrue();
        assertThat(claims.getBoolean("nonce_absent")).as(why).isTrue();
        assertThat(claims.getBoolean("sid_matched"))
                .as("the logout token's sid is the ID token's%s", why)
                .isTrue();
    }

    /** The refresh family ended with the sign-out: the library's refresh grant is invalid_grant. */
    private static void assertRefreshRefusedAfterSignOut(RpBrowser run) {
        run.script.send("refresh");
        JsonObject refused = run.next("refreshed");
        assertThat(refused.getBoolean("ok")).as(run.diagnosis()).isFalse();
        assertThat(refused.getJsonObject("error").getString("error"))
                .as(run.diagnosis())
                .isEqualTo("invalid_grant");
    }

    /** A confidential client, as a portal's operator registers it; its secret, shown this once. */
    private static String register(String portal) {
        JsonObject body = new JsonObject()
                .put("client_name", "A portal on openid-client")
                .put("redirect_uris", new JsonArray().add(portal + "/cb"))
                .put("post_logout_redirect_uris", new JsonArray().add(portal + "/signed-out"))
                .put("backchannel_logout_uri", portal + "/backchannel")
                .put("token_endpoint_auth_method", "client_secret_basic")
                .put("scope", "openid phone");
        HttpResponse<Buffer> r = rig.admin(HttpMethod.PUT, "/admin/v1/clients/" + CLIENT, body, Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
        return r.bodyAsJsonObject().getString("client_secret");
    }
}
