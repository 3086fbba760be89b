package dev.kordon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.page.Cookies;
import dev.kordon.support.CookieJar;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator console over plain HTTP on the admin port, with production cookie settings (Secure,
 * {@code __Host-}): who gets in, the headers, CSRF, the cookie, and what Redis keeps of a session.
 */
class ConsoleHttpTest {
    static Rig rig;
    static final String PHONE = "+375296000001";
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final String SESSION = "__Host-kordon-console";
    static final String CSRF_COOKIE = "__Host-" + Cookies.CONSOLE_CSRF;

    @BeforeAll
    static void up() {
        LogCapture.secret(Rig.ADMIN_TOKEN);
        // The console's clients are told apart by X-Forwarded-For from here, so one test's wrong tokens
        // never throttle another's.
        rig = Rig.builder()
                .set("admin.console-failures", 3)
                .set("http.trusted-proxies", List.of("127.0.0.1"))
                .start();
        rig.account(PHONE, null);
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    /** One operator's browser on the admin port: a cookie jar and a client address. */
    static final class Desk {
        final CookieJar jar = new CookieJar();
        final String ip;

        Desk(String ip) {
            this.ip = ip;
        }

        HttpResponse<Buffer> get(String path) {
            var req = rig.http
                    .request(HttpMethod.GET, rig.running.adminPort(), "127.0.0.1", path)
                    .followRedirects(false);
            req.putHeader("Cookie", jar.header()).putHeader("X-Forwarded-For", ip);
            return jar.keep(Rig.await(req.send()));
        }

        HttpResponse<Buffer> post(String path, MultiMap form) {
            var req = rig.http
                    .request(HttpMethod.POST, rig.running.adminPort(), "127.0.0.1", path)
                    .followRedirects(false);
            req.putHeader("Cookie", jar.header()).putHeader("X-Forwarded-For", ip);
            return jar.keep(Rig.await(req.sendForm(form)));
        }

        String csrf(String page) {
            Matcher m = CSRF.matcher(get(page).bodyAsString());
            assertThat(m.find()).as("a form on " + page).isTrue();
            return m.group(1);
        }

        HttpResponse<Buffer> signIn(String token) {
            String csrf = csrf("/console/login");
            return post(
                    "/console/login",
                    MultiMap.caseInsensitiveMultiMap().add("csrf", csrf).add("token", token));
        }
    }

    static String account() {
        return "/console/accounts/mobile/%2B375296000001";
    }

    static String status() {
        return rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/" + PHONE, null, Rig.ADMIN_TOKEN)
                .bodyAsJsonObject()
                .getString("status");
    }

    @Test
    void withoutASessionEveryPageAndActionLeadsToTheSignIn() {
        Desk d = new Desk("192.0.2.10");
        for (String path : List.of("/console", "/console/", "/console/?q=29", account())) {
            var r = d.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(303);
            assertThat(r.getHeader("Location")).as(path).startsWith("/console/");
        }
        assertThat(d.get(account()).getHeader("Location"))
                .isEqualTo("/console/login?next=%2Fconsole%2Faccounts%2Fmobile%2F%252B375296000001");
        // A POST without a session is not carried out, whatever its form holds.
        String csrf = d.csrf("/console/login");
        var post = d.post(
                account() + "/disable", MultiMap.caseInsensitiveMultiMap().add("csrf", csrf));
        assertThat(post.statusCode()).isEqualTo(303);
        assertThat(post.getHeader("Location")).isEqualTo("/console/login");
        assertThat(status()).isEqualTo("active");
        // A made-up console cookie, or the public pages' session cookie, is no session either.
        d.jar.put(SESSION, "A".repeat(43));
        d.jar.put("__Host-kordon-session", "B".repeat(64));
        assertThat(d.get("/console/").statusCode()).isEqualTo(303);
        // The bearer API is as it was: no console session opens it.
        assertThat(rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/" + PHONE, null, null)
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void theSessionCookieIsHostPrefixedSecureHttpOnlyStrictAndRedisKeepsOnlyItsHash() throws Exception {
        Desk d = new Desk("192.0.2.11");
        var login = d.get("/console/login");
        String csrfCookie = String.join("\n", login.cookies());
        assertThat(csrfCookie)
                .contains("__Host-kordon-console-csrf=")
                .contains("Secure")
                .containsIgnoringCase("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/")
                .doesNotContain("Domain=");
        var r = d.signIn(Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.getHeader("Location")).isEqualTo("/console/");
        String cookie = r.cookies().stream()
                .filter(c -> c.startsWith(SESSION + "="))
                .findFirst()
                .orElseThrow();
        assertThat(cookie)
                .contains("Secure")
                .containsIgnoringCase("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/")
                .contains("Max-Age=28800")
                .doesNotContain("Domain=");
        String id = LogCapture.secret(d.jar.get(SESSION));
        assertThat(id).hasSize(43);
        assertThat(d.get("/console/").statusCode()).isEqualTo(200);

        // Redis knows the session by the SHA-256 of the cookie, never the cookie itself.
        var redis = rig.running.wiring().redis();
        String sha = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));
        var keys = Rig.await(redis.send(Command.KEYS, rig.prefix + ":*"));
        boolean hashed = false;
        for (var k : keys) {
            String key = k.toString();
            assertThat(key).doesNotContain(id);
            hashed |= key.equals(redis.keys().consoleSession(sha));
            var type = Rig.await(redis.send(Command.TYPE, key)).toString();
            if ("string".equals(type)) {
                assertThat(String.valueOf(Rig.await(redis.send(Command.GET, key))))
                        .as(key)
                        .doesNotContain(id)
                        .doesNotContain(Rig.ADMIN_TOKEN);
            }
        }
        assertThat(hashed).as("a key named by the cookie's SHA-256").isTrue();
        long ttl = Rig.await(redis.send(Command.PTTL, redis.keys().consoleSession(sha)))
                .toLong();
        assertThat(ttl).isBetween(28_000_000L, 28_800_000L);

        // Signing in again makes a new session and ends the one this browser held.
        assertThat(d.signIn(Rig.ADMIN_TOKEN).statusCode()).isEqualTo(303);
        String renewed = LogCapture.secret(d.jar.get(SESSION));
        assertThat(renewed).isNotEqualTo(id);
        assertThat(Rig.await(redis.send(Command.EXISTS, redis.keys().consoleSession(sha)))
                        .toInteger())
                .isZero();
        Desk before = new Desk("192.0.2.11");
        before.jar.put(SESSION, id);
        assertThat(before.get("/console/").statusCode()).isEqualTo(303);
        id = renewed;
        sha = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));

