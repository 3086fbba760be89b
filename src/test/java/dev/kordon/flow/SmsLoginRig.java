package dev.kordon.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.audit.Audit;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * «По SMS» against real Redis and Postgres, the SMS provider stood in by a real HTTP server: one
 * Kordon per test class, and the steps of a sign-in by code (ask, read the SMS, use the code).
 */
abstract class SmsLoginRig {
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
}
