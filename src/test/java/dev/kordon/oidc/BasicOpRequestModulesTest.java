package dev.kordon.oidc;

import static dev.kordon.oidc.Conformance.authorize;
import static dev.kordon.oidc.Conformance.idToken;
import static dev.kordon.oidc.Conformance.signInThrough;
import static dev.kordon.oidc.Conformance.tokens;
import static dev.kordon.oidc.OidcBrowser.CALLBACK;
import static dev.kordon.oidc.OidcBrowser.ISSUER;
import static dev.kordon.oidc.OidcBrowser.enc;
import static dev.kordon.oidc.OidcBrowser.query;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Basic OP modules of the authorization request's parameters (docs/oidc.md, Conformance): what is
 * refused and how, what Kordon ignores without breaking the flow, scopes it does not offer and
 * request objects it does not take, each as the suite accepts of a provider that lacks them.
 */
class BasicOpRequestModulesTest {
    static final String PASSWORD = LogCapture.secret("Basic-Op-Request-Password-1");
    static final String DIGITS = "297300003";
    static Rig rig;
    static String secret;

    @BeforeAll
    static void up() {
        rig = Rig.builder().set("jwt.issuer", ISSUER).start();
        rig.account("+375" + DIGITS, PASSWORD);
        secret = LogCapture.secret(Conformance.register(rig, "rp", "client_secret_basic", "openid phone email"));
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    /** oidcc-response-type-missing: invalid_request back to the callback with state and iss, no code. */
    @Test
    void aMissingResponseTypeGoesBackAsInvalidRequestWithStateAndIss() {
        String url = authorize("rp", "openid", "st-rt", "n-rt", "").replace("response_type=code&", "");
        Map<String, String> error = redirectedToCallback(url);
        assertThat(error)
                .containsEntry("error", "invalid_request")
                .containsEntry("state", "st-rt")
                .containsEntry("iss", ISSUER)
                .doesNotContainKey("code");
        assertThat(error.get("error_description")).matches("[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]+");
    }

    /** oidcc-ensure-request-without-nonce-succeeds-for-code-flow: no nonce, still a code; the ID token has none. */
    @Test
    void aCodeFlowRequestWithoutNonceGetsACodeAndAnIdTokenWithoutNonce() {
        JsonObject id = idTokenOf(authorize("rp", "openid", "st", null, ""));
        assertThat(id.containsKey("nonce")).isFalse();
    }

    /** oidcc-display-page: display=page is ignored; the sign-in page, then a code. */
    @Test
    void displayPageIsIgnoredAndTheFlowEndsWithACode() {
        assertThat(idTokenOf(authorize("rp", "openid", "st", "n-dp", "&display=page"))
                        .getString("nonce"))
                .isEqualTo("n-dp");
    }

    /** oidcc-display-popup: display=popup is ignored; the sign-in page, then a code. */
    @Test
    void displayPopupIsIgnoredAndTheFlowEndsWithACode() {
        assertThat(idTokenOf(authorize("rp", "openid", "st", "n-pp", "&display=popup"))
                        .getString("nonce"))
                .isEqualTo("n-pp");
    }

    /** oidcc-ensure-request-with-unknown-parameter-succeeds: extra=foobar is ignored (RFC 6749 3.1). */
    @Test
    void anUnknownParameterIsIgnoredAndTheFlowEndsWithACode() {
        assertThat(idTokenOf(authorize("rp", "openid", "st", "n-x", "&extra=foobar"))
                        .getString("nonce"))
                .isEqualTo("n-x");
    }

    /** oidcc-claims-locales: claims_locales=se is ignored (OIDC Core 15.1: at least no error). */
    @Test
    void claimsLocalesIsIgnoredAndTheFlowEndsWithACode() {
        assertThat(idTokenOf(authorize("rp", "openid", "st", "n-cl", "&claims_locales=se"))
                        .getString("nonce"))
                .isEqualTo("n-cl");
    }

    /**
     * oidcc-ensure-request-with-acr-values-succeeds: acr_values "1 2" (not advertised) is a voluntary
     * request (OIDC Core 5.5.1.1), ignored; the acr claim says the level the sign-in reached.
     */
    @Test
    void acrValuesAreIgnoredAndTheFlowEndsWithACodeAndTheAcrReached() {
        JsonObject id = idTokenOf(authorize("rp", "openid", "st", "n-acr", "&acr_values=" + enc("1 2")));
        assertThat(id.getString("nonce")).isEqualTo("n-acr");
        assertThat(id.getString("acr")).as("a password alone").isEqualTo("aal1");
    }

    /** oidcc-claims-essential: the claims parameter (name essential in userinfo) is ignored; the flow succeeds. */
    @Test
    void anEssentialNameClaimRequestIsIgnoredAndUserinfoStillAnswers() {
        String claims = new JsonObject()
                .put("userinfo", new JsonObject().put("name", new JsonObject().put("essential", true)))
                .encode();
        OidcBrowser b = new OidcBrowser(rig);
        Map<String, String> callback =
                signInThrough(b, authorize("rp", "openid", "st", "n", "&claims=" + enc(claims)), DIGITS, PASSWORD);
        JsonObject t = tokens(b, "rp", secret, callback.get("code"));
        HttpResponse<Buffer> me = rig.get("/oauth2/userinfo", t.getString("access_token"));
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.bodyAsJsonObject().getString("sub")).isEqualTo(idToken(t).getString("sub"));
        assertThat(idToken(t).containsKey("name")).isFalse();
    }

