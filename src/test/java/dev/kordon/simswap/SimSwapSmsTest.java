package dev.kordon.simswap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.audit.Audit;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import dev.kordon.support.TestServers;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * «По SMS» with the SIM swap check on, through the public API: a swapped number gets no code but an
 * SMS saying why and its organisation a letter; any other number is served as before; every
 * well-formed number gets the same answer in the same time; a code dies with a swap's mark.
 */
class SimSwapSmsTest {
    static final Pattern CODE = Pattern.compile("Код для входа в Личный кабинет: (\\d{6})");
    static CamaraStub stub;
    static SmsProviderStub sms;
    static Rig rig;

    @BeforeAll
    static void up() {
        stub = new CamaraStub();
        sms = new SmsProviderStub();
        // A deadline far above the stub's slow mode: these tests are about what is sent and when the
        // answer comes, not about the deadline (SimSwapCheckTest's), which a loaded machine could miss.
        rig = SimSwapCheckTest.rig(stub, Map.of("sim-swap.breaker.failures", 1000, "sim-swap.timeout", "10s"))
                .set("sms.provider", "http")
                .set("sms.http.url", sms.url())
                .set("sms-code.resend-after", "0s")
                .set("sms-code.per-hour", 1000)
                .start();
    }

    @AfterAll
    static void down() {
        rig.close();
        sms.close();
        stub.close();
    }

    static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> ask(String phone) {
        return rig.post(
                "/api/v1/login/sms-code",
                new JsonObject().put("category", "mobile").put("login", phone));
    }

    static JsonObject lastSms(String phone) {
        List<JsonObject> got = Await.until(Duration.ofSeconds(10), () -> sms.to(phone), l -> !l.isEmpty());
        assertThat(got).isNotEmpty();
        return got.get(got.size() - 1);
    }

    /** Asks for a code and reads it from the SMS. */
    static String codeFor(String phone) {
        assertThat(ask(phone).statusCode()).isEqualTo(202);
        Matcher m = CODE.matcher(lastSms(phone).getString("text"));
        assertThat(m.matches()).isTrue();
        return LogCapture.secret(m.group(1));
    }

    static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> use(String phone, String code) {
        return rig.post(
                "/api/v1/login/sms",
                new JsonObject().put("category", "mobile").put("login", phone).put("code", code));
    }

