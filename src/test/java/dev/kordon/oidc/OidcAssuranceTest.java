package dev.kordon.oidc;

import static dev.kordon.oidc.OidcBrowser.ISSUER;
import static dev.kordon.oidc.OidcBrowser.authorize;
import static dev.kordon.oidc.OidcBrowser.claims;
import static dev.kordon.oidc.OidcBrowser.codeForm;
import static dev.kordon.oidc.OidcBrowser.refreshForm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.page.Cookies;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.SecondSteps;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an OpenID Connect client is told of how the person signed in: the ID token's and the access
 * token's {@code acr} follow the browser session's amr ({@code aal2} after a second step, {@code
 * aal1} for a password alone), and a refresh of the family says the same amr and acr again. The
 * browser sessions are Kordon's own, made by its part for an amr; the second step's pages have their
 * own tests.
 */
class OidcAssuranceTest {
    static Rig rig;
    static Account account;
    static String secret;

    @BeforeAll
    static void up() {
        rig = Rig.builder().set("jwt.issuer", ISSUER).start();
        account = rig.account("+375297100201", LogCapture.secret("Oidc-Assurance-Password-1"));
        secret = LogCapture.secret(OidcBrowser.register(rig, "portal", "client_secret_basic"));
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void aSignInWithASecondStepIsAal2InTheIdAndAccessTokensAndItsRefreshSaysTheSame() {
        assertTokensSay(List.of("pwd", "otp"), "aal2");
    }

    @Test
    void aPasswordAloneIsAal1InTheIdAndAccessTokensAndItsRefreshSaysTheSame() {
        assertTokensSay(List.of("pwd"), "aal1");
    }

    private static void assertTokensSay(List<String> amr, String acr) {
        OidcBrowser b = new OidcBrowser(rig);
        // The rig's cookies are Secure, so the session cookie carries the __Host- prefix.
        b.jar.put("__Host-" + Cookies.SESSION, SecondSteps.session(rig, account, amr));
        String verifier = "a".repeat(43);
        Map<String, String> callback = b.toCallback(authorize("portal", "st", "n", verifier, ""));
        HttpResponse<Buffer> tokens = b.token("portal", secret, codeForm(callback.get("code"), verifier));
        assertThat(tokens.statusCode()).as(tokens.bodyAsString()).isEqualTo(200);
        JsonObject t = tokens.bodyAsJsonObject();
        JsonObject id = claims(t.getString("id_token"));
        assertThat(id.getJsonArray("amr").getList()).containsExactlyElementsOf(amr);
        assertThat(id.getString("acr")).isEqualTo(acr);
        assertThat(claims(t.getString("access_token")).getString("acr")).isEqualTo(acr);

        HttpResponse<Buffer> renewed = b.token("portal", secret, refreshForm(t.getString("refresh_token")));
        assertThat(renewed.statusCode()).as(renewed.bodyAsString()).isEqualTo(200);
        JsonObject after = claims(renewed.bodyAsJsonObject().getString("access_token"));
        assertThat(after.getJsonArray("amr").getList()).containsExactlyElementsOf(amr);
        assertThat(after.getString("acr")).isEqualTo(acr);
    }
}