        // Signing out ends it in Redis; the old cookie no longer opens anything.
        String csrf = d.csrf("/console/");
        var out = d.post("/console/logout", MultiMap.caseInsensitiveMultiMap().add("csrf", csrf));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.getHeader("Location")).isEqualTo("/console/login?out=1");
        assertThat(Rig.await(redis.send(Command.EXISTS, redis.keys().consoleSession(sha)))
                        .toInteger())
                .isZero();
        Desk stale = new Desk("192.0.2.11");
        stale.jar.put(SESSION, id);
        assertThat(stale.get("/console/").statusCode()).isEqualTo(303);
    }

    @Test
    void securityHeadersAndNoScriptOnEveryConsolePage() {
        Desk d = new Desk("192.0.2.12");
        d.signIn(Rig.ADMIN_TOKEN);
        for (String path : List.of("/console/login", "/console/", "/console/?q=29600", account())) {
            var r = d.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            String csp = r.getHeader("Content-Security-Policy");
            assertThat(csp)
                    .as(path)
                    .contains("frame-ancestors 'none'")
                    .contains("script-src 'self'")
                    .contains("style-src 'self'")
                    .contains("object-src 'none'")
                    .contains("base-uri 'none'")
                    .contains("form-action 'self'")
                    .doesNotContain("unsafe-inline");
            assertThat(r.headers().getAll("X-Frame-Options")).as(path).containsExactly("DENY");
            assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(r.getHeader("Cache-Control")).as(path).isEqualTo("no-store");
            assertThat(r.getHeader("Strict-Transport-Security")).isEqualTo("max-age=31536000; includeSubDomains");
            String html = r.bodyAsString();
            // No JavaScript at all, and nothing inline that the CSP would have to allow.
            assertThat(html)
                    .doesNotContain("<script")
                    .doesNotContain(" style=\"")
                    .doesNotContainPattern("\\son[a-z]+=\"");
        }
        assertThat(d.get("/console/?q=29600").bodyAsString()).contains("+375 29 600-00-01");
        // The stylesheet the console links is served here, under the same headers.
        var css = d.get("/static/kordon.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.getHeader("X-Frame-Options")).isEqualTo("DENY");
    }

    @Test
    void everyPostNeedsTheCsrfTokenOfItsOwnCookie() {
        Desk d = new Desk("192.0.2.13");
        // The sign-in form too: a token typed through someone else's form is refused.
        d.get("/console/login");
        assertThat(d.post("/console/login", MultiMap.caseInsensitiveMultiMap().add("token", Rig.ADMIN_TOKEN))
                        .statusCode())
                .isEqualTo(403);
        assertThat(d.jar).doesNotContainKey(SESSION);

        d.signIn(Rig.ADMIN_TOKEN);
        assertThat(d.jar).containsKey(SESSION);
        for (String action : List.of(
                "/disable", "/reset", "/resend", "/unlock", "/enable", "/sessions/" + "0".repeat(32) + "/end")) {
            var none = d.post(account() + action, MultiMap.caseInsensitiveMultiMap());
            assertThat(none.statusCode()).as(action).isEqualTo(403);
            var forged = d.post(
                    account() + action, MultiMap.caseInsensitiveMultiMap().add("csrf", "forged"));
            assertThat(forged.statusCode()).as(action).isEqualTo(403);
        }
        assertThat(d.post("/console/logout", MultiMap.caseInsensitiveMultiMap()).statusCode())
                .isEqualTo(403);
        assertThat(status()).isEqualTo("active");
        // A token is bound to the CSRF cookie it was made for. This desk has its own valid cookie; a
        // token valid for another desk's cookie does not fit it, and its own token does.
        Desk other = new Desk("192.0.2.13");
        other.jar.put(SESSION, d.jar.get(SESSION));
        String own = other.csrf(account());
        assertThat(other.jar.get(CSRF_COOKIE)).as("a CSRF cookie of its own").isNotNull();
        Desk third = new Desk("192.0.2.13");
        String foreign = third.csrf("/console/login");
        assertThat(third.jar.get(CSRF_COOKIE)).isNotNull().isNotEqualTo(other.jar.get(CSRF_COOKIE));
        assertThat(foreign).isNotEqualTo(own);
        assertThat(other.post(
                                account() + "/disable",
                                MultiMap.caseInsensitiveMultiMap().add("csrf", foreign))
                        .statusCode())
                .isEqualTo(403);
        assertThat(status()).isEqualTo("active");
        var withOwn = other.post(
                account() + "/unlock", MultiMap.caseInsensitiveMultiMap().add("csrf", own));
        assertThat(withOwn.statusCode()).as("the same desk with its own token").isEqualTo(303);

        // With its token, the same form works.
        String csrf = d.csrf(account());
        var done =
                d.post(account() + "/unlock", MultiMap.caseInsensitiveMultiMap().add("csrf", csrf));
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.getHeader("Location")).isEqualTo(account() + "?done=unlock");
    }

    @Test
    void aDisableOrAResetIsAskedFirstAndTheQuestionChangesNothing() {
        rig.account("+375296000002", LogCapture.secret("Console-Http-Confirm-1"));
        String page = "/console/accounts/mobile/%2B375296000002";
        Desk d = new Desk("192.0.2.17");
        d.signIn(Rig.ADMIN_TOKEN);
        for (String action : List.of("disable", "reset")) {
            var asked = d.post(
                    page + "/" + action, MultiMap.caseInsensitiveMultiMap().add("csrf", d.csrf(page)));
            assertThat(asked.statusCode()).as(action).isEqualTo(200);
            assertThat(asked.bodyAsString())
                    .contains("name=\"confirmed\" value=\"yes\"")
                    .contains("action=\"" + page + "/" + action + "\"");
            assertThat(rig.login("+375296000002", "Console-Http-Confirm-1").statusCode())
                    .as(action)
                    .isEqualTo(200);
        }
        var done = d.post(
                page + "/disable",
                MultiMap.caseInsensitiveMultiMap().add("csrf", d.csrf(page)).add("confirmed", "yes"));
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.getHeader("Location")).isEqualTo(page + "?done=disable");
        assertThat(rig.login("+375296000002", "Console-Http-Confirm-1").statusCode())
                .isEqualTo(401);
    }

    @Test
    void wrongTokensAreThrottledPerClientAndOnlyWrongOnesCount() {
        // Right tokens give their place back: an operator signing in often is never refused.
        Desk often = new Desk("198.51.100.20");
        for (int i = 0; i < 5; i++) {
            assertThat(often.signIn(Rig.ADMIN_TOKEN).statusCode()).isEqualTo(303);
        }
        Desk guesser = new Desk("198.51.100.21");
        for (int i = 0; i < 3; i++) {
            var r = guesser.signIn("guess-" + i + "-" + Rig.ADMIN_TOKEN.substring(6));
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.bodyAsString()).contains("Неверный токен.");
            assertThat(guesser.jar).doesNotContainKey(SESSION);
        }
        // The fourth try is not even compared: not a guess, nor the right token, from that client.
        var refused = guesser.signIn(Rig.ADMIN_TOKEN);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.getHeader("Retry-After")).isNotNull();
        assertThat(refused.bodyAsString()).contains("Слишком много неверных токенов");
        assertThat(guesser.jar).doesNotContainKey(SESSION);
        // Another client is not held up by it.
        assertThat(new Desk("198.51.100.22").signIn(Rig.ADMIN_TOKEN).statusCode())
                .isEqualTo(303);
        // Every wrong token is in the audit trail.
        long failed = dev.kordon.support.Await.until(
                java.time.Duration.ofSeconds(5),
                () -> Rig.await(rig.running
                                .wiring()
                                .pg()
                                .query(
                                        "SELECT count(*) FROM audit_events WHERE event = 'console.sign_in_failed' AND ip = '198.51.100.21'")
                                .execute())
                        .iterator()
                        .next()
                        .getLong(0),
                n -> n >= 4);
        assertThat(failed).isEqualTo(4);
    }

    @Test
    void aSignInLeadsBackOnlyToAConsolePage() {
        Desk d = new Desk("192.0.2.14");
        String csrf = d.csrf("/console/login?next=%2Fconsole%2F%3Fq%3D29");
        var back = d.post(
                "/console/login",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf)
                        .add("token", Rig.ADMIN_TOKEN)
                        .add("next", "/console/?q=29"));
        assertThat(back.getHeader("Location")).isEqualTo("/console/?q=29");
        for (String evil : List.of(
                "https://evil.example/",
                "//evil.example/console/",
                "/console//evil.example",
                "/metrics",
                "/console/login",
                "/console/\\evil")) {
            Desk e = new Desk("192.0.2.15");
            String t = e.csrf("/console/login");
            var r = e.post(
                    "/console/login",
                    MultiMap.caseInsensitiveMultiMap()
                            .add("csrf", t)
                            .add("token", Rig.ADMIN_TOKEN)
                            .add("next", evil));
            assertThat(r.getHeader("Location")).as(evil).isEqualTo("/console/");
        }
    }

    @Test
    void englishByTheLanguageResolver() {
        Desk d = new Desk("192.0.2.16");
        assertThat(d.get("/console/login?lang=en").bodyAsString())
                .contains("<html lang=\"en\">")
                .contains("Admin token");
        assertThat(d.get("/console/login").bodyAsString())
                .contains("<html lang=\"ru\">")
                .contains("Токен администратора");
    }
}
