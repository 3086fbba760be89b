package dev.kordon.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.LogCapture;
import dev.kordon.support.LogEvents;
import dev.kordon.support.PageClient;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pages as a client sees them over HTTP with production cookie settings (Secure, __Host-). */
class PagesHttpTest {
    static Rig rig;
    static dev.kordon.account.Account account;
    static final String PASSWORD = LogCapture.secret("Pages-Http-Password-1");
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @BeforeAll
    static void up() {
        rig = Rig.builder()
                .set("portal.url", "https://my.example.by/cabinet")
                .set("web.return-origins", List.of("https://billing.example.by"))
                .start();
        account = rig.account("+375293000001", PASSWORD);
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    /** A tiny cookie jar: enough for one client walking the pages. */
    static final class Client extends PageClient {
        Client() {
            super(rig);
        }

        String csrf(String page) {
            Matcher m = CSRF.matcher(get(page).bodyAsString());
            assertThat(m.find()).isTrue();
            return m.group(1);
        }

        HttpResponse<Buffer> signIn(String ret) {
            String token = csrf("/login");
            MultiMap form = MultiMap.caseInsensitiveMultiMap()
                    .add("csrf", token)
                    .add("mode", "password")
                    .add("category", "mobile")
                    .add("login", "293000001")
                    .add("password", PASSWORD);
            if (ret != null) {
                form.add("return", ret);
            }
            return post("/login", form);
        }
    }

    /** A page or API answer, with an Accept-Language header or none. */
    static HttpResponse<Buffer> page(String path, String acceptLanguage) {
        var req = rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", path)
                .followRedirects(false);
        if (acceptLanguage != null) {
            req.putHeader("Accept-Language", acceptLanguage);
        }
        return Rig.await(req.send());
    }

    @Test
    void pagesAndApiChooseTheLanguageOneWayAndCarryOnlyAnExplicitChoice() {
        // Accept-Language alone: English, and nothing to carry (the browser sends the header again).
        String byHeader = page("/login", "en-US,en;q=0.9").bodyAsString();
        assertThat(byHeader)
                .contains("<html lang=\"en\">")
                .contains("href=\"/login\"")
                .doesNotContain("name=\"lang\"");
        // ?lang= wins over the header, whichever way, and the links and forms keep it.
        String ruOverEn = page("/login?lang=ru", "en").bodyAsString();
        assertThat(ruOverEn)
                .contains("<html lang=\"ru\">")
                .contains("href=\"/login?lang=ru\"")
                .contains("name=\"lang\" value=\"ru\"");
        String enOverRu = page("/login?lang=en", "ru").bodyAsString();
        assertThat(enOverRu)
                .contains("<html lang=\"en\">")
                .contains("href=\"/login?lang=en\"")
                .contains("name=\"lang\" value=\"en\"");
        // A lang naming neither language is no choice: the header decides, then Russian.
        assertThat(page("/login?lang=de", "en").bodyAsString())
                .contains("<html lang=\"en\">")
                .doesNotContain("name=\"lang\"");
        assertThat(page("/login", null).bodyAsString())
                .contains("<html lang=\"ru\">")
                .doesNotContain("name=\"lang\"");

        // The API's problems by the same rule.
        MultiMap en = MultiMap.caseInsensitiveMultiMap().add("Accept-Language", "en");
        io.vertx.core.json.JsonObject bad =
                new io.vertx.core.json.JsonObject().put("category", "mobile").put("login", "");
        assertThat(rig.post("/api/v1/login/password?lang=ru", bad, en).getHeader("Content-Language"))
                .isEqualTo("ru");
        assertThat(rig.post("/api/v1/login/password", bad, en).getHeader("Content-Language"))
                .isEqualTo("en");
        assertThat(rig.post("/api/v1/login/password?lang=de", bad, en).getHeader("Content-Language"))
                .isEqualTo("en");
        assertThat(rig.post("/api/v1/login/password", bad).getHeader("Content-Language"))
                .isEqualTo("ru");

        // A form's lang field is the explicit choice of the request that posts it.
        Client c = new Client();
        String csrf = c.csrf("/login?lang=en");
        var refused = c.post(
                "/login",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf)
                        .add("lang", "en")
                        .add("category", "mobile")
                        .add("mode", "password")
                        .add("login", "")
                        .add("password", ""));
        assertThat(refused.bodyAsString()).contains("<html lang=\"en\">").contains("This field is required");
    }

