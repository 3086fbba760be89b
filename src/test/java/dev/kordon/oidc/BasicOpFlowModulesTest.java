package dev.kordon.oidc;

import static dev.kordon.oidc.Conformance.authorize;
import static dev.kordon.oidc.Conformance.idToken;
import static dev.kordon.oidc.Conformance.signInThrough;
import static dev.kordon.oidc.Conformance.tokens;
import static dev.kordon.oidc.OidcBrowser.CALLBACK;
import static dev.kordon.oidc.OidcBrowser.ISSUER;
import static dev.kordon.oidc.OidcBrowser.codeForm;
import static dev.kordon.oidc.OidcBrowser.enc;
import static dev.kordon.oidc.OidcBrowser.refreshForm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Basic OP modules of the code, the tokens and userinfo (docs/oidc.md, Conformance): the happy
 * flows with either secret method, userinfo three ways, the scopes, a code replayed 30 s later and
 * refresh tokens bound to their client. Each test is one module, named in its comment.
 */
class BasicOpFlowModulesTest {
    static final String PASSWORD = LogCapture.secret("Basic-Op-Flow-Password-1");
    static final String DIGITS = "297300001";
    static Rig rig;
    static Account account;
    static String basic;
    static String post;
    static String emailSecret;

    @BeforeAll
    static void up() {
        rig = Rig.builder().set("jwt.issuer", ISSUER).start();
        account = rig.account("+375" + DIGITS, PASSWORD);
        basic = LogCapture.secret(Conformance.register(rig, "rp", "client_secret_basic", "openid phone"));
        post = LogCapture.secret(Conformance.register(rig, "rp-post", "client_secret_post", "openid"));
        emailSecret = LogCapture.secret(Conformance.register(rig, "rp-email", "client_secret_basic", "openid email"));
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    /** oidcc-server: the code's length, state and iss; the token answer; the ID token, its RS256 signature by kid. */
    @Test
    void serverHappyFlowGivesALongCodeStateAndIssThenAnIdTokenSignedByAJwksKey() throws Exception {
        OidcBrowser b = new OidcBrowser(rig);
        Map<String, String> callback =
                signInThrough(b, authorize("rp", "openid", "st-srv", "n-srv", ""), DIGITS, PASSWORD);
        assertThat(callback).containsEntry("state", "st-srv").containsEntry("iss", ISSUER);
        assertThat(callback.get("code").getBytes(StandardCharsets.US_ASCII).length * 8)
                .isGreaterThanOrEqualTo(128);
        HttpResponse<Buffer> r = b.token("rp", basic, codeForm(callback.get("code"), null));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        JsonObject t = r.bodyAsJsonObject();
        assertThat(t.getString("token_type")).isEqualTo("Bearer");
        assertThat(t.getInteger("expires_in")).isPositive();

        String jwt = t.getString("id_token");
        JsonObject header = Conformance.header(jwt);
        assertThat(header.getString("alg")).isEqualTo("RS256");
        String[] parts = jwt.split("\\.");
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(jwksKey(header.getString("kid")));
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rs256.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();

        JsonObject id = OidcBrowser.claims(jwt);
        long now = System.currentTimeMillis() / 1000;
        assertThat(id.getString("iss")).isEqualTo(ISSUER);
        assertThat(id.getString("aud")).isEqualTo("rp");
        assertThat(id.getString("sub")).isEqualTo(account.id().toString());
        assertThat(id.getString("nonce")).isEqualTo("n-srv");
        assertThat(id.getLong("iat")).isBetween(now - 60, now + 5);
        assertThat(id.getLong("exp")).isGreaterThan(now);
        assertThat(rig.get("/oauth2/userinfo", t.getString("access_token")).statusCode())
                .isEqualTo(200);
    }

    /** oidcc-server-client-secret-post: the same flow, the client authenticated by the secret in the form. */
    @Test
    void serverHappyFlowWithClientSecretPostTradesTheCodeForAnIdTokenOfThatClient() {
        OidcBrowser b = new OidcBrowser(rig);
        Map<String, String> callback =
                signInThrough(b, authorize("rp-post", "openid", "st-post", "n-post", ""), DIGITS, PASSWORD);
        MultiMap form = codeForm(callback.get("code"), null).add("client_secret", post);
        HttpResponse<Buffer> r = b.token("rp-post", null, form);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        JsonObject id = idToken(r.bodyAsJsonObject());
        assertThat(id.getString("aud")).isEqualTo("rp-post");
        assertThat(id.getString("nonce")).isEqualTo("n-post");
        assertThat(id.getString("sub")).isEqualTo(account.id().toString());
    }

    /** oidcc-userinfo-get: GET with the bearer header; JSON whose sub is the ID token's. */
    @Test
    void userinfoByGetWithTheBearerHeaderAnswersJsonWithTheIdTokensSub() {
        JsonObject t = signedInTokens("rp", basic, "openid");
        HttpResponse<Buffer> me = rig.get("/oauth2/userinfo", t.getString("access_token"));
        assertUserinfo(me, idToken(t));
    }

    /** oidcc-userinfo-post-header: POST with the bearer header. */
    @Test
    void userinfoByPostWithTheBearerHeaderAnswersJsonWithTheIdTokensSub() {
        JsonObject t = signedInTokens("rp", basic, "openid");
        HttpResponse<Buffer> me = rig.postBearer("/oauth2/userinfo", t.getString("access_token"));
        assertUserinfo(me, idToken(t));
    }

    /** oidcc-userinfo-post-body: POST with access_token in the form body (optional; Kordon takes it). */
    @Test
    void userinfoByPostWithTheTokenInTheFormBodyAnswersJsonWithTheIdTokensSub() {
        JsonObject t = signedInTokens("rp", basic, "openid");
        HttpResponse<Buffer> me = Rig.await(rig.http
                .request(HttpMethod.POST, rig.running.httpPort(), "127.0.0.1", "/oauth2/userinfo")
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("access_token", t.getString("access_token"))));
        assertUserinfo(me, idToken(t));
    }