    /** oidcc-ensure-registered-redirect-uri: a redirect URI with a random path appended is an error page, no redirect. */
    @Test
    void aRedirectUriNotRegisteredGetsAnErrorPageAndNeverARedirect() {
        String url =
                authorize("rp", "openid", "st", "n", "").replace(enc(CALLBACK), enc(CALLBACK + "/callback/Xq7Rb2LmPz"));
        HttpResponse<Buffer> r = new OidcBrowser(rig).get(url);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.getHeader("Location")).isNull();
        assertThat(r.getHeader("Content-Type")).startsWith("text/html");
    }

    /**
     * oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported: an unsigned
     * request object, with response_type, client_id, scope and redirect_uri repeated outside it (state
     * only inside), is refused request_not_supported at the callback: the suite's "skipped" outcome.
     */
    @Test
    void anUnsignedRequestObjectIsRefusedRequestNotSupportedAtTheCallback() {
        String url = "/oauth2/authorize?client_id=rp&redirect_uri=" + enc(CALLBACK) + "&request="
                + requestObject(CALLBACK) + "&response_type=code&scope=openid";
        Map<String, String> error = redirectedToCallback(url);
        assertThat(error).containsEntry("error", "request_not_supported").doesNotContainKey("code");
    }

    /**
     * oidcc-ensure-request-object-with-redirect-uri: the request object holds the registered URI,
     * the query an unregistered one: an error page (the suite's screenshot), never a redirect to
     * the URI that is only inside the object.
     */
    @Test
    void aRequestObjectWithTheRegisteredUriAndAnotherInTheQueryGetsAnErrorPage() {
        String url = "/oauth2/authorize?client_id=rp&redirect_uri=" + enc(CALLBACK + "_invalid") + "&request="
                + requestObject(CALLBACK) + "&response_type=code&scope=openid";
        HttpResponse<Buffer> r = new OidcBrowser(rig).get(url);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.getHeader("Location")).isNull();
    }

    /** oidcc-scope-profile: not in scopes_supported, so the suite skips; asked anyway, invalid_scope. */
    @Test
    void scopeProfileIsNotOfferedAndAskingForItIsInvalidScope() {
        assertScopeNotOffered("openid profile", "profile");
    }

    /** oidcc-scope-address: not in scopes_supported, so the suite skips; asked anyway, invalid_scope. */
    @Test
    void scopeAddressIsNotOfferedAndAskingForItIsInvalidScope() {
        assertScopeNotOffered("openid address", "address");
    }

    /** oidcc-scope-all: profile and address are not in scopes_supported, so the suite skips; asked anyway, invalid_scope. */
    @Test
    void scopeAllIsNotOfferedAsAWholeAndAskingForItIsInvalidScope() {
        assertScopeNotOffered("openid email phone address profile", "address");
    }

    /**
     * The suite's skip (OIDCCCheckScopesSupportedContainScopeTest: every scope asked for must be in
     * scopes_supported) and Kordon's answer to a client that asks anyway.
     */
    private static void assertScopeNotOffered(String scope, String missing) {
        JsonObject doc = rig.get(OidcRoutes.DISCOVERY, null).bodyAsJsonObject();
        assertThat(doc.getJsonArray("scopes_supported").getList()).doesNotContain(missing);
        Map<String, String> error = redirectedToCallback(authorize("rp", scope, "st-sc", "n", ""));
        assertThat(error)
                .containsEntry("error", "invalid_scope")
                .containsEntry("state", "st-sc")
                .doesNotContainKey("code");
    }

    /** The claims of the ID token at the end of a fresh browser's sign-in through {@code url}. */
    private static JsonObject idTokenOf(String url) {
        OidcBrowser b = new OidcBrowser(rig);
        Map<String, String> callback = signInThrough(b, url, DIGITS, PASSWORD);
        return idToken(tokens(b, "rp", secret, callback.get("code")));
    }

    /** A fresh browser's request {@code url}, which must be redirected to the callback: its query. */
    private static Map<String, String> redirectedToCallback(String url) {
        HttpResponse<Buffer> r = new OidcBrowser(rig).get(url);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(302);
        assertThat(r.getHeader("Location")).startsWith(CALLBACK + "?");
        return query(r.getHeader("Location"));
    }

    /** The suite's request object: the whole request, state and nonce included, with {@code redirectUri}. */
    private static String requestObject(String redirectUri) {
        return Conformance.unsigned(new JsonObject()
                .put("response_type", "code")
                .put("client_id", "rp")
                .put("redirect_uri", redirectUri)
                .put("scope", "openid")
                .put("state", "st-ro")
                .put("nonce", "n-ro"));
    }
}