    static List<JsonObject> events(String event, String login) {
        var rows = Rig.await(rig.running
                .wiring()
                .pg()
                .preparedQuery("SELECT detail FROM audit_events WHERE event = $1 AND login = $2 ORDER BY id")
                .execute(Tuple.of(event, login)));
        List<JsonObject> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(r.getJsonObject("detail"));
        }
        return out;
    }

    @Test
    void aSwappedNumberGetsNoCodeItsOwnerAnSmsSayingWhyAndTheOrganisationALetter() {
        rig.account("mobile", "+375291210001", Rig.TARIFF, "active", null, "swap-org-1@example.by");
        stub.swapped.add("+375291210001");
        var r = ask("+375291210001");
        assertThat(r.statusCode()).isEqualTo(202);
        JsonObject told = lastSms("+375291210001");
        assertThat(told.getString("text"))
                .isEqualTo("Вход в Личный кабинет по SMS недоступен: недавно была заменена SIM-карта этого номера."
                        + " Войдите по паролю или восстановите его по e-mail («Забыли пароль?»).")
                .doesNotContainPattern("\\d{6}");
        var mail = Mailbox.await(TestServers.smtp(), "swap-org-1@example.by", 1, 10_000);
        assertThat(mail.get(0).subject()).isEqualTo("Вход в Личный кабинет по SMS заблокирован: замена SIM-карты");
        assertThat(mail.get(0).text())
                .contains("375291210001")
                .contains("SIM-карта этого номера недавно была заменена");
        List<JsonObject> swap = Await.until(
                Duration.ofSeconds(10), () -> events(Audit.SMS_SIM_SWAP, "+375291210001"), l -> !l.isEmpty());
        assertThat(swap)
                .containsExactly(new JsonObject().put("outcome", "swapped").put("refused", true));
        var redis = rig.running.wiring().redis();
        assertThat(Rig.await(redis.send(Command.EXISTS, redis.keys().smsCode("mobile", "+375291210001")))
                        .toInteger())
                .as("no code, not even the reserved place")
                .isZero();
        // Nothing that could be a code signs in.
        assertThat(use("+375291210001", "123456").statusCode()).isEqualTo(401);
        assertThat(sms.to("+375291210001")).hasSize(1);
    }

    @Test
    void aNumberNotSwappedSignsInByCodeAsBefore() {
        rig.account("+375291210002", null);
        String code = codeFor("+375291210002");
        var in = use("+375291210002", code);
        assertThat(in.statusCode()).isEqualTo(200);
        LogCapture.secret(in.bodyAsJsonObject().getString("access_token"));
    }

    @Test
    void whenTheServiceCannotAnswerDenySendsTheTemporarilyUnavailableSms() {
        rig.account("+375291210003", null);
        stub.mode = CamaraStub.Mode.STATUS;
        stub.status = 503;
        try {
            assertThat(ask("+375291210003").statusCode()).isEqualTo(202);
            assertThat(lastSms("+375291210003").getString("text"))
                    .isEqualTo("Вход в Личный кабинет по SMS временно недоступен."
                            + " Войдите по паролю или восстановите его по e-mail («Забыли пароль?»).");
            List<JsonObject> swap = Await.until(
                    Duration.ofSeconds(10), () -> events(Audit.SMS_SIM_SWAP, "+375291210003"), l -> !l.isEmpty());
            assertThat(swap.get(0).getString("outcome")).isEqualTo("error");
            assertThat(swap.get(0).getString("reason")).isEqualTo("status_503");
        } finally {
            stub.mode = CamaraStub.Mode.NORMAL;
        }
        // Password sign-in is never affected.
        rig.account("+375291210004", "Swap-password-never-affected-1");
        var pwd = rig.login("+375291210004", "Swap-password-never-affected-1");
        assertThat(pwd.statusCode()).isEqualTo(200);
        LogCapture.secret(pwd.bodyAsJsonObject().getString("access_token"));
        LogCapture.secret(pwd.bodyAsJsonObject().getString("refresh_token"));
    }

    @Test
    void aCodeIssuedBeforeTheSwapWasKnownDiesWithItsMark() {
        rig.account("+375291210005", null);
        String code = codeFor("+375291210005");
        Rig.await(rig.running.wiring().simSwap().marks().mark("+375291210005", Duration.ofHours(1)));
        var r = use("+375291210005", code);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(events(Audit.LOGIN_FAILURE, "+375291210005"))
                .containsExactly(new JsonObject().put("method", "sms").put("reason", "sim_swap"));
    }

    @Test
    void swappedNotSwappedAndUnknownNumbersGetTheSameAnswerInTheSameTime() {
        // The service takes 400 ms: were the check before the answer, the known numbers would show it.
        stub.mode = CamaraStub.Mode.SLOW;
        stub.delayMs = 400;
        try {
            int rounds = 8;
            long[][] ms = new long[3][rounds];
            String body = null;
            for (int i = 0; i < rounds; i++) {
                String swapped = String.format("+37529122%04d", i);
                String fine = String.format("+37529123%04d", i);
                String unknown = String.format("+37529124%04d", i);
                rig.account(swapped, null);
                rig.account(fine, null);
                stub.swapped.add(swapped);
                String[] order = {swapped, fine, unknown};
                for (int k = 0; k < 3; k++) {
                    long start = System.nanoTime();
                    var r = ask(order[k]);
                    ms[k][i] = (System.nanoTime() - start) / 1_000_000;
                    assertThat(r.statusCode()).isEqualTo(202);
                    body = body == null ? r.bodyAsString() : body;
                    assertThat(r.bodyAsString()).isEqualTo(body);
                }
            }
            long[] medians = new long[3];
            for (int k = 0; k < 3; k++) {
                long[] sorted = ms[k].clone();
                Arrays.sort(sorted);
                medians[k] = sorted[rounds / 2];
            }
            long slowest = Arrays.stream(medians).max().orElseThrow();
            long fastest = Arrays.stream(medians).min().orElseThrow();
            assertThat(slowest)
                    .as("medians %s ms: the service's 400 ms is not in any", Arrays.toString(medians))
                    .isLessThan(300);
            assertThat(slowest)
                    .as("medians %s ms", Arrays.toString(medians))
                    .isLessThan(Math.max(3 * fastest, fastest + 50));
            // What went out after the answers: the swapped got the explanation, the others their code.
            assertThat(lastSms(String.format("+37529122%04d", rounds - 1)).getString("text"))
                    .contains("SIM-карта");
            assertThat(lastSms(String.format("+37529123%04d", rounds - 1)).getString("text"))
                    .matches(CODE);
            for (JsonObject m : sms.received) {
                Matcher c = CODE.matcher(m.getString("text"));
                if (c.matches()) {
                    LogCapture.secret(c.group(1));
                }
            }
        } finally {
            stub.mode = CamaraStub.Mode.NORMAL;
        }
    }

    @Test
    void theSmsPageSaysAnSmsWillExplainWhenSmsSignInIsUnavailable() {
        assertThat(rig.get("/login?mode=sms", null).bodyAsString())
                .contains("Если вход по SMS недоступен, вы получите SMS с объяснением.");
    }
}
