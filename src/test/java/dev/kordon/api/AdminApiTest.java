package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdminApiTest {
    static Rig rig;

    /** Addresses the mail dispatcher could not deliver to as written; the import test uses them too. */
    static final List<String> UNUSABLE_EMAILS = List.of(
            "office org@org.by",
            "office\u0001@org.by",
            "office\u007f@org.by",
            "office@",
            "@org.by",
            "office",
            "office@org",
            "\"office\"@org.by",
            "<office@org.by>",
            "Office <office@org.by>",
            "office@org.by,boss@org.by",
            "office;boss@org.by",
            "office(boss)@org.by",
            "office@boss@org.by",
            "office\\boss@org.by",
            "a".repeat(65) + "@org.by",
            "a".repeat(64) + "@" + "b".repeat(62) + "." + "b".repeat(62) + "." + "b".repeat(61) + ".by",
            "office@" + "b".repeat(64) + ".by",
            "офис@org.by",
            "office@почта.бел",
            "office..boss@org.by",
            ".office@org.by",
            "office.@org.by",
            "office@-org.by",
            "office@org-.by",
            "office@org..by",
            "office@.org.by",
            "office@org.by.",
            "office@org_1.by",
            "office@[192.0.2.1]");

    /** Addresses it can use, up to the lengths SMTP allows. */
    static final List<String> USABLE_EMAILS = List.of(
            "office-seed@org.by",
            "first.last+tag@sub.org.by",
            "o'brien_x{1}@org-1.by",
            "UPPER@ORG.BY",
            "x@y.by",
            "office@xn--80aegdb4a.xn--90ais",
            "a".repeat(64) + "@" + "b".repeat(62) + "." + "b".repeat(62) + "." + "b".repeat(60) + ".by");

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
        assertThat(rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/+375291110000", null, Rig.ADMIN_TOKEN)
                        .statusCode())
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

        var updated = rig.admin(
                HttpMethod.PUT,
                "/admin/v1/accounts/mobile/+375291110001",
                body().put("status", "disabled").put("role", "administrator"),
                Rig.ADMIN_TOKEN);
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
        var ru = rig.admin(
                HttpMethod.PUT,
                "/admin/v1/accounts/mobile/+375171110000",
                new JsonObject().put("email", "not-an-address").put("role", "root"),
                Rig.ADMIN_TOKEN);
        assertThat(ru.statusCode()).isEqualTo(400);
        JsonObject errors = ru.bodyAsJsonObject().getJsonObject("errors");
        assertThat(errors.getString("login"))
                .isEqualTo("Введите 9 цифр номера в формате 29xxxxxxx, 44xxxxxxx, 25xxxxxxx, 33xxxxxxx");
        assertThat(errors.getString("tariff")).isEqualTo("Это поле обязательно для заполнения");
        assertThat(errors.getString("email")).isEqualTo("Введите адрес электронной почты");
        assertThat(errors.getString("role")).contains("subscriber");

        var en = rig.http
                .request(
                        HttpMethod.PUT, rig.running.adminPort(), "127.0.0.1", "/admin/v1/accounts/mobile/+375291110003")
                .putHeader("Authorization", "Bearer " + Rig.ADMIN_TOKEN)
                .putHeader("Accept-Language", "en-US,en;q=0.9")
                .sendJsonObject(new JsonObject().put("email", "x@y.by"));
        JsonObject enBody = Rig.await(en).bodyAsJsonObject();
        assertThat(enBody.getJsonObject("errors").getString("tariff")).isEqualTo("This field is required");
        assertThat(enBody.getString("code")).isEqualTo("invalid_request");
    }

    @Test
    void aNulByteOrOtherCharacterThatCannotBeStoredIsRefusedNamingTheField() {
        // Raw JSON text, so its escapes (NUL, a lone surrogate, U+FFFD, a tab) reach Kordon as written.
        String[][] cases = {
            {"tariff", "SIP-\\u0000соединение", "office@org.by"},
            {"tariff", "SIP-соединение\\u0000", "office@org.by"},
            {"tariff", "SIP-\\ud800соединение", "office@org.by"},
            {"tariff", "SIP-\\ufffdсоединение", "office@org.by"},
            {"tariff", "SIP-\\u0009соединение", "office@org.by"},
            {"email", "SIP-соединение", "office\\u0000@org.by"},
            {"email", "SIP-соединение", "office@org.by\\u0000"},
        };
        for (int i = 0; i < cases.length; i++) {
            String path = "/admin/v1/accounts/mobile/+37529112000" + i;
            String json = "{\"tariff\":\"" + cases[i][1] + "\",\"email\":\"" + cases[i][2] + "\"}";
            var r = Rig.await(rig.http
                    .request(HttpMethod.PUT, rig.running.adminPort(), "127.0.0.1", path)
                    .putHeader("Authorization", "Bearer " + Rig.ADMIN_TOKEN)
                    .putHeader("Content-Type", "application/json")
                    .sendBuffer(io.vertx.core.buffer.Buffer.buffer(json)));
            assertThat(r.statusCode()).as(json).isEqualTo(400);
            assertThat(r.bodyAsJsonObject().getJsonObject("errors").fieldNames())
                    .as(json)
                    .containsExactly(cases[i][0]);
            assertThat(rig.admin(HttpMethod.GET, path, null, Rig.ADMIN_TOKEN).statusCode())
                    .as(json)
                    .isEqualTo(404);
        }
    }

    @Test
    void addressesTheMailClientCannotUseAreRefusedNamingTheEmailField() {
        for (String email : UNUSABLE_EMAILS) {
            var r = rig.admin(
                    HttpMethod.PUT,
                    "/admin/v1/accounts/mobile/+375291130000",
                    body().put("email", email),
                    Rig.ADMIN_TOKEN);
            assertThat(r.statusCode()).as(email).isEqualTo(400);
            assertThat(r.bodyAsJsonObject().getJsonObject("errors").fieldNames())
                    .as(email)
                    .containsExactly("email");
        }
        assertThat(rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/+375291130000", null, Rig.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(404);
        for (String email : USABLE_EMAILS) {
            var r = rig.admin(
                    HttpMethod.PUT,
                    "/admin/v1/accounts/mobile/+375291130001",
                    body().put("email", email),
                    Rig.ADMIN_TOKEN);
            assertThat(r.statusCode()).as(email).isIn(200, 201);
            assertThat(r.bodyAsJsonObject().getString("email")).isEqualTo(email);
        }
    }

    @Test
    void unknownCategoryIsNotFound() {
        assertThat(rig.admin(HttpMethod.PUT, "/admin/v1/accounts/satellite/123456", body(), Rig.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void internetAccountsByAccountNumber() {
        var r = rig.admin(HttpMethod.PUT, "/admin/v1/accounts/internet/00123456", body(), Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.bodyAsJsonObject().getString("login")).isEqualTo("00123456");
    }
}
