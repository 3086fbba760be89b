package dev.kordon.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.mfa.Totp;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.PageClient;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The second step's pages over HTTP with production cookie settings (Secure, __Host-). */
class SecondStepPagesHttpTest {
    static Rig rig;
    static final String RETURN = "https://billing.example.by/invoices?month=5";
    static final String CARRIED = "?lang=en&return=" + URLEncoder.encode(RETURN, StandardCharsets.UTF_8);
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final Pattern SECRET = Pattern.compile("name=\"secret\" value=\"([A-Z2-7]+)\"");

    @BeforeAll
    static void up() {
        rig = Rig.builder()
                .set("portal.url", "https://my.example.by/cabinet")
                .set("web.return-origins", List.of("https://billing.example.by"))
                .set("mfa.required-roles", List.of("administrator"))
                .start();
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    /** One client walking the pages, its cookies kept. */
    static final class Client extends PageClient {
        Client() {
            super(rig);
        }

        /** A form's fields, with the CSRF token of {@code page} (as rendered) and the language and return. */
        static MultiMap form(String page) {
            Matcher m = CSRF.matcher(page);
            assertThat(m.find()).isTrue();
            return MultiMap.caseInsensitiveMultiMap()
                    .add("csrf", m.group(1))
                    .add("lang", "en")
                    .add("return", RETURN);
        }

        HttpResponse<Buffer> signIn(String nine, String password) {
            return post(
                    "/login",
                    form(get("/login" + CARRIED).bodyAsString())
                            .add("mode", "password")
                            .add("category", "mobile")
                            .add("login", nine)
                            .add("password", password));
        }
    }

    static String administrator(String phone, String password) {
        return administrator(phone, password, "org@example.by");
    }

    static String administrator(String phone, String password, String email) {
        rig.account("mobile", phone, Rig.TARIFF, "active", password, email);
        var put = rig.admin(
                HttpMethod.PUT,
                "/admin/v1/accounts/mobile/" + phone,
                new JsonObject().put("tariff", Rig.TARIFF).put("email", email).put("role", "administrator"),
                Rig.ADMIN_TOKEN);
        assertThat(put.statusCode()).isEqualTo(200);
        return password;
    }

    static String setCookie(HttpResponse<Buffer> r, String name) {
        return r.cookies().stream()
                .filter(c -> c.startsWith(name + "="))
                .findFirst()
                .orElse(null);
    }

    static String code(byte[] secret, long offset) {
        return Totp.code(secret, Totp.step(System.currentTimeMillis() / 1000) + offset, Totp.DIGITS);
    }

    @Test
    void theStepWaitsInAStrictCookieAndEndsInASessionThatLeadsToTheReturnKeepingTheLanguage() {
        String password = administrator("+375294200001", LogCapture.secret("Http-Second-Step-1"));
        Client c = new Client();

        HttpResponse<Buffer> first = c.signIn("294200001", password);
        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(first.getHeader("Location")).isEqualTo("/login/enrol" + CARRIED);
        String step = setCookie(first, "__Host-kordon-step");
        assertThat(step)
                .contains("; Path=/", "; Secure", "; HTTPOnly", "; SameSite=Strict")
                .doesNotContain("Domain=")
                .containsPattern("; Max-Age=([1-9]\\d*)");
        assertThat(setCookie(first, "__Host-kordon-session")).isNull();

        HttpResponse<Buffer> enrol = c.get("/login/enrol" + CARRIED);
        assertThat(enrol.statusCode()).isEqualTo(200);
        assertThat(enrol.getHeader("Cache-Control")).isEqualTo("no-store");
        String page = enrol.bodyAsString();
        assertThat(page).contains("<html lang=\"en\">", "Set up your authenticator app", "<svg");
        Matcher s = SECRET.matcher(page);
        assertThat(s.find()).isTrue();
        byte[] secret = Base32.decode(s.group(1));

        HttpResponse<Buffer> done = c.post(
                "/login/enrol", Client.form(page).add("secret", s.group(1)).add("code", code(secret, 0)));
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.getHeader("Cache-Control")).isEqualTo("no-store");
        assertThat(done.bodyAsString())
                .contains(
                        "Recovery codes",
                        "Keep these codes somewhere safe",
                        "href=\"" + RETURN.replace("&", "&amp;") + "\"");
        assertThat(Pattern.compile("<li><code>")
                        .matcher(done.bodyAsString())
                        .results()
                        .count())
                .isEqualTo(10);
        assertThat(setCookie(done, "__Host-kordon-session")).contains("; SameSite=Lax");
        assertThat(setCookie(done, "__Host-kordon-step")).contains("Max-Age=0");
        assertThat(c.jar).containsKey("__Host-kordon-session").doesNotContainKey("__Host-kordon-step");

        // The next sign-in asks for a code: a wrong one is refused in place, as a wrong password is.
        Client next = new Client();
        HttpResponse<Buffer> again = next.signIn("294200001", password);
        assertThat(again.getHeader("Location")).isEqualTo("/login/second-step" + CARRIED);
        String stepPage = next.get("/login/second-step" + CARRIED).bodyAsString();
        assertThat(stepPage).contains("Second step", "autocomplete=\"one-time-code\"", "inputmode=\"numeric\"");
        String wrong = code(secret, 1).equals("000000") ? "111111" : "000000";
        HttpResponse<Buffer> refused = next.post(
                "/login/second-step",
                Client.form(stepPage).add("method", "totp").add("code", wrong));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.bodyAsString()).contains("Wrong code. Check the code in the app and try again.");
        assertThat(next.jar).doesNotContainKey("__Host-kordon-session");