    @Test
    void cookiesAreHostPrefixedSecureHttpOnlyLax() {
        Client c = new Client();
        var page = c.get("/login");
        String setCookie = String.join("\n", page.cookies());
        assertThat(setCookie)
                .contains("__Host-kordon-csrf=")
                .contains("Path=/")
                .contains("Secure")
                .contains("SameSite=Lax")
                .containsIgnoringCase("HttpOnly")
                .doesNotContain("Domain=");
        var signedIn = c.signIn(null);
        assertThat(signedIn.statusCode()).isEqualTo(303);
        String session = signedIn.cookies().stream()
                .filter(s -> s.startsWith("__Host-kordon-session="))
                .findFirst()
                .orElseThrow();
        assertThat(session)
                .contains("Secure")
                .containsIgnoringCase("HttpOnly")
                .contains("SameSite=Lax")
                .contains("Path=/");
    }

    @Test
    void securityHeadersOnEveryPage() {
        for (String path : List.of("/login", "/password/forgot", "/register", "/login?mode=sms")) {
            var r = new Client().get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            String csp = r.getHeader("Content-Security-Policy");
            assertThat(csp)
                    .contains("frame-ancestors 'none'")
                    .contains("script-src 'self'")
                    .doesNotContain("unsafe-inline");
            assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
            // For browsers that predate frame-ancestors: no page may be framed (clickjacking).
            assertThat(r.headers().getAll("X-Frame-Options")).as(path).containsExactly("DENY");
            assertThat(csp)
                    .contains("style-src 'self'")
                    .contains("object-src 'none'")
                    .contains("base-uri 'none'")
                    // Chromium holds the redirects after a sign-in form to form-action, and those lead
                    // to the portal or an OpenID client on another origin (OpenidClientRpTest).
                    .doesNotContain("form-action");
            // Secure cookies mean TLS: a year, subdomains included.
            assertThat(r.getHeader("Strict-Transport-Security")).isEqualTo("max-age=31536000; includeSubDomains");
            String html = r.bodyAsString();
            assertThat(html)
                    .doesNotContainPattern("<script(?![^>]*\\bsrc=)")
                    .doesNotContain(" style=\"")
                    .doesNotContainPattern("\\son[a-z]+=\"");
        }
    }

    @Test
    void aNewSessionIdAtEverySignInAndTheCookieAuthorisesVerify() {
        Client c = new Client();
        assertThat(c.signIn(null).getHeader("Location")).isEqualTo("https://my.example.by/cabinet");
        String first = c.jar.get("__Host-kordon-session");
        // The page keeps its session in the cookie: no refresh family is left behind in Redis.
        var redis = rig.running.wiring().redis();
        var families = Rig.await(
                redis.send(io.vertx.redis.client.Command.KEYS, redis.keys().familyPrefix(account.id()) + "*"));
        assertThat(families.size()).isZero();
        var verify = c.get("/auth/verify");
        assertThat(verify.statusCode()).isEqualTo(200);
        assertThat(verify.getHeader("X-Kordon-Login")).isEqualTo("+375293000001");

        c.signIn(null);
        String second = c.jar.get("__Host-kordon-session");
        assertThat(second).isNotEqualTo(first);
        Client stale = new Client();
        stale.jar.put("__Host-kordon-session", first);
        assertThat(stale.get("/auth/verify").statusCode()).isEqualTo(401);

        String token = c.csrf("/login");
        assertThat(c.post("/logout", MultiMap.caseInsensitiveMultiMap().add("csrf", token))
                        .statusCode())
                .isEqualTo(303);
        Client after = new Client();
        after.jar.put("__Host-kordon-session", second);
        assertThat(after.get("/auth/verify").statusCode()).isEqualTo(401);
    }

