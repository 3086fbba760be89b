package dev.kordon.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.audit.Audit;
import dev.kordon.guard.SmsCodes;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** «По SMS» against real Redis and Postgres, the SMS provider stood in by a real HTTP server. */
class SmsLoginTest {
    static SmsProviderStub provider;
    static Rig rig;
    static final Pattern CODE = Pattern.compile("Код для входа в Личный кабинет: (\\d{6})");

    @BeforeAll
    static void up() {
        provider = new SmsProviderStub();
        // No resend gate here, so one number can be given many codes quickly; the gate has its own test.
        rig = Rig.builder()
                .set("sms.provider", "http")
                .set("sms.http.url", provider.url())
                .set("sms-code.resend-after", "0s")
                .set("sms-code.per-hour", 1000)
                .start();
    }

    @AfterAll
    static void down() {
        rig.close();
        provider.close();
    }

    static HttpResponse<Buffer> requestCode(String phone) {
        return rig.post(
                "/api/v1/login/sms-code",
                new JsonObject().put("category", "mobile").put("login", phone));
    }

    static String nextCode(String phone) {
        int before = provider.to(phone).size();
        assertThat(requestCode(phone).statusCode()).isEqualTo(202);
        List<JsonObject> sms = Await.until(Duration.ofSeconds(10), () -> provider.to(phone), l -> l.size() > before);
        assertThat(sms).hasSize(before + 1);
        Matcher m = CODE.matcher(sms.get(sms.size() - 1).getString("text"));
        assertThat(m.matches()).isTrue();
        return LogCapture.secret(m.group(1));
    }

    static Future<HttpResponse<Buffer>> useAsync(String phone, String code) {
        return rig.postAsync(
                "/api/v1/login/sms",
                new JsonObject().put("category", "mobile").put("login", phone).put("code", code),
                null);
    }

    static HttpResponse<Buffer> use(String phone, String code) {
        return Rig.await(useAsync(phone, code));
    }

    static String wrong(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }

    @Test
    void codeSignsInForOneVisit() {
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
        assertThat(rig.get("/api/v1/me", at).statusCode()).isEqualTo(200);
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

    /** The reasons of the login's SMS sign-in failures in the audit table, counted. */
    static Map<String, Long> failureReasons(String login) {
        Map<String, Long> out = new TreeMap<>();
        for (JsonObject detail : events(Audit.LOGIN_FAILURE, login)) {
            assertThat(detail.getString("method")).isEqualTo("sms");
            out.merge(detail.getString("reason"), 1L, Long::sum);
        }
        return out;
    }

    /** The details of the login's audit rows of one event, oldest first. */
    static List<JsonObject> events(String event, String login) {
        var rows = Rig.await(rig.running
                .wiring()
                .pg()
                .preparedQuery(
                        "SELECT detail FROM audit_events WHERE event = $1 AND category = 'mobile' AND login = $2 ORDER BY id")
                .execute(Tuple.of(event, login)));
        List<JsonObject> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(r.getJsonObject("detail"));
        }
        return out;
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
