package dev.kordon.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdminApiTest {
  static Rig rig;

  @BeforeAll
  static void up() {
    rig = Rig.start();
  }

  @AfterAll
  static void down() {
    rig.close();
  }

  private static JsonObject body() {
    return new JsonObject().put("tariff", "SIP-соединение").put("email", "office@org.by");
  }

  @Test
  void needsTheAdminToken() {
    var none = rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/+375291110000", null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.getHeader("Content-Type")).isEqualTo("application/problem+json");
    var wrong = rig.admin(HttpMethod.PUT, "/admin/v1/accounts/mobile/+375291110000", body(), Rig.ADMIN_TOKEN + "x");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/+375291110000", null, Rig.ADMIN_TOKEN).statusCode())
        .isEqualTo(404);
  }

  @Test
  void createsThenUpdatesUnderTheNormalisedLogin() {
    var created = rig.admin(HttpMethod.PUT, "/admin/v1/accounts/mobile/80291110001", body(), Rig.ADMIN_TOKEN);
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject a = created.bodyAsJsonObject();
    assertThat(a.getString("login")).isEqualTo("+375291110001");
    assertThat(a.getString("role")).isEqualTo("subscriber");
    assertThat(a.getString("status")).isEqualTo("active");
    assertThat(a.getBoolean("has_password")).isFalse();

    var updated = rig.admin(HttpMethod.PUT, "/admin/v1/accounts/mobile/+375291110001",
        body().put("status", "disabled").put("role", "administrator"), Rig.ADMIN_TOKEN);
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(updated.bodyAsJsonObject().getString("id")).isEqualTo(a.getString("id"));

    var read = rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/291110001", null, Rig.ADMIN_TOKEN);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.bodyAsJsonObject().getString("status")).isEqualTo("disabled");
    assertThat(read.bodyAsJsonObject().getString("role")).isEqualTo("administrator");
  }

  @Test
  void neverShowsAHash() {
    rig.account("+375291110002", "Some-long-passw0rd");
    var read = rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/+375291110002", null, Rig.ADMIN_TOKEN);
    assertThat(read.bodyAsJsonObject().getBoolean("has_password")).isTrue();
    assertThat(read.bodyAsString()).doesNotContain("argon2").doesNotContain("hash\"");
  }

  @Test
  void fieldErrorsInRussianAndEnglish() {
    var ru = rig.admin(HttpMethod.PUT, "/admin/v1/accounts/mobile/+375171110000",
        new JsonObject().put("email", "not-an-address").put("role", "root"), Rig.ADMIN_TOKEN);
    assertThat(ru.statusCode()).isEqualTo(400);
    JsonObject errors = ru.bodyAsJsonObject().getJsonObject("errors");
    assertThat(errors.getString("login"))
        .isEqualTo("Введите 9 цифр номера в формате 29xxxxxxx, 44xxxxxxx, 25xxxxxxx, 33xxxxxxx");
    assertThat(errors.getString("tariff")).isEqualTo("Это поле обязательно для заполнения");
    assertThat(errors.getString("email")).isEqualTo("Введите адрес электронной почты");
    assertThat(errors.getString("role")).contains("subscriber");

    var en = rig.http.request(HttpMethod.PUT, rig.running.adminPort(), "127.0.0.1", "/admin/v1/accounts/mobile/+375291110003")
        .putHeader("Authorization", "Bearer " + Rig.ADMIN_TOKEN).putHeader("Accept-Language", "en-US,en;q=0.9")
        .sendJsonObject(new JsonObject().put("email", "x@y.by"));
    JsonObject enBody = Rig.await(en).bodyAsJsonObject();
    assertThat(enBody.getJsonObject("errors").getString("tariff")).isEqualTo("This field is required");
    assertThat(enBody.getString("code")).isEqualTo("invalid_request");
  }

  @Test
  void unknownCategoryIsNotFound() {
    assertThat(rig.admin(HttpMethod.PUT, "/admin/v1/accounts/satellite/123456", body(), Rig.ADMIN_TOKEN).statusCode())
        .isEqualTo(404);
  }

  @Test
  void internetAccountsByAccountNumber() {
    var r = rig.admin(HttpMethod.PUT, "/admin/v1/accounts/internet/00123456", body(), Rig.ADMIN_TOKEN);
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.bodyAsJsonObject().getString("login")).isEqualTo("00123456");
  }
}
