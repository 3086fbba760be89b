package dev.kordon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kordon.Main;
import dev.kordon.support.Await;
import dev.kordon.support.LogEvents;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class OperationsTest {
    @Test
    void healthChecksPostgresAndRedis() {
        try (Rig rig = Rig.start()) {
            var live = rig.get("/health/live", null);
            assertThat(live.statusCode()).isEqualTo(200);
            var ready = rig.get("/health/ready", null);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.bodyAsJsonObject().getJsonObject("checks"))
                    .isEqualTo(new JsonObject().put("postgres", "UP").put("redis", "UP"));
            // Nothing under /dev outside dev mode.
            assertThat(rig.get("/dev/outbox", null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void prometheusMetrics() {
        try (Rig rig = Rig.start()) {
            rig.account("+375291300009", "Metrics-Password-9");
            rig.login("+375291300009", "Metrics-Password-9");
            rig.login("+375291300009", "wrong-metrics-password");
            // The server records a request once its answer is sent, which can be after the client has it.
            var metrics = Await.until(
                    Duration.ofSeconds(10),
                    () -> rig.admin(io.vertx.core.http.HttpMethod.GET, "/metrics", null, null),
                    m -> m.statusCode() == 200
                            && m.bodyAsString().contains("kordon_security_events_total{event=\"login.failure\"} 1.0")
                            && m.bodyAsString().contains("vertx_http_server_requests_total"));
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.bodyAsString())
                    .contains("kordon_security_events_total{event=\"login.success\"} 1.0")
                    .contains("kordon_security_events_total{event=\"login.failure\"} 1.0")
                    .contains("vertx_http_server_requests_total")
                    .contains("jvm_memory_used_bytes")
                    .contains("kordon_credential_shed_total");
        }
    }

    @Test
    void metricsAnswer404OnThePublicPortAnd200OnTheAdminPort() {
        try (Rig rig = Rig.start()) {
            assertThat(rig.get("/metrics", null).statusCode()).isEqualTo(404);
            assertThat(rig.admin(io.vertx.core.http.HttpMethod.GET, "/metrics", null, null)
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    /** One raw HTTP/1.1 exchange: what the server sends back before it closes or goes quiet for a second. */
    static String raw(int port, String request) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(1000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = s.getInputStream().read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (java.net.SocketTimeoutException quiet) {
                // the answer is complete; the connection stays open for the next request
            }
            return got.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** Milliseconds until the server closes a connection that got {@code start}, then one byte every 200 ms. */
    static long closedAfterMillis(int port, String start, long giveUpMillis) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            long t0 = System.nanoTime();
            var out = s.getOutputStream();
            out.write(start.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            s.setSoTimeout(200);
            while ((System.nanoTime() - t0) / 1_000_000 < giveUpMillis) {
                try {
                    if (s.getInputStream().read() < 0) {
                        return (System.nanoTime() - t0) / 1_000_000;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    try {
                        out.write('a');
                        out.flush();
                    } catch (java.io.IOException reset) {
                        return (System.nanoTime() - t0) / 1_000_000;
                    }
                } catch (java.io.IOException reset) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
            }
            return Long.MAX_VALUE;
        }
    }

    @Test
    void aClientDrippingItsRequestHeadersIsCutOffAfterTheHeaderTimeoutOnBothPorts() throws Exception {
        try (Rig rig = Rig.builder()
                .set("http.header-timeout", "1s")
                .set("http.idle-timeout", "60s")
                .start()) {
            for (int port : List.of(rig.running.httpPort(), rig.running.adminPort())) {
                assertThat(closedAfterMillis(port, "GET /health/live HTTP/1.1\r\nX-Slow: ", 6000))
                        .as("port " + port)
                        .isBetween(800L, 3000L);
            }
        }
    }

    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeoutOnBothPorts() throws Exception {
        try (Rig rig = Rig.builder()
                .set("http.idle-timeout", "1s")
                .set("http.header-timeout", "60s")
                .start()) {
            for (int port : List.of(rig.running.httpPort(), rig.running.adminPort())) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    long t0 = System.nanoTime();
                    s.getOutputStream().write("GET /health/li".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.setSoTimeout(6000);
                    int read;
                    try {
                        read = s.getInputStream().read();
                    } catch (java.net.SocketException reset) {
                        read = -1;
                    }
                    assertThat(read).as("port " + port).isEqualTo(-1);
                    assertThat((System.nanoTime() - t0) / 1_000_000)
                            .as("port " + port)
                            .isBetween(800L, 3000L);
                }
            }
        }
    }

    @Test
    void thePublicPortBindsEveryInterfaceAndTheAdminPortOnlyAdminHostLoopbackByDefault() throws Exception {
        var external = TestServers.nonLoopbackAddress();
        try (Rig rig = Rig.start()) {
            assertThat(TestServers.accepts(external, rig.running.httpPort())).isTrue();
            assertThat(TestServers.accepts(external, rig.running.adminPort())).isFalse();
            assertThat(TestServers.accepts(java.net.InetAddress.getLoopbackAddress(), rig.running.adminPort()))
                    .isTrue();
        }
        try (Rig rig = Rig.builder()
                .set("admin.host", external.getHostAddress())
                .set("http.host", "127.0.0.1")
                .start()) {
            assertThat(TestServers.accepts(external, rig.running.adminPort())).isTrue();
            assertThat(TestServers.accepts(external, rig.running.httpPort())).isFalse();
        }
    }

    @Test
    void anH2cUpgradeRequestOnThePublicPortGetsAPlainHttp11AnswerNot101() throws Exception {
        try (Rig rig = Rig.start()) {
            String answer = raw(
                    rig.running.httpPort(),
                    "GET /health/live HTTP/1.1\r\nHost: localhost\r\n"
                            + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 200 ").doesNotContain("101 Switching Protocols");
        }
    }

    @Test
    void notReadyWhileRedisIsUnreachable() {
        try (Rig rig = Rig.builder()
                .set("redis.url", "redis://127.0.0.1:" + TestServers.freePort())
                .start()) {
            var ready = rig.get("/health/ready", null);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.bodyAsJsonObject().getJsonObject("checks").getString("redis"))
                    .isEqualTo("DOWN");
            assertThat(ready.bodyAsJsonObject().getJsonObject("checks").getString("postgres"))
                    .isEqualTo("UP");
            // A sign-in that needs Redis fails closed, as a problem, never a success or a stack trace.
            rig.account("+375291300001", "Closed-failure-pass-1");
            var login = rig.login("+375291300001", "Closed-failure-pass-1");
            assertThat(login.statusCode()).isEqualTo(503);
            assertThat(login.getHeader("Retry-After")).isNotNull();
            assertThat(login.getHeader("Content-Type")).isEqualTo("application/problem+json");
            assertThat(login.bodyAsString()).doesNotContain("Exception");
        }
    }

    @Test
    void stopDrainsRequestsInFlight() {
        Rig rig = Rig.builder()
                .set("hash.memory-kib", 262144)
                .set("hash.iterations", 3)
                .start();
        rig.account("+375291300002", "Drain-test-password-1");
        Future<HttpResponse<Buffer>> inFlight = rig.loginAsync("+375291300002", "Drain-test-password-1");
        sleep(150);
        Future<Void> stopping = rig.running.stop();
        HttpResponse<Buffer> answer = Rig.await(inFlight);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.bodyAsJsonObject().getString("access_token")).isNotBlank();
        Rig.await(stopping);
        assertThatThrownBy(() -> Rig.await(io.vertx.core.Vertx.vertx()
                        .createHttpClient()
                        .request(io.vertx.core.http.HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/health/live")
                        .compose(req -> req.send())))
                .isInstanceOf(RuntimeException.class);
        rig.closeStopped();
    }

    @Test
    void sigtermDrainAnswersNotReadyWhileThePortStillServesThenCloses() throws Exception {
        Rig rig = Rig.builder()
                .set("http.drain-delay", "1500ms")
                .set("http.shutdown-grace", "5s")
                .start();
        rig.account("+375291300003", "Drain-test-password-2");
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("drain-test");
        log.setAdditive(false);
        LogEvents drainLog = LogEvents.of("drain-test");
        Thread sigterm = new Thread(() -> Main.drainAndStop(rig.running, rig.config.http(), log));
        sigterm.start();
        assertThat(Await.until(Duration.ofSeconds(5), () -> rig.running.drain().draining()))
                .isTrue();

        HttpResponse<Buffer> ready = rig.get("/health/ready", null);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("DRAINING");
        // Still serving: a sign-in that arrives now is answered, on a connection that then closes.
        HttpResponse<Buffer> login = rig.login("+375291300003", "Drain-test-password-2");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.getHeader("Connection")).isEqualTo("close");
        assertThat(rig.get("/health/live", null).statusCode()).isEqualTo(200);

        sigterm.join(15_000);
        assertThat(sigterm.isAlive()).isFalse();
        assertThatThrownBy(() -> Rig.await(io.vertx.core.Vertx.vertx()
                        .createHttpClient()
                        .request(io.vertx.core.http.HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/health/live")
                        .compose(req -> req.send())))
                .isInstanceOf(RuntimeException.class);
        List<String> lines = drainLog.messages();
        drainLog.close();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("SIGTERM: draining");
        assertThat(lines.get(2)).startsWith("stopped ");
        rig.closeStopped();
    }

    @Test
    void aConnectionAcceptedBeforeThePortClosesStillGetsItsRequestAnsweredWhileNewConnectionsAreRefused()
            throws Exception {
        Rig rig = Rig.builder()
                .set("http.drain-delay", "300ms")
                .set("http.shutdown-grace", "5s")
                .start();
        int port = rig.running.httpPort();
        ch.qos.logback.classic.Logger log =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("drain-accepted-test");
        log.setLevel(ch.qos.logback.classic.Level.OFF);
        try (java.net.Socket early = new java.net.Socket("127.0.0.1", port)) {
            // Accepted and idle, as a proxy's fresh connection is in the moment before its request lands.
            sleep(200);
            Thread sigterm = new Thread(() -> Main.drainAndStop(rig.running, rig.config.http(), log));
            sigterm.start();
            long t0 = System.nanoTime();
            boolean refused = false;
            while (!refused && System.nanoTime() - t0 < 3_000_000_000L) {
                try (java.net.Socket probe = new java.net.Socket()) {
                    probe.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
                    sleep(20);
                } catch (java.net.ConnectException e) {
                    refused = true;
                }
            }
            assertThat(refused)
                    .as("new connections refused once the drain delay is over")
                    .isTrue();

            early.getOutputStream()
                    .write("GET /health/live HTTP/1.1\r\nHost: kordon\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            early.setSoTimeout(5_000);
            String answer =
                    new String(early.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
            sigterm.join(15_000);
            assertThat(sigterm.isAlive()).isFalse();
        }
        rig.closeStopped();
    }

    @Test
    void startingAndServingLogsNoWarningAboutVertxGaugesRegisteredAgain() {
        try (Rig rig = Rig.start()) {
            rig.account("+375291300010", "Metrics-Password-10");
            assertThat(rig.login("+375291300010", "Metrics-Password-10").statusCode())
                    .isEqualTo(200);
            assertThat(rig.admin(io.vertx.core.http.HttpMethod.GET, "/metrics", null, null)
                            .bodyAsString())
                    .contains("vertx_eventbus_handlers");
        }
        // Every Rig of this JVM so far, this one included: Redis, Postgres and SMTP clients, event-bus handlers.
        assertThat(dev.kordon.support.LogCapture.linesWith("has been already registered"))
                .isEmpty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
