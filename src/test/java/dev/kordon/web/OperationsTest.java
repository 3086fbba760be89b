package dev.kordon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

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
      dev.kordon.support.Mailbox.sleep(300);
      var metrics = rig.get("/metrics", null);
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.bodyAsString())
          .contains("kordon_security_events_total{event=\"login.success\"} 1.0")
          .contains("kordon_security_events_total{event=\"login.failure\"} 1.0")
          .contains("vertx_http_server_requests_total")
          .contains("jvm_memory_used_bytes")
          .contains("kordon_credential_shed_total");
      assertThat(Rig.await(rig.http.request(io.vertx.core.http.HttpMethod.GET, rig.running.adminPort(), "127.0.0.1",
          "/metrics").send()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void notReadyWhileRedisIsUnreachable() {
    try (Rig rig = Rig.builder().set("redis.url", "redis://127.0.0.1:" + TestServers.freePort()).start()) {
      var ready = rig.get("/health/ready", null);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.bodyAsJsonObject().getJsonObject("checks").getString("redis")).isEqualTo("DOWN");
      assertThat(ready.bodyAsJsonObject().getJsonObject("checks").getString("postgres")).isEqualTo("UP");
      // A sign-in that needs Redis fails closed, as a problem, never a success or a stack trace.
      rig.account("+375291300001", "Closed-failure-pass-1");
      var login = rig.login("+375291300001", "Closed-failure-pass-1");
      assertThat(login.statusCode()).isGreaterThanOrEqualTo(500);
      assertThat(login.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(login.bodyAsString()).doesNotContain("Exception");
    }
  }

  @Test
  void stopDrainsRequestsInFlight() {
    Rig rig = Rig.builder().set("hash.memory-kib", 262144).set("hash.iterations", 3).start();
    rig.account("+375291300002", "Drain-test-password-1");
    Future<HttpResponse<Buffer>> inFlight = rig.loginAsync("+375291300002", "Drain-test-password-1");
    sleep(150);
    Future<Void> stopping = rig.running.stop();
    HttpResponse<Buffer> answer = Rig.await(inFlight);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.bodyAsJsonObject().getString("access_token")).isNotBlank();
    Rig.await(stopping);
    assertThatThrownBy(() -> Rig.await(io.vertx.core.Vertx.vertx().createHttpClient()
        .request(io.vertx.core.http.HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/health/live")
        .compose(req -> req.send()))).isInstanceOf(RuntimeException.class);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
