package dev.kordon.guard;

import static dev.kordon.guard.ThrottleRequests.body;
import static dev.kordon.guard.ThrottleRequests.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The caps on what Kordon sends: codes and temporary passwords per address, per number and per
 * hour or day, and the global SMS budget, which floods for numbers without an account leave to the
 * accounts.
 */
class SendingCapsTest {

    @Test
    void sendingCaps() {
        try (SmsProviderStub sms = new SmsProviderStub();
                Rig rig = Rig.builder()
                        .set("sms.provider", "http")
                        .set("sms.http.url", sms.url())
                        .set("http.trusted-proxies", List.of("127.0.0.1"))
                        .set("sending.per-ip-hour", 3)
                        .set("sms-code.resend-after", "0s")
                        .set("sms-code.per-day", 2)
                        .set("recovery.per-hour", 2)
                        .set("sending.sms-per-minute", 1000)
                        .start()) {
            MultiMap ip1 = MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", "192.0.2.50");
            for (int i = 0; i < 3; i++) {
                assertThat(rig.post("/api/v1/login/sms-code", body("+37529500000" + i), ip1)
                                .statusCode())
                        .isEqualTo(202);
            }
            var fourth = rig.post("/api/v1/login/sms-code", body("+375295000009"), ip1);
            assertThat(fourth.statusCode()).isEqualTo(429);
            assertThat(Integer.parseInt(fourth.getHeader("Retry-After"))).isGreaterThan(3000);

            // Per number per day (2 here), each request from its own address.
            assertThat(rig.post("/api/v1/login/sms-code", body("+375295000100"), ip("192.0.2.60"))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(rig.post("/api/v1/login/sms-code", body("+375295000100"), ip("192.0.2.61"))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(rig.post("/api/v1/login/sms-code", body("+375295000100"), ip("192.0.2.62"))
                            .statusCode())
                    .isEqualTo(429);

            // Recovery has caps of its own: per number per hour.
            assertThat(rig.post(
                                    "/api/v1/password/recovery",
                                    body("+375295000200").put("channel", "email"),
                                    ip("192.0.2.70"))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(rig.post(
                                    "/api/v1/password/recovery",
                                    body("+375295000200").put("channel", "email"),
                                    ip("192.0.2.71"))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(rig.post(
                                    "/api/v1/password/recovery",
                                    body("+375295000200").put("channel", "email"),
                                    ip("192.0.2.72"))
                            .statusCode())
                    .isEqualTo(429);
        }
        try (SmsProviderStub sms = new SmsProviderStub();
                Rig rig = Rig.builder()
                        .set("sms.provider", "http")
                        .set("sms.http.url", sms.url())
                        .set("http.trusted-proxies", List.of("127.0.0.1"))
                        .set("sending.sms-per-minute", 2)
                        .start()) {
            // Only SMS that go out spend the budget: two accounts' codes use it up.
            rig.account("+375295000300", null);
            rig.account("+375295000301", null);
            rig.account("+375295000303", null);
            assertThat(rig.post("/api/v1/login/sms-code", body("+375295000300"), ip("192.0.2.80"))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(rig.post("/api/v1/login/sms-code", body("+375295000301"), ip("192.0.2.81"))
                            .statusCode())
                    .isEqualTo(202);
            // Spent: a number without an account is refused exactly like one with an account.
            var over = rig.post("/api/v1/login/sms-code", body("+375295000302"), ip("192.0.2.82"));
            var overKnown = rig.post("/api/v1/login/sms-code", body("+375295000303"), ip("192.0.2.83"));
            assertThat(over.statusCode()).isEqualTo(429).isEqualTo(overKnown.statusCode());
            assertThat(Integer.parseInt(over.getHeader("Retry-After"))).isBetween(1, 60);
            assertThat(over.bodyAsString()).isEqualTo(overKnown.bodyAsString());
            assertThat(new TreeSet<>(over.headers().names()))
                    .isEqualTo(new TreeSet<>(overKnown.headers().names()));
            // The refused request left no code behind and kept nothing of the number's own caps.
            var redis = rig.running.wiring().redis();
            var keys = redis.keys();
            String known = "+375295000303";
            for (String key : List.of(
                    keys.smsCode("mobile", known),
                    keys.smsResend("mobile", known),
                    keys.smsHour("mobile", known),
                    keys.smsDay("mobile", known))) {
                assertThat(Rig.await(redis.send(Command.EXISTS, key)).toInteger())
                        .as(key)
                        .isZero();
            }
        }
    }

    @Test
    void codeAndSmsRecoveryFloodsForNumbersWithoutAnAccountLeaveTheGlobalSmsBudgetToAccounts() {
        try (SmsProviderStub sms = new SmsProviderStub();
                Rig rig = Rig.builder()
                        .set("sms.provider", "http")
                        .set("sms.http.url", sms.url())
                        .set("http.trusted-proxies", List.of("127.0.0.1"))
                        .set("sending.per-ip-hour", 20)
                        .set("sending.sms-per-minute", 10)
                        .start()) {
            rig.account("+375295000500", null);
            rig.account("+375295000501", null);
            // 300 requests for numbers without an account from 15 addresses, as fast as they come.
            List<Future<HttpResponse<Buffer>>> flood = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                JsonObject body = body(String.format("+37529501%04d", i));
                flood.add(
                        i % 2 == 0
                                ? rig.postAsync("/api/v1/login/sms-code", body, ip("198.51.100." + (i % 15)))
                                : rig.postAsync(
                                        "/api/v1/password/recovery",
                                        body.put("channel", "sms"),
                                        ip("198.51.100." + (i % 15))));
            }
            Rig.await(Future.join(flood));
            assertThat(flood).allMatch(f -> f.result().statusCode() == 202);

            assertThat(rig.post("/api/v1/login/sms-code", body("+375295000500"), ip("203.0.113.20"))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(rig.post(
                                    "/api/v1/password/recovery",
                                    body("+375295000501").put("channel", "sms"),
                                    ip("203.0.113.21"))
                            .statusCode())
                    .isEqualTo(202);
            Await.until(
                    Duration.ofSeconds(10),
                    () -> !sms.to("+375295000500").isEmpty()
                            && !sms.to("+375295000501").isEmpty());
            for (JsonObject m : sms.received) {
                // The code or the temporary password in the text: the log scan looks for it.
                Matcher secret = Pattern.compile(": ([^\\s.]+)").matcher(m.getString("text"));
                if (secret.find()) {
                    LogCapture.secret(secret.group(1));
                }
            }
            assertThat(sms.to("+375295000500")).hasSize(1);
            assertThat(sms.to("+375295000501")).hasSize(1);
            assertThat(sms.received).hasSize(2);
        }
    }
}
