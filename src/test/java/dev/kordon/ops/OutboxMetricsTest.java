package dev.kordon.ops;

import static dev.kordon.ops.ApiCalls.recovery;
import static dev.kordon.support.Scrape.grown;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.Scrape;
import dev.kordon.support.SmsProviderStub;
import dev.kordon.support.StrictSmtp;
import dev.kordon.support.TestServers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The outbox's metrics against a running Kordon: the mail relay and the SMS provider refuse, fail
 * or are away, and the scrape of /metrics must count each delivery by kind and outcome, and show
 * the pending messages and the oldest one's age growing and falling back to zero.
 */
class OutboxMetricsTest {
    static final String DELIVERIES = "kordon_outbox_deliveries_total";
    static final Pattern TEMP = Mailbox.TEMP_PASSWORD;

    @Test
    void deliveriesAreCountedByKindAndOutcome() throws Exception {
        try (StrictSmtp relay =
                        new StrictSmtp().refuseForGood("dead-letter@org.by").busyOnceFor("busy-once@org.by");
                SmsProviderStub provider = new SmsProviderStub();
                Rig rig = fastRetries()
                        .set("smtp.port", relay.port())
                        .set("sms.provider", "http")
                        .set("sms.http.url", provider.url())
                        .start()) {
            Scrape before = Scrape.of(rig);
            for (String kind : List.of("mail", "sms")) {
                for (String outcome : List.of("sent", "retry", "dead", "dropped")) {
                    assertThat(before.has(DELIVERIES, "kind", kind, "outcome", outcome))
                            .as(kind + " " + outcome)
                            .isTrue();
                }
            }
            rig.account("mobile", "+375291440001", Rig.TARIFF, "active", null, "dead-letter@org.by");
            rig.account("mobile", "+375291440002", Rig.TARIFF, "active", null, "busy-once@org.by");
            rig.account("mobile", "+375291440003", Rig.TARIFF, "active", null, "accepted@org.by");
            rig.account("+375291440004", null);
            provider.failNext.set(2);
            for (int i = 1; i <= 3; i++) {
                assertThat(recovery(rig, "192.0.2.1", "+37529144000" + i, "email"))
                        .isEqualTo(202);
            }
            assertThat(recovery(rig, "192.0.2.1", "+375291440004", "sms")).isEqualTo(202);

            Map<String, Double> expected = Map.of(
                    "mail/sent",
                    2.0,
                    "mail/retry",
                    1.0,
                    "mail/dead",
                    1.0,
                    "mail/dropped",
                    0.0,
                    "sms/sent",
                    1.0,
                    "sms/retry",
                    2.0,
                    "sms/dead",
                    0.0,
                    "sms/dropped",
                    0.0);
            Scrape after = Await.until(
                    Duration.ofSeconds(20),
                    () -> Scrape.of(rig),
                    s -> deliveries(before, s).equals(expected) && s.value("kordon_outbox_pending") == 0.0);
            assertThat(deliveries(before, after)).isEqualTo(expected);
            assertThat(after.value("kordon_outbox_pending")).isZero();
            assertThat(after.value("kordon_outbox_lag_seconds")).isZero();
            assertThat(relay.accepted).containsOnlyKeys("busy-once@org.by", "accepted@org.by");
            String sms = provider.to("+375291440004").get(0).getString("text");
            Matcher temp = Pattern.compile("кабинет: (\\S+)\\.").matcher(sms);
            assertThat(temp.find()).isTrue();
            LogCapture.secret(temp.group(1));
        }
    }