        HttpResponse<Buffer> in = next.post(
                "/login/second-step",
                Client.form(refused.bodyAsString()).add("method", "totp").add("code", code(secret, 1)));
        assertThat(in.statusCode()).isEqualTo(303);
        assertThat(in.getHeader("Location")).isEqualTo(RETURN);
        assertThat(next.jar).containsKey("__Host-kordon-session").doesNotContainKey("__Host-kordon-step");
    }

    @Test
    void anAdministratorsForcedChangeLeadsToTheStepAndNotIn() {
        String email = "forced-change-admin@org.by";
        administrator("+375294200002", null, email);
        var sent = rig.post(
                "/api/v1/password/recovery",
                new JsonObject()
                        .put("category", "mobile")
                        .put("login", "+375294200002")
                        .put("channel", "email"));
        assertThat(sent.statusCode()).isEqualTo(202);
        Matcher temp = Mailbox.TEMP_PASSWORD.matcher(
                Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0).text());
        assertThat(temp.find()).isTrue();
        Client c = new Client();
        HttpResponse<Buffer> signedIn = c.signIn("294200002", LogCapture.secret(temp.group(1)));
        assertThat(signedIn.getHeader("Location")).isEqualTo("/password/change" + CARRIED);
        assertThat(c.jar).containsKey("__Host-kordon-change");

        String chosen = LogCapture.secret("Forced-Then-Step-2");
        HttpResponse<Buffer> changed = c.post(
                "/password/change",
                Client.form(c.get("/password/change" + CARRIED).bodyAsString())
                        .add("new_password", chosen)
                        .add("confirm_password", chosen));
        assertThat(changed.statusCode()).isEqualTo(303);
        assertThat(changed.getHeader("Location")).isEqualTo("/login/enrol" + CARRIED);
        assertThat(setCookie(changed, "__Host-kordon-step")).contains("; SameSite=Strict");
        assertThat(c.jar).containsKey("__Host-kordon-step").doesNotContainKey("__Host-kordon-change");
        assertThat(c.jar).doesNotContainKey("__Host-kordon-session");
        assertThat(c.get("/login/enrol" + CARRIED).bodyAsString()).contains("Set up your authenticator app");
    }

    @Test
    void aStepWithoutItsCookieOrWithADeadTokenSendsBackToSignInSayingWhy() {
        Client c = new Client();
        HttpResponse<Buffer> none = c.get("/login/second-step" + CARRIED);
        assertThat(none.statusCode()).isEqualTo(303);
        assertThat(none.getHeader("Location")).startsWith("/login?step=expired&lang=en&return=");
        assertThat(c.get(none.getHeader("Location")).bodyAsString())
                .contains("The time for the second step ran out. Sign in again.");

        // A token the flow does not know: the same way back, and the cookie goes.
        c.jar.put("__Host-kordon-step", "not-a-step-token");
        String page = c.get("/login" + CARRIED).bodyAsString();
        HttpResponse<Buffer> dead = c.post(
                "/login/second-step", Client.form(page).add("method", "totp").add("code", "123456"));
        assertThat(dead.statusCode()).isEqualTo(303);
        assertThat(dead.getHeader("Location")).startsWith("/login?step=expired&lang=en");
        assertThat(c.jar).doesNotContainKey("__Host-kordon-step");
    }
}
