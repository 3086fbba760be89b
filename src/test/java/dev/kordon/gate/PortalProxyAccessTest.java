package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.server.Problems;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Who gets through to the portal: a browser that is not signed in is sent to sign in and back (never
 * to a foreign host), an API client gets a 401 problem, and an altered, logged-out or disabled
 * account's token or session is refused at once; the portal is never called for any of them.
 */
class PortalProxyAccessTest extends PortalProxyFixture {
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final Pattern RETURN = Pattern.compile("name=\"return\" value=\"([^\"]+)\"");

    /** A browser through the sign-in form, straight at Kordon: its cookie jar after signing in. */
    static String signInCookies(String returnUrl) {
        return signInCookies(returnUrl, "293100002");
    }

    static String signInCookies(String returnUrl, String login) {
        var page = get("/login?return=" + URLEncoder.encode(returnUrl, StandardCharsets.UTF_8), "Accept", HTML);
        assertThat(page.statusCode()).isEqualTo(200);
        String csrfCookie = page.cookies().stream()
                .filter(c -> c.startsWith("kordon-csrf="))
                .findFirst()
                .orElseThrow()
                .split(";")[0];
        Matcher csrf = CSRF.matcher(page.bodyAsString());
        Matcher ret = RETURN.matcher(page.bodyAsString());
        assertThat(csrf.find()).isTrue();
        assertThat(ret.find()).as("the sign-in form carries the return URL").isTrue();
        assertThat(ret.group(1).replace("&amp;", "&")).isEqualTo(returnUrl);
        var signIn = Rig.await(rig.http
                .request(HttpMethod.POST, port, "127.0.0.1", "/login")
                .followRedirects(false)
                .putHeader("Accept", HTML)
                .putHeader("Cookie", csrfCookie)
                .sendForm(MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf.group(1))
                        .add("mode", "password")
                        .add("category", "mobile")
                        .add("login", login)
                        .add("password", PASSWORD)
                        .add("return", returnUrl)));
        assertThat(signIn.statusCode()).isEqualTo(303);
        assertThat(signIn.getHeader("Location")).as("back where it was going").isEqualTo(returnUrl);
        String session = signIn.cookies().stream()
                .filter(c -> c.startsWith("kordon-session="))
                .findFirst()
                .orElseThrow()
                .split(";")[0];
        LogCapture.secret(session.substring(session.indexOf('=') + 1));
        return session + "; " + csrfCookie;
    }

    @Test
    void aBrowserThatIsNotSignedInIsSentToSignInAndBackThenReachesThePortalWithoutKordonsCookies() {
        String original = base + "/portal/home?tab=2";
        int before = calls.get();
        var first = get("/portal/home?tab=2", "Accept", HTML);
        assertThat(first.statusCode()).isEqualTo(302);
        assertThat(first.getHeader("Location"))
                .isEqualTo("/login?return=" + URLEncoder.encode(original, StandardCharsets.UTF_8));
        assertThat(calls.get())
                .as("the portal is not called for a browser that is not signed in")
                .isEqualTo(before);

        String jar = signInCookies(original);
        var r = get("/portal/home?tab=2", "Accept", HTML, "Cookie", "app-pref=dark; " + jar + "; theme=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertIdentity(r);
        assertThat(seen(r, "Cookie"))
                .as("the portal's cookies pass, Kordon's session and CSRF cookies do not")
                .isEqualTo("app-pref=dark; theme=1");
        var only = get("/portal/home", "Accept", HTML, "Cookie", jar);
        assertThat(only.statusCode()).isEqualTo(200);
        assertThat(seen(only, "Cookie")).isNull();
    }

    @Test
    void aBrowserIsNeverSentBackToAForeignHost() {
        var r = Rig.await(rig.http
                .request(HttpMethod.GET, port, "127.0.0.1", "/portal/home")
                .followRedirects(false)
                .virtualHost("evil.example.com")
                .putHeader("Accept", HTML)
                .send());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.getHeader("Location")).isEqualTo("/login");
    }

    @Test
    void anApiClientThatIsNotSignedInGets401ProblemAndThePortalIsNotCalled() {
        int before = calls.get();
        var r = send(
                HttpMethod.POST, "/portal/bills", "{}", "Accept", JSON, "Content-Type", JSON, "Accept-Language", "en");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.getHeader("Content-Type")).isEqualTo(Problems.MEDIA_TYPE);
        assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer").doesNotContain("error=");
        assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("unauthorized");
        assertThat(r.bodyAsJsonObject().getInteger("status")).isEqualTo(401);
        assertThat(calls.get()).isEqualTo(before);
    }

    @Test
    void anAlteredOrRevokedTokenIs401AndThePortalIsNotCalled() {
        String at = accessToken();
        char last = at.charAt(at.length() - 1);
        String altered = at.substring(0, at.length() - 1) + (last == 'A' ? 'B' : 'A');
        int before = calls.get();
        var r = get("/portal/bills", "Authorization", "Bearer " + altered, "Accept", JSON);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer").contains("error=\"invalid_token\"");
        assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("unauthorized");
        assertThat(calls.get()).as("the altered token never reaches the portal").isEqualTo(before);

        assertThat(get("/portal/bills", "Authorization", "Bearer " + at).statusCode())
                .isEqualTo(200);
        assertThat(rig.postBearer("/api/v1/logout", at).statusCode()).isEqualTo(204);
        before = calls.get();
        assertThat(get("/portal/bills", "Authorization", "Bearer " + at).statusCode())
                .as("after logout")
                .isEqualTo(401);
        assertThat(calls.get()).isEqualTo(before);
    }

    @Test
    void aDisabledAccountsTokenAndSessionAreRefusedAtOnce() {
        String phone = "+375293100003";
        rig.account(phone, PASSWORD);
        String at = rig.login(phone, PASSWORD).bodyAsJsonObject().getString("access_token");
        String jar = signInCookies(base + "/portal/home", "293100003");
        assertThat(get("/portal/home", "Authorization", "Bearer " + at).statusCode())
                .isEqualTo(200);
        assertThat(get("/portal/home", "Accept", HTML, "Cookie", jar).statusCode())
                .isEqualTo(200);

        assertThat(rig.admin(HttpMethod.POST, "/admin/v1/accounts/mobile/" + phone + "/disable", null, Rig.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(204);
        int before = calls.get();
        assertThat(get("/portal/home", "Authorization", "Bearer " + at, "Accept", JSON)
                        .statusCode())
                .isEqualTo(401);
        var browser = get("/portal/home", "Accept", HTML, "Cookie", jar);
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.getHeader("Location")).startsWith("/login?return=");
        assertThat(calls.get()).isEqualTo(before);
    }
}