    /** oidcc-scope-phone: scope openid phone; userinfo holds phone_number (E.164) and phone_number_verified. */
    @Test
    void scopePhoneGivesPhoneNumberAndItsVerifiedFlagInUserinfo() {
        JsonObject t = signedInTokens("rp", basic, "openid phone");
        JsonObject me = rig.get("/oauth2/userinfo", t.getString("access_token")).bodyAsJsonObject();
        assertThat(me.getString("phone_number")).isEqualTo("+375" + DIGITS);
        assertThat(me.getBoolean("phone_number_verified")).isTrue();
    }

    /** oidcc-scope-email: scope openid email; userinfo holds the account's e-mail address. */
    @Test
    void scopeEmailGivesTheAccountsEmailInUserinfo() {
        JsonObject t = signedInTokens("rp-email", emailSecret, "openid email");
        JsonObject me = rig.get("/oauth2/userinfo", t.getString("access_token")).bodyAsJsonObject();
        assertThat(me.getString("email")).isEqualTo(account.email());
        assertThat(me.getString("sub")).isEqualTo(idToken(t).getString("sub"));
    }

    /**
     * oidcc-alternate-happy-flow (formerly oidcc-ensure-other-scope-order-succeeds): scope "email
     * openid" and the parameters in reverse alphabetical order still give a code and the e-mail.
     */
    @Test
    void reversedScopeAndParameterOrderStillGiveACodeAndTheEmail() {
        OidcBrowser b = new OidcBrowser(rig);
        String url = "/oauth2/authorize?state=st-alt&scope=" + enc("email openid") + "&response_type=code"
                + "&redirect_uri=" + enc(CALLBACK) + "&nonce=n-alt&client_id=rp-email";
        Map<String, String> callback = signInThrough(b, url, DIGITS, PASSWORD);
        assertThat(callback).containsEntry("state", "st-alt");
        JsonObject t = tokens(b, "rp-email", emailSecret, callback.get("code"));
        assertThat(idToken(t).getString("nonce")).isEqualTo("n-alt");
        assertThat(rig.get("/oauth2/userinfo", t.getString("access_token"))
                        .bodyAsJsonObject()
                        .getString("email"))
                .isEqualTo(account.email());
    }

