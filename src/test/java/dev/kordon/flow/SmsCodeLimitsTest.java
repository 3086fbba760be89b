package dev.kordon.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * The limits of an SMS code: one winner among parallel uses, three tries, its lifetime, the resend
 * gate and the hourly cap as configured.
 */
class SmsCodeLimitsTest extends SmsLoginRig {
    @Test
    void eightParallelUsesOfOneCodeExactlyOneWins() {
        rig.account("+375331600003", null);
        for (int round = 0; round < 3; round++) {
            String code = nextCode("+375331600003");
            List<Future<HttpResponse<Buffer>>> uses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                uses.add(useAsync("+375331600003", code));
            }
            Rig.await(Future.join(uses));
            assertThat(uses.stream().filter(f -> f.result().statusCode() == 200).count())
                    .isEqualTo(1);
            assertThat(uses.stream().filter(f -> f.result().statusCode() == 401).count())
                    .isEqualTo(7);
        }
    }

    @Test
    void fiftyParallelWrongCodesAtMostThreeEvaluated() {
        String phone = "+375331600004";
        rig.account(phone, null);
        assertThat(rig.config.smsCode().maxTries()).isEqualTo(3);
        String code = nextCode(phone);
        List<Future<HttpResponse<Buffer>>> guesses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            guesses.add(useAsync(phone, String.format("%06d", (Integer.parseInt(code) + 1 + i) % 1_000_000)));
        }
        Rig.await(Future.join(guesses));
        assertThat(guesses).allMatch(f -> f.result().statusCode() == 401);
        // Three wrong tries killed the code: the right one comes too late.
        assertThat(use(phone, code).statusCode()).isEqualTo(401);
        var redis = rig.running.wiring().redis();
        assertThat(Rig.await(redis.send(Command.EXISTS, redis.keys().smsCode("mobile", phone)))
                        .toInteger())
                .isZero();
        // Only a guess compared with a live code counts against the number, so the count is the number compared.
        assertThat(Rig.await(redis.send(Command.GET, redis.keys().smsFailures("mobile", phone)))
                        .toLong())
                .isEqualTo(3);
        // The audit trail agrees: three compared and wrong, the other 47 guesses and the right code found none alive.
        Map<String, Long> reasons = Await.until(
                Duration.ofSeconds(10),
                () -> failureReasons(phone),
                r -> r.values().stream().mapToLong(Long::longValue).sum() >= 51);
        assertThat(reasons).isEqualTo(Map.of("wrong", 3L, "none", 48L));
    }

    @Test
    void twoWrongTriesStillLeaveTheThird() {
        rig.account("+375331600005", null);
        String code = nextCode("+375331600005");
        assertThat(use("+375331600005", wrong(code)).statusCode()).isEqualTo(401);
        assertThat(use("+375331600005", wrong(code)).statusCode()).isEqualTo(401);
        assertThat(use("+375331600005", code).statusCode()).isEqualTo(200);

        String next = nextCode("+375331600005");
        for (int i = 0; i < 3; i++) {
            assertThat(use("+375331600005", wrong(next)).statusCode()).isEqualTo(401);
        }
        assertThat(use("+375331600005", next).statusCode()).isEqualTo(401);
    }

    @Test
    void lifetimesAndCapsAsConfigured() {
        try (Rig gated = Rig.builder()
                .set("sms.provider", "http")
                .set("sms.http.url", provider.url())
                .start()) {
            gated.account("+375331600007", null);
            var first = gated.post(
                    "/api/v1/login/sms-code",
                    new JsonObject().put("category", "mobile").put("login", "+375331600007"));
            assertThat(first.statusCode()).isEqualTo(202);
            assertThat(first.bodyAsJsonObject())
                    .isEqualTo(new JsonObject().put("expires_in", 300).put("resend_in", 60));
            var redis = gated.running.wiring().redis();
            long code = Rig.await(redis.send(Command.PTTL, redis.keys().smsCode("mobile", "+375331600007")))
                    .toLong();
            long resend = Rig.await(redis.send(Command.PTTL, redis.keys().smsResend("mobile", "+375331600007")))
                    .toLong();
            long hour = Rig.await(redis.send(Command.PTTL, redis.keys().smsHour("mobile", "+375331600007")))
                    .toLong();
            assertThat(code).isBetween(290_000L, 300_000L);
            assertThat(resend).isBetween(50_000L, 60_000L);
            assertThat(hour).isBetween(3_590_000L, 3_600_000L);
            // Stored as a keyed hash: 64 hex digits, no plain code.
            String stored = Rig.await(redis.send(Command.HGET, redis.keys().smsCode("mobile", "+375331600007"), "h"))
                    .toString();
            assertThat(stored).matches("[0-9a-f]{64}");

            var again = gated.post(
                    "/api/v1/login/sms-code",
                    new JsonObject().put("category", "mobile").put("login", "+375331600007"));
            assertThat(again.statusCode()).isEqualTo(429);
            assertThat(Integer.parseInt(again.getHeader("Retry-After"))).isBetween(50, 60);
            assertThat(again.bodyAsJsonObject().getString("code")).isEqualTo("too_many_requests");
        }
        try (Rig capped = Rig.builder()
                .set("sms.provider", "http")
                .set("sms.http.url", provider.url())
                .set("sms-code.resend-after", "0s")
                .start()) {
            capped.account("+375331600008", null);
            for (int i = 0; i < 5; i++) {
                assertThat(capped.post(
                                        "/api/v1/login/sms-code",
                                        new JsonObject()
                                                .put("category", "mobile")
                                                .put("login", "+375331600008"))
                                .statusCode())
                        .isEqualTo(202);
            }
            var sixth = capped.post(
                    "/api/v1/login/sms-code",
                    new JsonObject().put("category", "mobile").put("login", "+375331600008"));
            assertThat(sixth.statusCode()).isEqualTo(429);
            assertThat(Integer.parseInt(sixth.getHeader("Retry-After"))).isGreaterThan(3500);
        }
        for (JsonObject sms : provider.received) {
            Matcher m = CODE.matcher(sms.getString("text"));
            if (m.matches()) {
                LogCapture.secret(m.group(1));
            }
        }
    }
}
