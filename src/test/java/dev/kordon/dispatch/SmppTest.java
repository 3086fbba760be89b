package dev.kordon.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.SmscStub;
import dev.kordon.support.TestServers;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The smpp provider against a real SMPP server: codes and temporary passwords reach the SMSC. */
class SmppTest {
    static void waitFor(SmscStub smsc, String digits, int count) {
        Await.until(Duration.ofSeconds(20), () -> smsc.to(digits).size() >= count);
    }

    @Test
    void codesAndTemporaryPasswordsGoThroughTheSmscEvenAfterItWasDown() throws Exception {
        int port = TestServers.freePort();
        try (Rig rig = Rig.builder()
                .set("sms.provider", "smpp")
                .set("sms.smpp.host", "127.0.0.1")
                .set("sms.smpp.port", port)
                .set("sms.smpp.system-id", "kordon")
                .set("sms.smpp.password", "secret")
                .set("dispatch.retry-base", "200ms")
                .set("dispatch.retry-max", "500ms")
                .set("dispatch.send-timeout", "2s")
                .set("dispatch.claim-after", "5s")
                .set("sms-code.resend-after", "0s")
                .start()) {
            rig.account("+375441950001", null);
            // The SMSC is down when the code is asked for; the outbox keeps it until the SMSC is back.
            assertThat(rig.post(
                                    "/api/v1/login/sms-code",
                                    new JsonObject().put("category", "mobile").put("login", "+375441950001"))
                            .statusCode())
                    .isEqualTo(202);
            // The outbox tries the SMSC that is down, and keeps the message for a retry.
            Await.hold(Duration.ofMillis(700));
            try (SmscStub smsc = new SmscStub(port)) {
                waitFor(smsc, "375441950001", 1);
                assertThat(smsc.to("375441950001")).hasSize(1);
                Matcher code = Pattern.compile("Код для входа в Личный кабинет: (\\d{6})")
                        .matcher(smsc.to("375441950001").get(0).text());
                assertThat(code.matches()).isTrue();
                var signIn = rig.post(
                        "/api/v1/login/sms",
                        new JsonObject()
                                .put("category", "mobile")
                                .put("login", "+375441950001")
                                .put("code", LogCapture.secret(code.group(1))));
                assertThat(signIn.statusCode()).isEqualTo(200);

                // A text longer than one SMS travels in message_payload, whole.
                rig.post(
                        "/api/v1/password/recovery",
                        new JsonObject()
                                .put("category", "mobile")
                                .put("login", "+375441950001")
                                .put("channel", "sms"));
                waitFor(smsc, "375441950001", 2);
                String text = smsc.to("375441950001").get(1).text();
                assertThat(text)
                        .startsWith("Временный пароль для входа в Личный кабинет: ")
                        .endsWith("при первом входе.");
                Matcher temp = Pattern.compile("кабинет: (\\S+)\\.").matcher(text);
                assertThat(temp.find()).isTrue();
                LogCapture.secret(temp.group(1));
                // A window for a duplicate to arrive, had there been one.
                Await.hold(Duration.ofMillis(500));
                assertThat(smsc.to("375441950001")).hasSize(2);
            }
        }
    }
}
