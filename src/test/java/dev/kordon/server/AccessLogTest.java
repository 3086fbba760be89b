package dev.kordon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The access log: each request leaves exactly one line, with its method, route template, status,
 * bytes, duration, client address and request and trace ids, written once the answer has gone;
 * never the path's own values, a query string, a cookie or a token.
 */
class AccessLogTest {
    static final String PASSWORD = LogCapture.secret("Access-log-password-1");
    static final String PHONE = "+375291800001";
    static Rig rig;

    @BeforeAll
    static void up() {
        rig = Rig.builder().set("log.access", true).start();
        rig.account(PHONE, PASSWORD);
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    /** The one access line of the request {@code answer} answered, once written. */
    static Map<String, String> lineOf(HttpResponse<Buffer> answer) {
        String id = answer.getHeader(RequestIds.HEADER);
        assertThat(id).isNotNull();
        List<Map<String, String>> lines = Await.until(
                Duration.ofSeconds(5),
                () -> LogCapture.fieldsOf(AccessLog.LOGGER).stream()
                        .filter(f -> id.equals(f.get("request_id")))
                        .toList(),
                l -> !l.isEmpty());
        Await.hold(Duration.ofMillis(100));
        assertThat(LogCapture.fieldsOf(AccessLog.LOGGER).stream().filter(f -> id.equals(f.get("request_id"))))
                .as("exactly one line for request " + id)
                .hasSize(1);
        return lines.get(0);
    }

    @Test
    void aSignInLeavesOneLineWithItsRouteStatusSizeTimeClientAndIdsButNoSecret() {
        HttpResponse<Buffer> answer = Rig.await(rig.http
                .request(
                        HttpMethod.POST,
                        rig.running.httpPort(),
                        "127.0.0.1",
                        "/api/v1/login/password?utm=campaign-query-7")
                .putHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .putHeader("Cookie", "kordon-session=cookie-value-never-logged")
                .sendJsonObject(new JsonObject()
                        .put("category", "mobile")
                        .put("login", PHONE)
                        .put("password", PASSWORD)));
        assertThat(answer.statusCode()).isEqualTo(200);
        String access = LogCapture.secret(answer.bodyAsJsonObject().getString("access_token"));
        Map<String, String> line = lineOf(answer);
        assertThat(line)
                .containsEntry("method", "POST")
                .containsEntry("route", "/api/v1/login/password")
                .containsEntry("status", "200")
                .containsEntry("bytes", Integer.toString(answer.body().length()))
                .containsEntry("client", "127.0.0.1")
                .containsEntry("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(Double.parseDouble(line.get("duration_ms"))).isGreaterThan(0);
        assertThat(line.toString())
                .doesNotContain("utm")
                .doesNotContain("campaign-query-7")
                .doesNotContain("cookie-value-never-logged")
                .doesNotContain(PASSWORD)
                .doesNotContain(access)
                .doesNotContain("291800001");
    }

    @Test
    void aPathWithALoginInItIsLoggedByItsTemplate() {
        var answer = rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/" + PHONE, null, Rig.ADMIN_TOKEN);
        assertThat(answer.statusCode()).isEqualTo(200);
        Map<String, String> line = lineOf(answer);
        assertThat(line)
                .containsEntry("route", "/admin/v1/accounts/:category/:login")
                .containsEntry("status", "200");
        assertThat(line.toString()).doesNotContain("291800001");
        assertThat(LogCapture.linesWith("291800001").stream().filter(l -> l.contains(line.get("request_id"))))
                .isEmpty();
    }

    @Test
    void aRefusalAnsweredByTheFailureHandlerStillNamesTheRouteItWasFor() {
        var answer = rig.post(
                "/api/v1/login/password",
                new JsonObject().put("category", "mobile").put("login", PHONE).put("password", "Wrong-password-9"));
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(lineOf(answer))
                .containsEntry("route", "/api/v1/login/password")
                .containsEntry("status", "401")
                .containsEntry("bytes", Integer.toString(answer.body().length()));
        var me = rig.get("/api/v1/me", "not-a-token");
        assertThat(me.statusCode()).isEqualTo(401);
        assertThat(lineOf(me)).containsEntry("route", "/api/v1/me").containsEntry("method", "GET");
    }

    @Test
    void aPathNoRouteServesIsLoggedWithoutItsPath() {
        var answer = Rig.await(rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/no/such/page/+375291800001")
                .send());
        assertThat(answer.statusCode()).isEqualTo(404);
        Map<String, String> line = lineOf(answer);
        assertThat(line).containsEntry("status", "404").containsEntry("route", "-");
    }

    @Test
    void durationsAreMillisecondsWithThreeDecimals() {
        assertThat(AccessLog.millis(5)).isEqualTo("0.005");
        assertThat(AccessLog.millis(70)).isEqualTo("0.070");
        assertThat(AccessLog.millis(1000)).isEqualTo("1.000");
        assertThat(AccessLog.millis(12_345)).isEqualTo("12.345");
    }

    @Test
    void theAccessLogIsOnByDefaultAndASettingTurnsItOff() {
        Path file = Path.of("conf", "kordon.yaml");
        assertThat(KordonConfig.Log.from(ConfigTree.load(file, Map.of())).access())
                .isTrue();
        assertThat(KordonConfig.Log.from(ConfigTree.load(file, Map.of("KORDON_LOG_ACCESS", "false")))
                        .access())
                .isFalse();
        try (Rig quiet = Rig.start()) {
            var answer = Rig.await(quiet.http
                    .request(HttpMethod.GET, quiet.running.httpPort(), "127.0.0.1", "/health/live")
                    .send());
            assertThat(answer.statusCode()).isEqualTo(200);
            String id = answer.getHeader(RequestIds.HEADER);
            Await.hold(Duration.ofMillis(300));
            assertThat(LogCapture.fieldsOf(AccessLog.LOGGER).stream().filter(f -> id.equals(f.get("request_id"))))
                    .isEmpty();
        }
    }
}
