package dev.kordon.oidc;

import static dev.kordon.oidc.OidcBrowser.ISSUER;
import static dev.kordon.oidc.OidcBrowser.authorize;
import static dev.kordon.oidc.OidcBrowser.claims;
import static dev.kordon.oidc.OidcBrowser.codeForm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An OpenID client's sign-in by SMS code on the seed's page: one visit, and a replayed code ends it. */
class OidcSmsCodeTest {
    static SmsProviderStub sms;
    static Rig rig;
    static String secret;
    static final String PHONE = "+375297400001";
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final Pattern CODE = Pattern.compile("Код для входа в Личный кабинет: (\\d{6})");

    @BeforeAll
    static void up() {
        sms = new SmsProviderStub();
        rig = Rig.builder()
                .set("jwt.issuer", ISSUER)
                .set("sms.provider", "http")
                .set("sms.http.url", sms.url())
                .start();
        rig.account(PHONE, LogCapture.secret("Oidc-Sms-Password-1"));
        secret = LogCapture.secret(OidcBrowser.register(rig, "portal", "client_secret_basic"));
    }

    @AfterAll
    static void down() {
        rig.close();
        sms.close();
    }

    @Test
    void aSignInBySmsCodeGivesTheClientOneVisitAndAReplayedCodeEndsItsAccessToken() {
        OidcBrowser b = new OidcBrowser(rig);
        String loginPage = b.get(authorize("portal", "st-s", "n-s", null, "")).getHeader("Location");
        String ret = OidcBrowser.query(loginPage).get("return");
        Matcher csrf = CSRF.matcher(b.get(loginPage + "&mode=sms").bodyAsString());
        assertThat(csrf.find()).isTrue();
        HttpResponse<Buffer> sent = b.post(
                "/login/sms-code",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf.group(1))
                        .add("category", "mobile")
                        .add("login", "297400001")
                        .add("return", ret));
        assertThat(sent.statusCode()).isEqualTo(303);
        List<JsonObject> texts = Await.until(Duration.ofSeconds(10), () -> sms.to(PHONE), l -> !l.isEmpty());
        Matcher code = CODE.matcher(texts.get(0).getString("text"));
        assertThat(code.matches()).isTrue();
        LogCapture.secret(code.group(1));

        Matcher again = CSRF.matcher(b.get(sent.getHeader("Location")).bodyAsString());
        assertThat(again.find()).isTrue();
        HttpResponse<Buffer> signedIn = b.post(
                "/login",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", again.group(1))
                        .add("mode", "sms")
                        .add("category", "mobile")
                        .add("login", "297400001")
                        .add("code", code.group(1))
                        .add("return", ret));
        assertThat(signedIn.statusCode()).isEqualTo(303);
        Map<String, String> callback = b.toCallback(signedIn.getHeader("Location"));

        HttpResponse<Buffer> tokens = b.token("portal", secret, codeForm(callback.get("code"), null));
        assertThat(tokens.statusCode()).as(tokens.bodyAsString()).isEqualTo(200);
        JsonObject t = tokens.bodyAsJsonObject();
        assertThat(t.containsKey("refresh_token"))
                .as("an SMS code is one visit")
                .isFalse();
        assertThat(claims(t.getString("id_token")).getJsonArray("amr").getList())
                .containsExactly("sms");
        assertThat(rig.get("/oauth2/userinfo", t.getString("access_token")).statusCode())
                .isEqualTo(200);

        HttpResponse<Buffer> replay = b.token("portal", secret, codeForm(callback.get("code"), null));
        assertThat(replay.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");
        assertThat(rig.get("/oauth2/userinfo", t.getString("access_token")).statusCode())
                .as("the access token the code's first use issued, after the replay")
                .isEqualTo(401);
    }
}
