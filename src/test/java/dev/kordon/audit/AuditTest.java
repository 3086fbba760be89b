package dev.kordon.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every security event lands in Postgres and the log, readable per account, with no secret in it. */
class AuditTest {
    static List<String> names(JsonArray events) {
        return events.stream().map(e -> ((JsonObject) e).getString("event")).collect(Collectors.toList());
    }

    @Test
    void theTrailOfOneAccount() {
        try (SmsProviderStub sms = new SmsProviderStub();
                Rig rig = Rig.builder()
                        .set("sms.provider", "http")
                        .set("sms.http.url", sms.url())
                        .start()) {
            String password = LogCapture.secret("Audit-Trail-Password-1");
            rig.admin(
                    HttpMethod.PUT,
                    "/admin/v1/accounts/mobile/+375299000001",
                    new JsonObject().put("tariff", Rig.TARIFF).put("email", "audit@org.by"),
                    Rig.ADMIN_TOKEN);
            rig.account("+375299000001", password);
            JsonObject pair = rig.login("+375299000001", password).bodyAsJsonObject();
            String rt = LogCapture.secret(pair.getString("refresh_token"));
            LogCapture.secret(pair.getString("access_token"));
            rig.login("+375299000001", "Wrong-Audit-Password");
            rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", rt));
            rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", rt));
            rig.post(
                    "/api/v1/login/sms-code",
                    new JsonObject().put("category", "mobile").put("login", "+375299000001"));
            rig.post(
                    "/api/v1/password/recovery",
                    new JsonObject()
                            .put("category", "mobile")
                            .put("login", "+375299000001")
                            .put("channel", "email"));
            // Events are stored after the answers: wait until every one is there.
            List<String> expected = List.of(
                    Audit.ADMIN_ACCOUNT, Audit.LOGIN_SUCCESS, Audit.LOGIN_FAILURE, Audit.CODE_SENT, Audit.RECOVERY);
            JsonArray events = Await.until(
                    Duration.ofSeconds(10),
                    () -> rig.admin(
                                    HttpMethod.GET,
                                    "/admin/v1/accounts/mobile/+375299000001/events",
                                    null,
                                    Rig.ADMIN_TOKEN)
                            .bodyAsJsonObject()
                            .getJsonArray("events"),
                    ev -> names(ev).containsAll(expected));
            assertThat(names(events)).containsAll(expected);
            JsonObject failure = events.stream()
                    .map(e -> (JsonObject) e)
                    .filter(e -> Audit.LOGIN_FAILURE.equals(e.getString("event")))
                    .findFirst()
                    .orElseThrow();
            assertThat(failure.getJsonObject("detail").getString("method")).isEqualTo("pwd");
            assertThat(failure.getJsonObject("detail").getString("reason")).isEqualTo("wrong_password");
            assertThat(failure.getString("ip")).isEqualTo("127.0.0.1");
            assertThat(events.encode())
                    .doesNotContain(password)
                    .doesNotContain("Wrong-Audit-Password")
                    .doesNotContain(rt);
            // … and each one in the kordon.audit log, under the same account.
            String account = failure.getString("account");
            for (String name : List.of(Audit.LOGIN_SUCCESS, Audit.LOGIN_FAILURE, Audit.CODE_SENT, Audit.RECOVERY)) {
                assertThat(LogCapture.linesWith("\"event\":\"" + name + "\""))
                        .as(name + " in the log")
                        .anyMatch(line -> line.contains("kordon.audit") && line.contains(account));
            }

            // Refresh-token reuse is filed under the account it belongs to.
            long reuse = Await.until(
                    Duration.ofSeconds(10),
                    () -> Rig.await(rig.running
                                    .wiring()
                                    .pg()
                                    .query("SELECT count(*) FROM audit_events WHERE event = 'refresh.reuse'")
                                    .execute())
                            .iterator()
                            .next()
                            .getLong(0),
                    n -> n >= 1);
            assertThat(reuse).isEqualTo(1);
            assertThat(Await.until(Duration.ofSeconds(10), () -> sms.received.size(), n -> n >= 1))
                    .isEqualTo(1);
            assertThat(sms.received).hasSize(1);
            java.util.regex.Matcher code = java.util.regex.Pattern.compile("(\\d{6})")
                    .matcher(sms.received.get(0).getString("text"));
            assertThat(code.find()).isTrue();
            LogCapture.secret(code.group(1));
        }
    }
}
