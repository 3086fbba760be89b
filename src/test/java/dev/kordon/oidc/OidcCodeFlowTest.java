package dev.kordon.oidc;

import static dev.kordon.oidc.OidcBrowser.CALLBACK;
import static dev.kordon.oidc.OidcBrowser.ISSUER;
import static dev.kordon.oidc.OidcBrowser.authorize;
import static dev.kordon.oidc.OidcBrowser.claims;
import static dev.kordon.oidc.OidcBrowser.codeForm;
import static dev.kordon.oidc.OidcBrowser.refreshForm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
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
 * The authorization code flow as a portal and a browser live it, on the seed's own sign-in page:
 * authorize, sign in, back to the portal with a code, tokens, userinfo, refresh; a signed-in browser
 * gets its code at once; prompt=none without a session, and a code used twice.
 */
class OidcCodeFlowTest {
    static Rig rig;
    static Account account;
    static String secret;
    static final String PASSWORD = LogCapture.secret("Oidc-Flow-Password-1");

    @BeforeAll
    static void up() {
        rig = Rig.builder().set("jwt.issuer", ISSUER).start();
        account = rig.account("+375297100001", PASSWORD);
        secret = LogCapture.secret(OidcBrowser.register(rig, "portal", "client_secret_basic"));
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void aPortalSignsAPersonInByPasswordOnTheSeedsPageAndGetsTokensUserinfoAndARefresh() {
        OidcBrowser b = new OidcBrowser(rig);
        String verifier = "v".repeat(43);
        HttpResponse<Buffer> first = b.get(authorize("portal", "st-1", "nonce-1", verifier, "&ui_locales=en"));
        assertThat(first.statusCode()).isEqualTo(302);
        String loginPage = first.getHeader("Location");
        assertThat(loginPage).startsWith("/login?return=").contains("lang=en");

        HttpResponse<Buffer> signedIn = b.signIn(loginPage, "297100001", PASSWORD);
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.getHeader("Location")).startsWith(ISSUER + "/oauth2/authorize?");
        Map<String, String> callback = b.toCallback(signedIn.getHeader("Location"));
        assertThat(callback).containsEntry("state", "st-1").containsEntry("iss", ISSUER);

        HttpResponse<Buffer> tokens = b.token("portal", secret, codeForm(callback.get("code"), verifier));
        assertThat(tokens.statusCode()).as(tokens.bodyAsString()).isEqualTo(200);
        assertThat(tokens.getHeader("Cache-Control")).isEqualTo("no-store");
        JsonObject t = tokens.bodyAsJsonObject();
        assertThat(t.getString("token_type")).isEqualTo("Bearer");
        JsonObject id = claims(t.getString("id_token"));
        assertThat(id.getString("iss")).isEqualTo(ISSUER);
        assertThat(id.getString("aud")).isEqualTo("portal");
        assertThat(id.getString("sub")).isEqualTo(account.id().toString());
        assertThat(id.getString("nonce")).isEqualTo("nonce-1");
        assertThat(id.getJsonArray("amr").getList()).containsExactly("pwd");
        assertThat(id.getString("phone_number")).isEqualTo("+375297100001");
        assertThat(id.getJsonArray("roles").getList()).containsExactly(account.role());
        assertThat(id.getLong("auth_time")).isLessThanOrEqualTo(id.getLong("iat"));
        assertThat(id.getString("sid")).isNotBlank();

        HttpResponse<Buffer> me = rig.get("/oauth2/userinfo", t.getString("access_token"));
        assertThat(me.statusCode()).as(me.bodyAsString()).isEqualTo(200);
        assertThat(me.bodyAsJsonObject().getString("sub"))
                .isEqualTo(account.id().toString());
        assertThat(me.bodyAsJsonObject().getString("phone_number")).isEqualTo("+375297100001");

        HttpResponse<Buffer> renewed = b.token("portal", secret, refreshForm(t.getString("refresh_token")));
        assertThat(renewed.statusCode()).as(renewed.bodyAsString()).isEqualTo(200);
        assertThat(renewed.bodyAsJsonObject().getString("refresh_token")).isNotEqualTo(t.getString("refresh_token"));
        assertThat(rig.get("/oauth2/userinfo", renewed.bodyAsJsonObject().getString("access_token"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aBrowserAlreadySignedInGetsItsCodeAtOnceAndPromptLoginSendsItToTheSignInPageAgain() {
        OidcBrowser b = new OidcBrowser(rig);
        String loginPage = b.get(authorize("portal", "st-2", "n-2", null, "")).getHeader("Location");
        b.toCallback(b.signIn(loginPage, "297100001", PASSWORD).getHeader("Location"));

        Map<String, String> again = b.toCallback(authorize("portal", "st-3", "n-3", null, ""));
        assertThat(again).containsKey("code").containsEntry("state", "st-3");

        HttpResponse<Buffer> forced = b.get(authorize("portal", "st-4", "n-4", null, "&prompt=login"));
        assertThat(forced.getHeader("Location")).startsWith("/login?return=");
    }

    @Test
    void aRefreshTokenUsedTwiceIsInvalidGrantAndEndsItsFamily() {
        OidcBrowser b = new OidcBrowser(rig);
        String loginPage = b.get(authorize("portal", "st-7", "n-7", null, "")).getHeader("Location");
        Map<String, String> callback =
                b.toCallback(b.signIn(loginPage, "297100001", PASSWORD).getHeader("Location"));
        JsonObject t =
                b.token("portal", secret, codeForm(callback.get("code"), null)).bodyAsJsonObject();
        JsonObject next = b.token("portal", secret, refreshForm(t.getString("refresh_token")))
                .bodyAsJsonObject();
        assertThat(next.getString("refresh_token")).isNotNull();

        HttpResponse<Buffer> reused = b.token("portal", secret, refreshForm(t.getString("refresh_token")));
        assertThat(reused.statusCode()).as(reused.bodyAsString()).isEqualTo(400);
        assertThat(reused.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");
        HttpResponse<Buffer> after = b.token("portal", secret, refreshForm(next.getString("refresh_token")));
        assertThat(after.bodyAsJsonObject().getString("error"))
                .as("the family's newest token, after the reuse")
                .isEqualTo("invalid_grant");
    }

    @Test
    void promptNoneWithoutASessionAnswersLoginRequiredToThePortalWithItsState() {
        OidcBrowser b = new OidcBrowser(rig);
        HttpResponse<Buffer> r = b.get(authorize("portal", "st-5", "n-5", null, "&prompt=none"));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.getHeader("Location")).startsWith(CALLBACK + "?");
        assertThat(OidcBrowser.query(r.getHeader("Location")))
                .containsEntry("error", "login_required")
                .containsEntry("state", "st-5");
    }

    @Test
    void aCodeUsedTwiceIsRefusedAndEndsTheRefreshFamilyItsFirstUseOpened() {
        OidcBrowser b = new OidcBrowser(rig);
        String loginPage = b.get(authorize("portal", "st-6", "n-6", null, "")).getHeader("Location");
        Map<String, String> callback =
                b.toCallback(b.signIn(loginPage, "297100001", PASSWORD).getHeader("Location"));
        JsonObject t =
                b.token("portal", secret, codeForm(callback.get("code"), null)).bodyAsJsonObject();
        assertThat(t.getString("refresh_token")).isNotNull();

        HttpResponse<Buffer> replay = b.token("portal", secret, codeForm(callback.get("code"), null));
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");
        HttpResponse<Buffer> refresh = b.token("portal", secret, refreshForm(t.getString("refresh_token")));
        assertThat(refresh.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");
        assertThat(rig.get("/oauth2/userinfo", t.getString("access_token")).statusCode())
                .isEqualTo(401);
    }

    @Test
    void anUnknownClientOrARedirectUriNotRegisteredGetsAnErrorPageAndNoRedirect() {
        OidcBrowser b = new OidcBrowser(rig);
        HttpResponse<Buffer> unknown = b.get(authorize("nobody", "s", "n", null, ""));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.getHeader("Location")).isNull();
        HttpResponse<Buffer> foreign =
                b.get(authorize("portal", "s", "n", null, "").replace("portal.example.by", "evil.example"));
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(foreign.getHeader("Location")).isNull();
    }
}