    @Test
    void outboxPendingAndLagGrowWhileTheRelayIsDownAndFallToZeroOnceItIsBack() throws Exception {
        int port = TestServers.freePort();
        GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        try (Rig rig = fastRetries().set("smtp.port", port).start()) {
            Scrape before = Scrape.of(rig);
            assertThat(before.value("kordon_outbox_pending")).isZero();
            assertThat(before.value("kordon_outbox_lag_seconds")).isZero();
            for (int i = 0; i < 3; i++) {
                rig.account("mobile", "+37529145000" + i, Rig.TARIFF, "active", null, "lag-" + i + "@org.by");
                assertThat(recovery(rig, "192.0.2.1", "+37529145000" + i, "email"))
                        .isEqualTo(202);
            }
            Scrape waiting = Await.until(
                    Duration.ofSeconds(10),
                    () -> Scrape.of(rig),
                    s -> s.value("kordon_outbox_pending") == 3.0
                            && s.value("kordon_outbox_lag_seconds") >= 1.0
                            && grown(before, s, DELIVERIES, "kind", "mail", "outcome", "retry") >= 3.0);
            assertThat(waiting.value("kordon_outbox_pending")).isEqualTo(3.0);
            assertThat(grown(before, waiting, DELIVERIES, "kind", "mail", "outcome", "retry"))
                    .isGreaterThanOrEqualTo(3.0);
            double lag = waiting.value("kordon_outbox_lag_seconds");
            assertThat(lag).isGreaterThanOrEqualTo(1.0);
            // The oldest is still there: its age keeps growing, and nothing was sent.
            Scrape later = Await.until(
                    Duration.ofSeconds(10),
                    () -> Scrape.of(rig),
                    s -> s.value("kordon_outbox_lag_seconds") >= lag + 1.0);
            assertThat(later.value("kordon_outbox_lag_seconds")).isGreaterThanOrEqualTo(lag + 1.0);
            assertThat(later.value("kordon_outbox_pending")).isEqualTo(3.0);
            assertThat(grown(before, later, DELIVERIES, "kind", "mail", "outcome", "sent"))
                    .isZero();

            smtp.start();
            Scrape drained = Await.until(
                    Duration.ofSeconds(20),
                    () -> Scrape.of(rig),
                    s -> s.value("kordon_outbox_pending") == 0.0 && s.value("kordon_outbox_lag_seconds") == 0.0);
            assertThat(drained.value("kordon_outbox_pending")).isZero();
            assertThat(drained.value("kordon_outbox_lag_seconds")).isZero();
            assertThat(grown(before, drained, DELIVERIES, "kind", "mail", "outcome", "sent"))
                    .isEqualTo(3.0);
            for (int i = 0; i < 3; i++) {
                var mails = Mailbox.await(smtp, "lag-" + i + "@org.by", 1, 10_000);
                assertThat(mails).hasSize(1);
                Matcher t = TEMP.matcher(mails.get(0).text());
                assertThat(t.find()).isTrue();
                LogCapture.secret(t.group(1));
            }
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aMessageGivenUpIsCountedAsDropped() {
        try (Rig rig = fastRetries()
                .set("smtp.port", TestServers.freePort())
                .set("dispatch.give-up-after", "2s")
                .start()) {
            Scrape before = Scrape.of(rig);
            rig.account("mobile", "+375291460001", Rig.TARIFF, "active", null, "given-up@org.by");
            assertThat(recovery(rig, "192.0.2.1", "+375291460001", "email")).isEqualTo(202);
            Scrape after = Await.until(
                    Duration.ofSeconds(15),
                    () -> Scrape.of(rig),
                    s -> grown(before, s, DELIVERIES, "kind", "mail", "outcome", "dropped") == 1.0
                            && s.value("kordon_outbox_pending") == 0.0);
            assertThat(grown(before, after, DELIVERIES, "kind", "mail", "outcome", "dropped"))
                    .isEqualTo(1.0);
            assertThat(grown(before, after, DELIVERIES, "kind", "mail", "outcome", "sent"))
                    .isZero();
            assertThat(after.value("kordon_outbox_pending")).isZero();
        }
    }

    private static Rig.Builder fastRetries() {
        return Rig.builder()
                .set("dispatch.retry-base", "100ms")
                .set("dispatch.retry-max", "400ms")
                .set("dispatch.send-timeout", "2s")
                .set("dispatch.claim-after", "3s");
    }

    private static Map<String, Double> deliveries(Scrape before, Scrape after) {
        Map<String, Double> grown = new HashMap<>();
        for (String kind : List.of("mail", "sms")) {
            for (String outcome : List.of("sent", "retry", "dead", "dropped")) {
                grown.put(kind + "/" + outcome, grown(before, after, DELIVERIES, "kind", kind, "outcome", outcome));
            }
        }
        return grown;
    }
}
