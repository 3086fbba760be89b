package dev.kordon.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.credential.PasswordHasher;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PasswordLoginTest {
    static Rig rig;
    static final String PASSWORD = "Right-horse-battery-9";

    @BeforeAll
    static void up() {
        rig = Rig.start();
        rig.account("+375291000001", PASSWORD);
        rig.account("mobile", "+375291000002", "SIP-соединение", "disabled", PASSWORD);
        rig.account("mobile", "+375291000003", "Безлимит", "active", PASSWORD);
        rig.account("+375291000004", null);
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void rightPasswordGivesTokens() {
        var r = rig.login("80291000001", PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = r.bodyAsJsonObject();
        assertThat(body.getString("token_type")).isEqualTo("Bearer");
        assertThat(body.getLong("expires_in")).isEqualTo(900);
        assertThat(body.getString("access_token")).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        assertThat(body.getString("refresh_token")).hasSizeGreaterThanOrEqualTo(22);
        assertThat(body.getLong("refresh_expires_in")).isEqualTo(7 * 24 * 3600);
        assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void everyKindOfRefusalLooksTheSame() {
        HttpResponse<Buffer> wrong = rig.login("+375291000001", "wrong-password-1");
        HttpResponse<Buffer> unknown = rig.login("+375291999999", PASSWORD);
        HttpResponse<Buffer> disabled = rig.login("+375291000002", PASSWORD);
        HttpResponse<Buffer> tariff = rig.login("+375291000003", PASSWORD);
        HttpResponse<Buffer> noPassword = rig.login("+375291000004", PASSWORD);
        for (HttpResponse<Buffer> r : java.util.List.of(wrong, unknown, disabled, tariff, noPassword)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
            assertThat(r.bodyAsString()).isEqualTo(wrong.bodyAsString());
            assertThat(new java.util.TreeSet<>(r.headers().names()))
                    .isEqualTo(new java.util.TreeSet<>(wrong.headers().names()));
        }
        JsonObject p = wrong.bodyAsJsonObject();
        assertThat(p.getString("code")).isEqualTo("invalid_credentials");
        assertThat(p.getInteger("status")).isEqualTo(401);
        assertThat(p.getString("type")).isNotBlank();
        assertThat(p.getString("title")).isNotBlank();
        assertThat(p.getString("detail")).isEqualTo("Неверный номер телефона или пароль.");
    }

    @Test
    void fieldErrorsCarryTheSeedsTexts() {
        var r = rig.post(
                "/api/v1/login/password",
                new JsonObject()
                        .put("category", "mobile")
                        .put("login", "+375 17 123 45 67")
                        .put("password", ""));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject p = r.bodyAsJsonObject();
        assertThat(p.getString("code")).isEqualTo("invalid_request");
        assertThat(p.getJsonObject("errors").getString("login"))
                .isEqualTo("Введите 9 цифр номера в формате 29xxxxxxx, 44xxxxxxx, 25xxxxxxx, 33xxxxxxx");
        assertThat(p.getJsonObject("errors").getString("password")).isEqualTo("Это поле обязательно для заполнения");

        var missing = rig.post("/api/v1/login/password", new JsonObject());
        assertThat(missing.bodyAsJsonObject().getJsonObject("errors").fieldNames())
                .containsExactlyInAnyOrder("category", "password");

        var en = rig.post(
                "/api/v1/login/password?lang=en",
                new JsonObject().put("category", "mobile").put("login", "").put("password", "x"));
        assertThat(en.bodyAsJsonObject().getJsonObject("errors").getString("login"))
                .isEqualTo("This field is required");
        var enHeader = rig.post(
                "/api/v1/login/password",
                new JsonObject().put("category", "mobile").put("login", "").put("password", "x"),
                MultiMap.caseInsensitiveMultiMap().add("Accept-Language", "en"));
        assertThat(enHeader.bodyAsJsonObject().getString("detail")).isEqualTo("Check the data you entered.");
    }

    @Test
    void badInputNeverReachesTheHasher() {
        var tooLong = rig.login("+375291000001", "a".repeat(PasswordHasher.MAX_PASSWORD_CHARS + 1));
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.bodyAsJsonObject().getJsonObject("errors").getString("password"))
                .isEqualTo("Не более 128 символов");

        var notString = rig.post(
                "/api/v1/login/password",
                new JsonObject()
                        .put("category", "mobile")
                        .put("login", 291000001)
                        .put("password", "x"));
        assertThat(notString.statusCode()).isEqualTo(400);

        var malformed = rig.postRaw("/api/v1/login/password", "application/json", Buffer.buffer("{\"login\":"));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(malformed.bodyAsString()).doesNotContain("Exception").doesNotContain("at io.");

        var array = rig.postRaw("/api/v1/login/password", "application/json", Buffer.buffer("[1,2]"));
        assertThat(array.statusCode()).isEqualTo(400);

        var form = rig.postRaw("/api/v1/login/password", "application/x-www-form-urlencoded", Buffer.buffer("a=b"));
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.bodyAsJsonObject().getString("code")).isEqualTo("unsupported_media_type");

        var huge = rig.postRaw(
                "/api/v1/login/password",
                "application/json",
                Buffer.buffer("{\"password\":\"" + "x".repeat(20_000) + "\"}"));
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.getHeader("Content-Type")).isEqualTo("application/problem+json");
    }

    @Test
    void outdatedHashesAreUpgradedAtSignIn() {
        var account = rig.account("+375291000005", null);
        String old = new PasswordHasher(9000, 1, 1).hash(PASSWORD);
        Rig.await(rig.running.wiring().accounts().setHash(account.id(), old));
        assertThat(rig.login("+375291000005", PASSWORD).statusCode()).isEqualTo(200);
        String now = null;
        for (int i = 0; i < 50; i++) {
            now = Rig.await(rig.running.wiring().accounts().findById(account.id()))
                    .orElseThrow()
                    .passwordHash();
            if (!now.equals(old)) {
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        assertThat(now).startsWith("$argon2id$v=19$m=" + rig.config.hash().memoryKib() + ",t=1,p=1$");
        assertThat(rig.login("+375291000005", PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownRoutesAndMethodsAreProblems() {
        var notFound = rig.get("/nothing/here", null);
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.getHeader("Content-Type")).isEqualTo("application/problem+json");
        var wrongMethod = rig.get("/api/v1/login/password", null);
        assertThat(wrongMethod.statusCode()).isIn(404, 405);
        assertThat(wrongMethod.getHeader("Content-Type")).isEqualTo("application/problem+json");
    }
}