    @Test
    void noOpenRedirect() {
        assertThat(new Client()
                        .signIn("https://my.example.by/cabinet/bills?id=1")
                        .getHeader("Location"))
                .isEqualTo("https://my.example.by/cabinet/bills?id=1");
        assertThat(new Client().signIn("https://billing.example.by/pay").getHeader("Location"))
                .isEqualTo("https://billing.example.by/pay");
        for (String evil : List.of(
                "https://evil.example/",
                "//evil.example/x",
                "https://my.example.by.evil.example/",
                "https://my.example.by@evil.example/",
                "javascript:alert(1)",
                "/\\evil.example",
                "http://my.example.by:8443/")) {
            assertThat(new Client().signIn(evil).getHeader("Location"))
                    .as(evil)
                    .isEqualTo("https://my.example.by/cabinet");
        }
    }

    @Test
    void csrfIsRequiredOnEveryForm() {
        for (String path :
                List.of("/login", "/login/sms-code", "/password/forgot", "/register", "/password/change", "/logout")) {
            Client c = new Client();
            c.get("/login");
            var none = c.post(
                    path,
                    MultiMap.caseInsensitiveMultiMap()
                            .add("category", "mobile")
                            .add("login", "293000001")
                            .add("password", PASSWORD));
            assertThat(none.statusCode()).as(path).isEqualTo(403);
            var forged = c.post(
                    path,
                    MultiMap.caseInsensitiveMultiMap().add("csrf", "forged").add("login", "293000001"));
            assertThat(forged.statusCode()).as(path).isEqualTo(403);
            assertThat(c.jar).doesNotContainKey("__Host-kordon-session");
        }
        // A token is bound to its own cookie: another client's token does not fit.
        Client a = new Client();
        Client b = new Client();
        String tokenOfA = a.csrf("/login");
        b.get("/login");
        var crossed = b.post(
                "/login",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", tokenOfA)
                        .add("category", "mobile")
                        .add("login", "293000001")
                        .add("password", PASSWORD));
        assertThat(crossed.statusCode()).isEqualTo(403);
    }

    @Test
    void aJunkChangeCookieIsTreatedAsNoCookie401OnSubmitRedirectToLoginOnTheFormAndNoWarning() {
        try (LogEvents log = LogEvents.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            for (String junk : List.of("junk", "a.b.c", "eyJhbGciOiJFUzI1NiJ9.%%%.x")) {
                Client c = new Client();
                String token = c.csrf("/login");
                c.jar.put("__Host-kordon-change", junk);
                var page = c.get("/password/change");
                assertThat(page.statusCode()).as(junk).isEqualTo(303);
                assertThat(page.getHeader("Location")).as(junk).isEqualTo("/login");
                c.jar.put("__Host-kordon-change", junk);
                var submit = c.post(
                        "/password/change",
                        MultiMap.caseInsensitiveMultiMap()
                                .add("csrf", token)
                                .add("new_password", "Junk-cookie-password-1")
                                .add("confirm_password", "Junk-cookie-password-1"));
                assertThat(submit.statusCode()).as(junk).isEqualTo(401);
            }
            assertThat(log.events())
                    .filteredOn(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                    .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .isEmpty();
        }
    }

    @Test
    void theCsrfValueDiffersOnEveryRenderEachIsAcceptedAndATamperedOneGets403() {
        Client c = new Client();
        String first = c.csrf("/login");
        String second = c.csrf("/login");
        assertThat(first).isNotEqualTo(second);
        for (String token : List.of(first, second)) {
            var out = c.post("/logout", MultiMap.caseInsensitiveMultiMap().add("csrf", token));
            assertThat(out.statusCode()).as(token).isEqualTo(303);
        }
        char middle = first.charAt(first.length() / 2);
        String tampered = first.substring(0, first.length() / 2)
                + (middle == 'A' ? 'B' : 'A')
                + first.substring(first.length() / 2 + 1);
        assertThat(c.post("/logout", MultiMap.caseInsensitiveMultiMap().add("csrf", tampered))
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void changePageNeedsATemporaryPasswordOrASession() {
        var r = new Client().get("/password/change");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.getHeader("Location")).isEqualTo("/login");
    }
}
