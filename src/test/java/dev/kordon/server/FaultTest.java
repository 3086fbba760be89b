package dev.kordon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.store.Keys;
import dev.kordon.support.CookieJar;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.Scrape;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.redis.client.Command;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fault in Kordon (here: a browser session record it cannot read, as a bug in its writer would
 * leave) is answered 500, logged at ERROR with its stack and the request's id, and counted for
 * the alert; it is not dressed up as an outage (503 Retry-After), which would send everyone to
 * look at Redis.
 */
class FaultTest {
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final String PASSWORD = LogCapture.secret("Fault-test-password-1");
    static Rig rig;

    @BeforeAll
    static void up() {
        rig = Rig.builder().set("cookie.secure", false).start();
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    /** Signs {@code phone} in through the pages and spoils its session record in Redis, unread. */
    static String spoiledSession(String phone) {
        Account account = rig.account(phone, PASSWORD);
        CookieJar jar = new CookieJar();
        var page = jar.keep(Rig.await(rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/login")
                .send()));
        Matcher m = CSRF.matcher(page.bodyAsString());
        assertThat(m.find()).isTrue();
        var signIn = jar.keep(Rig.await(rig.http
                .request(HttpMethod.POST, rig.running.httpPort(), "127.0.0.1", "/login")
                .putHeader("Cookie", jar.header())
                .followRedirects(false)
                .sendForm(MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", m.group(1))
                        .add("mode", "password")
                        .add("category", "mobile")
                        .add("login", phone)
                        .add("password", PASSWORD))));
        assertThat(signIn.statusCode()).isEqualTo(303);
        String session = LogCapture.secret(jar.get("kordon-session"));
        String key = rig.running.wiring().redis().keys().browserSession(account.id(), Keys.hashed(session));
        var set = Rig.await(rig.running.wiring().redis().send(Command.SET, key, "{not json", "XX"));
        assertThat(set).as("the session record existed and was overwritten").isNotNull();
        return session;
    }

    static double faults() {
        return Scrape.of(rig).value("kordon_internal_errors_total");
    }

    @Test
    void aFaultIsA500WithItsStackAndRequestIdInTheLogAndCountedNotA503() {
        String session = spoiledSession("+375291900001");
        double before = faults();
        var answer = Rig.await(rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/auth/verify")
                .putHeader("Cookie", "kordon-session=" + session)
                .send());
        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.getHeader("Retry-After"))
                .as("a fault is no outage to come back from")
                .isNull();
        assertThat(answer.getHeader("Content-Type")).startsWith(Problems.MEDIA_TYPE);
        assertThat(answer.bodyAsJsonObject().getString("code")).isEqualTo("internal");
        assertThat(answer.bodyAsString())
                .as("nothing of the stack leaves")
                .doesNotContain("DecodeException")
                .doesNotContain("at ");
        String id = answer.getHeader(RequestIds.HEADER);
        List<String> lines = LogCapture.linesWith("request " + id + " failed through a fault in Kordon");
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .contains("ERROR")
                .contains("GET /auth/verify")
                .contains("DecodeException")
                .containsPattern("\\n\\s+at [a-z]");
        assertThat(faults()).isEqualTo(before + 1);
    }
}
