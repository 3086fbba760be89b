package dev.kordon.oidc;

import static dev.kordon.oidc.Conformance.afterSignIn;
import static dev.kordon.oidc.Conformance.authorize;
import static dev.kordon.oidc.Conformance.idToken;
import static dev.kordon.oidc.Conformance.signInThrough;
import static dev.kordon.oidc.Conformance.tokens;
import static dev.kordon.oidc.OidcBrowser.CALLBACK;
import static dev.kordon.oidc.OidcBrowser.ISSUER;
import static dev.kordon.oidc.OidcBrowser.query;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Basic OP modules of who is signed in and since when (docs/oidc.md, Conformance): prompt, max_age,
 * id_token_hint, login_hint, ui_locales and the authorization sent by POST. A module that
 * authorizes twice compares the two ID tokens' {@code sub} and {@code auth_time} as the suite does.
 */
class BasicOpSignInModulesTest {
    static final String PASSWORD = LogCapture.secret("Basic-Op-Sign-In-Password-1");
    static final String DIGITS = "297300002";
    static Rig rig;
    static String secret;

    @BeforeAll
    static void up() {
        rig = Rig.builder().set("jwt.issuer", ISSUER).start();
        rig.account("+375" + DIGITS, PASSWORD);
        secret = LogCapture.secret(Conformance.register(rig, "rp", "client_secret_basic", "openid"));
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    /** oidcc-prompt-login: a signed-in browser sent through the page again; the second auth_time is later. */
    @Test
    void promptLoginSignsTheBrowserInAgainAndTheSecondAuthTimeIsLater() throws InterruptedException {
        OidcBrowser b = new OidcBrowser(rig);
        JsonObject first = firstIdToken(b, "");
        Thread.sleep(1_100);
        HttpResponse<Buffer> again = b.get(authorize("rp", "openid", "st-pl", "n-pl", "&prompt=login"));
        assertThat(again.getHeader("Location")).startsWith("/login?return=");
        Map<String, String> callback = afterSignIn(b, again.getHeader("Location"), DIGITS, PASSWORD);
        assertThat(callback).containsEntry("state", "st-pl");
        JsonObject second = idToken(tokens(b, "rp", secret, callback.get("code")));
        assertThat(second.getString("sub")).isEqualTo(first.getString("sub"));
        assertThat(second.getLong("auth_time")).isGreaterThan(first.getLong("auth_time"));
    }

    /** oidcc-prompt-none-not-logged-in: login_required to the callback, a 128-character state intact, no code. */
    @Test
    void promptNoneWithoutASessionAnswersLoginRequiredWithALongStateIntact() {
        String state = "S".repeat(64) + "t".repeat(64);
        HttpResponse<Buffer> r = new OidcBrowser(rig).get(authorize("rp", "openid", state, "n", "&prompt=none"));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.getHeader("Location")).startsWith(CALLBACK + "?");
        assertThat(query(r.getHeader("Location")))
                .containsEntry("error", "login_required")
                .containsEntry("state", state)
                .containsEntry("iss", ISSUER)
                .doesNotContainKey("code");
    }

    /** oidcc-prompt-none-logged-in: a signed-in browser gets its code without a page; same sub and auth_time. */
    @Test
    void promptNoneWithASessionGivesACodeAtOnceWithTheSameSubAndAuthTime() {
        OidcBrowser b = new OidcBrowser(rig);
        JsonObject first = firstIdToken(b, "");
        Map<String, String> callback = b.toCallback(authorize("rp", "openid", "st-pn", "n-pn", "&prompt=none"));
        assertSameSignIn(first, idToken(tokens(b, "rp", secret, callback.get("code"))));
    }

    /** oidcc-max-age-1: two seconds after a sign-in, max_age=1 sends the browser through the page again. */
    @Test
    void maxAgeOneAfterTwoSecondsSignsInAgainWithALaterRecentAuthTime() throws InterruptedException {
        OidcBrowser b = new OidcBrowser(rig);
        JsonObject first = firstIdToken(b, "");
        Thread.sleep(2_000);
        HttpResponse<Buffer> again = b.get(authorize("rp", "openid", "st-m1", "n-m1", "&max_age=1"));
        assertThat(again.getHeader("Location")).startsWith("/login?return=");
        Map<String, String> callback = afterSignIn(b, again.getHeader("Location"), DIGITS, PASSWORD);
        JsonObject second = idToken(tokens(b, "rp", secret, callback.get("code")));
        long now = System.currentTimeMillis() / 1000;
        assertThat(second.getLong("auth_time"))
                .isGreaterThan(first.getLong("auth_time"))
                .isBetween(now - 10, now);
    }

    /** oidcc-max-age-10000: auth_time with max_age=15000, then max_age=10000 gives a code at once, the same auth_time. */
    @Test
    void maxAgeTenThousandWithARecentSignInGivesACodeAtOnceWithTheSameAuthTime() {
        OidcBrowser b = new OidcBrowser(rig);
        JsonObject first = firstIdToken(b, "&max_age=15000");
        assertThat(first.getLong("auth_time")).isNotNull();
        Map<String, String> callback = b.toCallback(authorize("rp", "openid", "st-mx", "n-mx", "&max_age=10000"));
        assertSameSignIn(first, idToken(tokens(b, "rp", secret, callback.get("code"))));
    }

