package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The OpenAPI description is served, covers the contract, and is what requests are held to. */
class OpenApiTest {
  static Rig rig;

  @BeforeAll
  static void up() {
    rig = Rig.start();
  }

  @AfterAll
  static void down() {
    rig.close();
  }

  @Test
  @SuppressWarnings("unchecked")
  void servedAndComplete() {
    var r = rig.get("/openapi.yaml", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("application/yaml");
    java.util.Map<String, Object> spec = new Yaml().load(r.bodyAsString());
    assertThat(spec.get("openapi")).isEqualTo("3.1.0");
    assertThat(((java.util.Map<String, Object>) spec.get("paths")).keySet()).contains(
        "/api/v1/login/password", "/api/v1/login/sms-code", "/api/v1/login/sms", "/api/v1/password/recovery",
        "/api/v1/password/change", "/api/v1/token/refresh", "/api/v1/logout", "/api/v1/me", "/auth/verify",
        "/.well-known/jwks.json", "/admin/v1/accounts/{category}/{login}",
        "/admin/v1/accounts/{category}/{login}/unlock", "/admin/v1/accounts/{category}/{login}/events",
        "/admin/v1/accounts", "/admin/v1/accounts/{category}/{login}/disable",
        "/admin/v1/accounts/{category}/{login}/enable", "/admin/v1/accounts/{category}/{login}/sessions",
        "/admin/v1/accounts/{category}/{login}/sessions/{id}", "/admin/v1/accounts/{category}/{login}/reset");
  }

  @Test
  void wrongJsonTypesAreFieldErrors() {
    for (Object bad : List.of(42, true, new JsonArray().add("x"), new JsonObject().put("a", 1))) {
      var r = rig.post("/api/v1/login/password",
          new JsonObject().put("category", "mobile").put("login", bad).put("password", "x"));
      assertThat(r.statusCode()).as(String.valueOf(bad)).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getJsonObject("errors").getString("login")).isEqualTo("Неверный формат значения");
    }
    var recovery = rig.post("/api/v1/password/recovery",
        new JsonObject().put("category", 7).put("login", "+375291234567").put("channel", "email"));
    assertThat(recovery.bodyAsJsonObject().getJsonObject("errors").getString("category")).isEqualTo("Неверный формат значения");
    var admin = rig.admin(HttpMethod.PUT, "/admin/v1/accounts/mobile/+375291234567",
        new JsonObject().put("tariff", List.of("a")).put("email", "a@b.by"), Rig.ADMIN_TOKEN);
    assertThat(admin.statusCode()).isEqualTo(400);
    assertThat(admin.bodyAsJsonObject().getJsonObject("errors").containsKey("tariff")).isTrue();
  }

  @Test
  void outerBoundsHoldBeforeAnyFlowRuns() {
    var longLogin = rig.post("/api/v1/login/sms-code",
        new JsonObject().put("category", "mobile").put("login", "9".repeat(300)));
    assertThat(longLogin.statusCode()).isEqualTo(400);
    var notObject = rig.postRaw("/api/v1/token/refresh", "application/json", Buffer.buffer("\"just a string\""));
    assertThat(notObject.statusCode()).isEqualTo(400);
    assertThat(notObject.bodyAsJsonObject().getString("code")).isEqualTo("invalid_request");
  }
}
