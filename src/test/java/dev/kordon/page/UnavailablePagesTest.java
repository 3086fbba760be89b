package dev.kordon.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.CookieJar;
import dev.kordon.support.Rig;
import dev.kordon.support.Scrape;
import dev.kordon.support.TestServers;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * With Redis or Postgres gone a browser is told, on a page in the pages' own frame, to come back:
 * never a raw problem+json, and never a 500 as if Kordon were at fault. The public pages and the operator console alike; the API keeps its problem+json.
 */
class UnavailablePagesTest {
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    /** A browser's cookie jar on one port. */
    static final class Browser {
        final Rig rig;
        final int port;
        final CookieJar jar = new CookieJar();

        Browser(Rig rig, int port) {
            this.rig = rig;
            this.port = port;
        }

        HttpResponse<Buffer> get(String path) {
            return jar.keep(Rig.await(rig.http
                    .request(HttpMethod.GET, port, "127.0.0.1", path)
                    .followRedirects(false)
                    .putHeader("Cookie", jar.header())
                    .send()));
        }

        HttpResponse<Buffer> post(String path, MultiMap form) {
            return jar.keep(Rig.await(rig.http
                    .request(HttpMethod.POST, port, "127.0.0.1", path)
                    .followRedirects(false)
                    .putHeader("Cookie", jar.header())
                    .sendForm(form)));
        }

        String csrf(String page) {
            Matcher m = CSRF.matcher(get(page).bodyAsString());
            assertThat(m.find()).as("a form on " + page).isTrue();
            return m.group(1);
        }
    }

    static void assertUnavailablePage(HttpResponse<Buffer> r, String says) {
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.getHeader("Content-Type")).startsWith("text/html");
        assertThat(r.getHeader("Retry-After")).isEqualTo("1");
        assertThat(r.getHeader("Content-Security-Policy")).contains("default-src");
        assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
        assertThat(r.bodyAsString())
                .contains("<html")
                .contains(says)
                .doesNotContain("Exception")
                .doesNotContain("urn:kordon:problem");
    }

    /**
     * With a customer and a desk signed in on {@code rig}, {@code outage} takes a dependency away:
     * the public pages and the console then answer with a page that says come back, the API with its
     * problem+json, and none of it counts as a fault.
     */
    static void pagesSayComeBackThrough(Rig rig, String phone, Runnable outage) {
        rig.account(phone, null);
        String typed = phone.substring("+375".length());
        Browser customer = new Browser(rig, rig.running.httpPort());
        String recovery = customer.csrf("/password/forgot?lang=en");
        String login = customer.csrf("/login?lang=en");
        Browser desk = new Browser(rig, rig.running.adminPort());
        String console = desk.csrf("/console/login?lang=en");
        HttpResponse<Buffer> signedIn = desk.post(
                "/console/login?lang=en",
                MultiMap.caseInsensitiveMultiMap().add("csrf", console).add("token", Rig.ADMIN_TOKEN));
        assertThat(signedIn.statusCode()).isEqualTo(303);

        outage.run();
        String comeBack = "temporarily unavailable";
        assertUnavailablePage(
                customer.post(
                        "/password/forgot",
                        MultiMap.caseInsensitiveMultiMap()
                                .add("csrf", recovery)
                                .add("lang", "en")
                                .add("category", "mobile")
                                .add("login", typed)
                                .add("channel", "email")),
                comeBack);
        assertUnavailablePage(
                customer.post(
                        "/login",
                        MultiMap.caseInsensitiveMultiMap()
                                .add("csrf", login)
                                .add("lang", "en")
                                .add("mode", "password")
                                .add("category", "mobile")
                                .add("login", typed)
                                .add("password", "Whatever-Password-9")),
                comeBack);
        assertUnavailablePage(desk.get("/console/?lang=en&q=29700"), comeBack);
        // The API is not a page: it keeps its problem+json.
        HttpResponse<Buffer> api =
                rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/" + phone, null, Rig.ADMIN_TOKEN);
        assertThat(api.statusCode()).isEqualTo(503);
        assertThat(api.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(Scrape.of(rig).value("kordon_internal_errors_total"))
                .as("an outage is no fault")
                .isZero();
    }

    @Test
    void withRedisGoneThePublicPagesAndTheConsoleAnswerWithAPageThatSaysComeBack() throws Exception {
        int port = TestServers.freePort();
        RedisServer redis = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .build();
        redis.start();
        try (Rig rig = Rig.builder()
                .set("redis.url", "redis://127.0.0.1:" + port)
                .set("redis.command-timeout", "500ms")
                .start()) {
            pagesSayComeBackThrough(rig, "+375297000006", () -> stop(redis));
        } finally {
            redis.stop();
        }
    }

    @Test
    void withPostgresGoneThePublicPagesAndTheConsoleAnswerWithAPageThatSaysComeBack() throws Exception {
        Path data = Files.createTempDirectory("kordon-pg-pages");
        int port = TestServers.freePort();
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(true)
                .setPort(port)
                .start();
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE kordon");
        }
        try (Rig rig = Rig.builder()
                .set("pg.url", "postgresql://postgres:postgres@127.0.0.1:" + port + "/kordon")
                .start()) {
            pagesSayComeBackThrough(rig, "+375297000007", () -> close(pg));
        } finally {
            pg.close();
        }
    }

    private static void stop(RedisServer redis) {
        try {
            redis.stop();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void close(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