    /** oidcc-id-token-hint: prompt=none with the first ID token as the hint gives a code at once, the same person. */
    @Test
    void promptNoneWithTheFirstIdTokenAsHintGivesACodeAtOnceForTheSamePerson() {
        OidcBrowser b = new OidcBrowser(rig);
        Map<String, String> first = signInThrough(b, authorize("rp", "openid", "st", "n", ""), DIGITS, PASSWORD);
        String hint = tokens(b, "rp", secret, first.get("code")).getString("id_token");
        Map<String, String> callback = b.toCallback(
                authorize("rp", "openid", "st-h", "n-h", "&prompt=none&id_token_hint=" + OidcBrowser.enc(hint)));
        assertThat(callback).containsEntry("state", "st-h");
        assertSameSignIn(OidcBrowser.claims(hint), idToken(tokens(b, "rp", secret, callback.get("code"))));
    }

    /**
     * OIDC Core 3.1.2.1: a hint naming another person than the one signed in is no sign-in for the
     * request: prompt=none answers login_required, otherwise the page; the page's sign-in then answers.
     */
    @Test
    void anIdTokenHintNamingAnotherPersonThanTheSignedInOneIsNoSignInForTheRequest() {
        OidcBrowser hinted = new OidcBrowser(rig);
        Map<String, String> first = signInThrough(hinted, authorize("rp", "openid", "st", "n", ""), DIGITS, PASSWORD);
        String hint = tokens(hinted, "rp", secret, first.get("code")).getString("id_token");
        rig.account("+375297300003", PASSWORD);
        OidcBrowser other = new OidcBrowser(rig);
        signInThrough(other, authorize("rp", "openid", "st", "n", ""), "297300003", PASSWORD);

        String withHint = "&id_token_hint=" + OidcBrowser.enc(hint);
        Map<String, String> none =
                other.toCallback(authorize("rp", "openid", "st-o", "n-o", "&prompt=none" + withHint));
        assertThat(none)
                .containsEntry("error", "login_required")
                .containsEntry("state", "st-o")
                .doesNotContainKey("code");
        HttpResponse<Buffer> page = other.get(authorize("rp", "openid", "st-p", "n-p", withHint));
        assertThat(page.getHeader("Location")).startsWith("/login?return=");
        // Whoever signs in on the page answers the request; the hint does not send them round again.
        Map<String, String> callback = afterSignIn(other, page.getHeader("Location"), "297300003", PASSWORD);
        assertThat(callback).containsEntry("state", "st-p").containsKey("code");
    }

    /** oidcc-login-hint: the suite's default hint (buffy@ and the issuer's host) breaks nothing; the page shows. */
    @Test
    void aLoginHintThatIsNoPhoneReachesTheSignInPageWhichStillSignsIn() {
        OidcBrowser b = new OidcBrowser(rig);
        HttpResponse<Buffer> r =
                b.get(authorize("rp", "openid", "st-lh", "n-lh", "&login_hint=buffy%40auth.example.by"));
        String loginPage = r.getHeader("Location");
        assertThat(query(loginPage)).containsEntry("login_hint", "buffy@auth.example.by");
        assertThat(b.get(loginPage).statusCode()).isEqualTo(200);
        Map<String, String> callback = afterSignIn(b, loginPage, DIGITS, PASSWORD);
        assertThat(callback).containsEntry("state", "st-lh").containsKey("code");
    }

    /** oidcc-ui-locales: the suite's default ui_locales=se (neither ru nor en) breaks nothing; the page shows. */
    @Test
    void uiLocalesOfALanguageNotOfferedReachesTheSignInPageInTheDefaultLanguage() {
        OidcBrowser b = new OidcBrowser(rig);
        String loginPage = b.get(authorize("rp", "openid", "st-ui", "n-ui", "&ui_locales=se"))
                .getHeader("Location");
        assertThat(query(loginPage)).doesNotContainKey("lang");
        assertThat(b.get(loginPage).statusCode()).isEqualTo(200);
        Map<String, String> callback = afterSignIn(b, loginPage, DIGITS, PASSWORD);
        assertThat(callback).containsEntry("state", "st-ui").containsKey("code");
    }

    /** oidcc-ensure-post-request-succeeds: the authorization request as a form POST reaches the callback. */
    @Test
    void anAuthorizationRequestSentByPostLeadsToTheCallbackWithACode() {
        OidcBrowser b = new OidcBrowser(rig);
        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("response_type", "code")
                .add("client_id", "rp")
                .add("redirect_uri", CALLBACK)
                .add("scope", "openid")
                .add("state", "st-post")
                .add("nonce", "n-post");
        HttpResponse<Buffer> r = b.post("/oauth2/authorize", form);
        assertThat(r.statusCode()).isEqualTo(302);
        Map<String, String> callback = afterSignIn(b, r.getHeader("Location"), DIGITS, PASSWORD);
        assertThat(callback).containsEntry("state", "st-post");
        assertThat(idToken(tokens(b, "rp", secret, callback.get("code"))).getString("nonce"))
                .isEqualTo("n-post");

        HttpResponse<Buffer> signedIn = b.post("/oauth2/authorize", form);
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(query(signedIn.getHeader("Location")))
                .containsEntry("state", "st-post")
                .containsKey("code");
    }

    /** The first authorization of a two-step module, with {@code extra}: a fresh browser signed in, its ID token. */
    private static JsonObject firstIdToken(OidcBrowser b, String extra) {
        Map<String, String> callback =
                signInThrough(b, authorize("rp", "openid", "st-1", "n-1", extra), DIGITS, PASSWORD);
        return idToken(tokens(b, "rp", secret, callback.get("code")));
    }

    /** CheckIdTokenSubConsistentForSecondAuthorization and CheckIdTokenAuthTimeClaimsSameIfPresent. */
    private static void assertSameSignIn(JsonObject first, JsonObject second) {
        assertThat(second.getString("sub")).isEqualTo(first.getString("sub"));
        assertThat(second.getLong("auth_time")).isNotNull().isEqualTo(first.getLong("auth_time"));
    }
}
