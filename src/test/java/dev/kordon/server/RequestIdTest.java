package dev.kordon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** X-Request-Id on every answer, the trusted proxy's id and a caller's trace honoured, and the id in the log and the audit. */
class RequestIdTest {
    static final String FRESH = "[0-9a-f]{32}";
    static Rig rig;

    @BeforeAll
    static void up() {
        // Loopback is the trusted proxy here; the untrusted case is the same request from a Rig that trusts no one.
        rig = Rig.builder().set("http.trusted-proxies", List.of("127.0.0.1")).start();
        rig.account("+375291700001", "Request-Id-Password-1");
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void everyAnswerCarriesAFreshRequestIdOnBothPorts() {
        List<String> ids = new ArrayList<>();
        ids.add(rig.login("+375291700001", "Request-Id-Password-1").getHeader(RequestIds.HEADER));
        ids.add(rig.login("+375291700001", "wrong-password-1").getHeader(RequestIds.HEADER));
        ids.add(rig.get("/api/v1/me", null).getHeader(RequestIds.HEADER));
        ids.add(rig.get("/no/such/page", null).getHeader(RequestIds.HEADER));
        ids.add(rig.get("/login", null).getHeader(RequestIds.HEADER));
        ids.add(rig.get("/health/ready", null).getHeader(RequestIds.HEADER));
        ids.add(rig.postRaw("/api/v1/login/password", "text/plain", io.vertx.core.buffer.Buffer.buffer("x"))
                .getHeader(RequestIds.HEADER));
        ids.add(rig.admin(HttpMethod.GET, "/metrics", null, null).getHeader(RequestIds.HEADER));
        ids.add(rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/+375291700001", null, "wrong")
                .getHeader(RequestIds.HEADER));
        assertThat(ids).allSatisfy(id -> assertThat(id).matches(FRESH));
        assertThat(new HashSet<>(ids)).hasSameSizeAs(ids);
    }

    @Test
    void theTrustedProxysIdIsKeptAndAnUntrustedOrMalformedOneReplaced() {
        var kept = rig.post(
                "/api/v1/login/password",
                login("wrong-password-2"),
                MultiMap.caseInsensitiveMultiMap().add(RequestIds.HEADER, "edge-4f2a.17"));
        assertThat(kept.getHeader(RequestIds.HEADER)).isEqualTo("edge-4f2a.17");
        var malformed = rig.post(
                "/api/v1/login/password",
                login("wrong-password-2"),
                MultiMap.caseInsensitiveMultiMap().add(RequestIds.HEADER, "id with spaces {and} braces"));
        assertThat(malformed.getHeader(RequestIds.HEADER)).matches(FRESH);
        try (Rig trustsNoOne = Rig.start()) {
            var replaced = trustsNoOne.post(
                    "/api/v1/login/password",
                    login("wrong-password-2"),
                    MultiMap.caseInsensitiveMultiMap().add(RequestIds.HEADER, "edge-4f2a.17"));
            assertThat(replaced.getHeader(RequestIds.HEADER)).matches(FRESH);
        }
    }

    @Test
    void aCallersTraceIsContinuedInTheTraceparentAuthVerifyHandsOn() {
        String access = rig.login("+375291700001", "Request-Id-Password-1")
                .bodyAsJsonObject()
                .getString("access_token");
        LogCapture.secret(access);
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        var verify = Rig.await(rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/auth/verify")
                .putHeader("Authorization", "Bearer " + access)
                .putHeader("traceparent", "00-" + trace + "-00f067aa0ba902b7-01")
                .send());
        assertThat(verify.statusCode()).isEqualTo(200);
        assertThat(verify.getHeader("traceparent"))
                .matches("00-" + trace + "-[0-9a-f]{16}-01")
                .doesNotContain("00f067aa0ba902b7");
        var fresh = Rig.await(rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/auth/verify")
                .putHeader("Authorization", "Bearer " + access)
                .putHeader("traceparent", "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01")
                .send());
        assertThat(fresh.getHeader("traceparent"))
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00")
                .doesNotContain("0".repeat(32));
    }

    @Test
    void theAuditEventAndItsLogLineNameTheRequestId() {
        String id = "audit-" + System.nanoTime();
        var answer = rig.post(
                "/api/v1/login/password",
                login("wrong-password-3"),
                MultiMap.caseInsensitiveMultiMap().add(RequestIds.HEADER, id));
        assertThat(answer.statusCode()).isEqualTo(401);
        List<String> stored = Await.until(
                Duration.ofSeconds(10),
                () -> {
                    List<String> ids = new ArrayList<>();
                    Rig.await(rig.running
                                    .wiring()
                                    .pg()
                                    .preparedQuery(
                                            "SELECT request_id FROM audit_events WHERE event = 'login.failure' AND request_id = $1")
                                    .execute(Tuple.of(id)))
                            .forEach(r -> ids.add(r.getString("request_id")));
                    return ids;
                },
                l -> !l.isEmpty());
        assertThat(stored).containsExactly(id);
        assertThat(LogCapture.linesWith("\"request_id\":\"" + id + "\"")).hasSize(1);
    }

    private static JsonObject login(String password) {
        return new JsonObject()
                .put("category", "mobile")
                .put("login", "+375291700001")
                .put("password", password);
    }
}
