package dev.kordon.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.audit.Audit;
import dev.kordon.guard.SmsCodes;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Signing in by an SMS code: once per code, the same answer for unknown numbers, the newest code only,
 * field errors, and never for the internet category.
 */
class SmsCodeSignInTest extends SmsLoginRig {
    @Test
    void codeSignsInForOneVisitAtAal1() {
        rig.account("+375331600001", "Sms-owner-password-1");
        String code = nextCode("+375331600001");
        assertThat(provider.to("+375331600001").get(0).getString("id")).isNotBlank();
        var r = use("+375 33 160-00-01", code);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = r.bodyAsJsonObject();
        assertThat(body.containsKey("refresh_token")).isFalse();
        String at = body.getString("access_token");
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(at.split("\\.")[1])));
        assertThat(claims.getJsonArray("amr")).containsExactly("sms");
        assertThat(claims.getString("acr")).as("one factor").isEqualTo("aal1");
        var me = rig.get("/api/v1/me", at);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.bodyAsJsonObject().getString("acr")).isEqualTo("aal1");
        // Single use.
        assertThat(use("+375331600001", code).statusCode()).isEqualTo(401);
        // The permanent password did not change.
        assertThat(rig.login("+375331600001", "Sms-owner-password-1").statusCode())
                .isEqualTo(200);
    }

    @Test
    void unknownNumbersGetTheSameAnswerAndNoSms() {
        rig.account("+375331600002", null);
        var known = requestCode("+375331600002");
        var unknown = requestCode("+375331699999");
        assertThat(known.statusCode()).isEqualTo(202);
        assertThat(unknown.statusCode()).isEqualTo(202);
        assertThat(unknown.bodyAsString()).isEqualTo(known.bodyAsString());
        assertThat(known.bodyAsJsonObject())
                .isEqualTo(new JsonObject().put("expires_in", 300).put("resend_in", 0));
        // Both answers came after anything they enqueued: once the known number's SMS is out and the
        // outbox is empty, whatever was meant for the unknown number would have arrived too.
        var redis = rig.running.wiring().redis();
        assertThat(Await.until(
                        Duration.ofSeconds(10),
                        () -> provider.to("+375331600002").size() == 1
                                && Rig.await(redis.send(
                                                        Command.XLEN,
                                                        redis.keys().outbox()))
                                                .toLong()
                                        == 0))
                .isTrue();
        assertThat(provider.to("+375331699999")).isEmpty();
        List<JsonObject> sent = Await.until(
                Duration.ofSeconds(10), () -> events(Audit.CODE_SENT, "+375331699999"), rows -> !rows.isEmpty());
        assertThat(sent).containsExactly(new JsonObject().put("sent", false));
        assertThat(use("+375331699999", "123456").statusCode()).isEqualTo(401);
    }

    @Test
    void aNewCodeReplacesTheOld() {
        rig.account("+375331600006", null);
        String first = nextCode("+375331600006");
        String second = nextCode("+375331600006");
        if (!first.equals(second)) {
            assertThat(use("+375331600006", first).statusCode()).isEqualTo(401);
        }
        assertThat(use("+375331600006", second).statusCode()).isEqualTo(200);
    }

    @Test
    void internetAccountsAreRefusedACodeAndNoKeyIsStoredForThem() {
        rig.account("internet", "00123456", Rig.TARIFF, "active", null);
        var r = rig.post(
                "/api/v1/login/sms-code",
                new JsonObject().put("category", "internet").put("login", "00123456"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("invalid_request");
        assertThat(r.bodyAsJsonObject().getJsonObject("errors").getString("category"))
                .isEqualTo("Для этой категории вход по SMS недоступен");
        // A number without an account in that category gets the same answer.
        var unknown = rig.post(
                "/api/v1/login/sms-code",
                new JsonObject().put("category", "internet").put("login", "00999999"));
        assertThat(unknown.bodyAsString()).isEqualTo(r.bodyAsString());
        var redis = rig.running.wiring().redis();
        for (String login : List.of("00123456", "00999999")) {
            assertThat(Rig.await(redis.send(Command.KEYS, redis.keys().loginScope("internet", login) + "*"))
                            .size())
                    .as(login)
                    .isZero();
        }
    }

    @Test
    void aCodeStoredForAnInternetAccountNeverSignsItInBySms() {
        rig.account("internet", "00123457", Rig.TARIFF, "active", null);
        var services = rig.running.wiring();
        String code = LogCapture.secret(Rig.await(new SmsCodes(
                        services.redis(),
                        services.secrets(),
                        rig.config.smsCode(),
                        rig.config.limits(),
                        new dev.kordon.ops.Metrics())
                .issue("internet", "00123457")));
        var r = rig.post(
                "/api/v1/login/sms",
                new JsonObject()
                        .put("category", "internet")
                        .put("login", "00123457")
                        .put("code", code));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().containsKey("access_token")).isFalse();
        assertThat(r.bodyAsJsonObject().getJsonObject("errors").getString("category"))
                .isEqualTo("Для этой категории вход по SMS недоступен");
    }

    @Test
    void badCodesAreFieldErrors() {
        var r = rig.post(
                "/api/v1/login/sms",
                new JsonObject()
                        .put("category", "mobile")
                        .put("login", "+375331600001")
                        .put("code", "12ab"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getJsonObject("errors").getString("code"))
                .isEqualTo("Введите 6 цифр из SMS");
        var empty = rig.post(
                "/api/v1/login/sms", new JsonObject().put("category", "mobile").put("login", "+375331600001"));
        assertThat(empty.bodyAsJsonObject().getJsonObject("errors").getString("code"))
                .isEqualTo("Это поле обязательно для заполнения");
    }
}