    /** oidcc-codereuse-30seconds: a replay 30 s after the first use is invalid_grant, and its access token ends. */
    @Test
    void aCodeReplayedThirtySecondsLaterIsInvalidGrantAndItsAccessTokenIsRevoked() throws InterruptedException {
        OidcBrowser b = new OidcBrowser(rig);
        Map<String, String> callback =
                signInThrough(b, authorize("rp", "openid", "st-30", "n-30", ""), DIGITS, PASSWORD);
        JsonObject t = tokens(b, "rp", basic, callback.get("code"));
        Thread.sleep(30_000);
        HttpResponse<Buffer> replay = b.token("rp", basic, codeForm(callback.get("code"), null));
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.getHeader("Content-Type")).startsWith("application/json");
        assertThat(replay.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");
        assertThat(rig.get("/oauth2/userinfo", t.getString("access_token")).statusCode())
                .isEqualTo(401);
    }

    /**
     * oidcc-refresh-token: scope openid offline_access with prompt=consent (as the suite sends it
     * when offline_access is offered); the refresh answers a new pair, userinfo takes the new access
     * token; a second client's refresh token presented by the first is invalid_grant.
     */
    @Test
    void refreshGivesANewPairUsableAtUserinfoAndAnotherClientsRefreshTokenIsInvalidGrant() {
        String one = LogCapture.secret(
                Conformance.register(rig, "rp-offline", "client_secret_basic", "openid offline_access"));
        String two = LogCapture.secret(
                Conformance.register(rig, "rp-offline-2", "client_secret_basic", "openid offline_access"));
        OidcBrowser b = new OidcBrowser(rig);
        String scope = "openid offline_access";
        Map<String, String> callback =
                signInThrough(b, authorize("rp-offline", scope, "st-r", "n-r", "&prompt=consent"), DIGITS, PASSWORD);
        JsonObject first = tokens(b, "rp-offline", one, callback.get("code"));
        assertThat(first.getString("refresh_token")).isNotBlank();

        HttpResponse<Buffer> r = b.token(
                "rp-offline", one, refreshForm(first.getString("refresh_token")).add("scope", scope));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
        JsonObject next = r.bodyAsJsonObject();
        assertThat(next.getString("token_type")).isEqualTo("Bearer");
        assertThat(next.getInteger("expires_in")).isPositive();
        assertThat(next.getString("access_token")).isNotEqualTo(first.getString("access_token"));
        assertThat(next.getString("refresh_token")).isNotBlank().isNotEqualTo(first.getString("refresh_token"));
        assertThat(rig.get("/oauth2/userinfo", next.getString("access_token")).statusCode())
                .isEqualTo(200);

        // The second client, in the same browser: a code at once, then its refresh token tried by the first.
        Map<String, String> second = b.toCallback(authorize("rp-offline-2", scope, "st-r2", "n-r2", "&prompt=consent"));
        JsonObject theirs = tokens(b, "rp-offline-2", two, second.get("code"));
        HttpResponse<Buffer> stolen = b.token("rp-offline", one, refreshForm(theirs.getString("refresh_token")));
        assertThat(stolen.statusCode()).isEqualTo(400);
        assertThat(stolen.getHeader("Content-Type")).startsWith("application/json");
        assertThat(stolen.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");
    }

    /** Tokens for {@code client} asking for {@code scope}, through a fresh browser's sign-in. */
    private static JsonObject signedInTokens(String client, String secret, String scope) {
        OidcBrowser b = new OidcBrowser(rig);
        Map<String, String> callback = signInThrough(b, authorize(client, scope, "st", "n", ""), DIGITS, PASSWORD);
        return tokens(b, client, secret, callback.get("code"));
    }

    private static void assertUserinfo(HttpResponse<Buffer> me, JsonObject idToken) {
        assertThat(me.statusCode()).as(me.bodyAsString()).isEqualTo(200);
        assertThat(me.getHeader("Content-Type")).startsWith("application/json");
        assertThat(me.bodyAsJsonObject().getString("sub")).isEqualTo(idToken.getString("sub"));
    }

    /** The RSA public key of the JWKS named {@code kid}. */
    private static PublicKey jwksKey(String kid) throws Exception {
        for (Object k :
                rig.get("/.well-known/jwks.json", null).bodyAsJsonObject().getJsonArray("keys")) {
            JsonObject key = (JsonObject) k;
            if (kid != null && kid.equals(key.getString("kid")) && "RSA".equals(key.getString("kty"))) {
                Base64.Decoder d = Base64.getUrlDecoder();
                return KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(
                                new BigInteger(1, d.decode(key.getString("n"))),
                                new BigInteger(1, d.decode(key.getString("e")))));
            }
        }
        throw new AssertionError("no RSA key " + kid + " in the JWKS");
    }
}
