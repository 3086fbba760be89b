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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The operator console over plain HTTP on the admin port, with production cookie settings (Secure,
 * {@code __Host-}): one Kordon per test class, one account, and the operator's browser ({@link Desk}).
 */
abstract class ConsoleOverHttp {
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
}
