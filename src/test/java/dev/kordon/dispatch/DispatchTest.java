package dev.kordon.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import dev.kordon.support.StrictSmtp;
import dev.kordon.support.TestServers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The outbox keeps its promise: accepted messages arrive, once, through outages and crashes. */
class DispatchTest {
    static final Pattern TEMP = Mailbox.TEMP_PASSWORD;

    private static Rig.Builder fastRetries() {
        return Rig.builder()
                .set("dispatch.retry-base", "100ms")
                .set("dispatch.retry-max", "400ms")
                .set("dispatch.send-timeout", "2s")
                .set("dispatch.claim-after", "3s");
    }

    private static void recover(Rig rig, String phone) {
        var r = rig.post(
                "/api/v1/password/recovery",
                new JsonObject().put("category", "mobile").put("login", phone).put("channel", "email"));
        assertThat(r.statusCode()).isEqualTo(202);
    }

    private static Map<String, Integer> countByRecipient(GreenMail smtp) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            counts.merge(m.getAllRecipients()[0].toString(), 1, Integer::sum);
            Matcher t = TEMP.matcher(String.valueOf(
                    Mailbox.to(smtp, m.getAllRecipients()[0].toString()).get(0).text()));
            if (t.find()) {
                LogCapture.secret(t.group(1));
            }
        }
        return counts;
    }

    @Test
    void smtpDownWhileFiftyAreAcceptedThenUpAllDeliveredNoneTwice() throws Exception {
        int port = TestServers.freePort();
        GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        try (Rig rig = fastRetries().set("smtp.port", port).start()) {
            List<String> recipients = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String phone = String.format("+37529170%04d", i);
                String email = "outage-" + i + "@org.by";
                rig.account("mobile", phone, Rig.TARIFF, "active", null, email);
                recipients.add(email);
            }
            List<Future<?>> accepted = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                accepted.add(rig.postAsync(
                                "/api/v1/password/recovery",
                                new JsonObject()
                                        .put("category", "mobile")
                                        .put("login", String.format("+37529170%04d", i))
                                        .put("channel", "email"),
                                null)
                        .map(r -> {
                            assertThat(r.statusCode()).isEqualTo(202);
                            return r;
                        }));
            }
            Rig.await(Future.all(accepted));

            // While SMTP is down the messages wait in the stream, sealed: no address, no password in clear.
            var redis = rig.running.wiring().redis();
            awaitPending(rig, 50);
            Response entries = Rig.await(redis.send(Command.XRANGE, redis.keys().outbox(), "-", "+"));
            assertThat(entries.size()).isEqualTo(50);
            for (Response e : entries) {
                String all = e.get(1).toString();
                assertThat(all)
                        .doesNotContain("@org.by")
                        .doesNotContain("Временный")
                        .doesNotContain("375291");
            }

            smtp.start();
            Await.until(Duration.ofSeconds(30), () -> smtp.getReceivedMessages().length >= 50);
            // Once the stream is empty every delivery has finished: a duplicate would have arrived by then.
            awaitEmptyOutbox(rig);
            Map<String, Integer> counts = countByRecipient(smtp);
            assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(recipients);
            assertThat(counts.values()).allMatch(n -> n == 1);
            assertThat(Rig.await(redis.send(Command.XLEN, redis.keys().outbox()))
                            .toLong())
                    .isZero();
        } finally {
            smtp.stop();
        }
    }

    @Test
    void mailRefusedForGoodIsSetAsideAtOnceAndNeverHoldsUpOtherMail() throws Exception {
        try (StrictSmtp relay = new StrictSmtp().refuseForGood("dead@org.by").busyOnceFor("alive@org.by");
                Rig rig = Rig.builder()
                        .set("smtp.port", relay.port())
                        .set("dispatch.retry-base", "500ms")
                        .set("dispatch.retry-max", "1m")
                        .set("sending.per-ip-hour", 10_000)
                        .start()) {
            List<Future<?>> asked = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String phone = String.format("+37529190%04d", i);
                rig.account("mobile", phone, Rig.TARIFF, "active", null, "dead@org.by");
                asked.add(rig.postAsync(
                        "/api/v1/password/recovery",
                        new JsonObject()
                                .put("category", "mobile")
                                .put("login", phone)
                                .put("channel", "email"),
                        null));
            }
            Rig.await(Future.all(asked));
            // A later recovery whose relay is busy for a moment: its retry must not wait behind the dead ones.
            rig.account("mobile", "+375291959999", Rig.TARIFF, "active", null, "alive@org.by");
            long t0 = System.nanoTime();
            recover(rig, "+375291959999");
            Await.until(Duration.ofSeconds(20), () -> relay.accepted.getOrDefault("alive@org.by", 0) > 0);
            double aliveAfter = (System.nanoTime() - t0) / 1e9;
            assertThat(relay.accepted.getOrDefault("alive@org.by", 0))
                    .as("the mail that met a 451")
                    .isEqualTo(1);
            assertThat(relay.attempts.get("alive@org.by"))
                    .as("its tries: the 451, then the delivery")
                    .isEqualTo(2);
            assertThat(aliveAfter).as("seconds until it was delivered").isLessThan(10);

            // The 200 refused for good: tried once each, then set aside, not retried for a day.
            awaitEmptyOutbox(rig);
            assertThat(relay.attempts.get("dead@org.by"))
                    .as("tries of the dead mailbox")
                    .isEqualTo(200);
            var redis = rig.running.wiring().redis();
            assertThat(Rig.await(redis.send(Command.XLEN, redis.keys().deadLetters()))
                            .toLong())
                    .isEqualTo(200);
            Response dead = Rig.await(redis.send(Command.XRANGE, redis.keys().deadLetters(), "-", "+", "COUNT", "1"));
            String letter = dead.get(0).get(1).toString();
            assertThat(letter).contains("550").doesNotContain("Временный");
            long audited = Rig.await(rig.running
                            .wiring()
                            .pg()
                            .query("SELECT count(*) FROM audit_events WHERE event = 'outbox.dead_letter'")
                            .execute())
                    .iterator()
                    .next()
                    .getLong(0);
            assertThat(audited).isEqualTo(200);
            assertThat(rig.admin(io.vertx.core.http.HttpMethod.GET, "/metrics", null, Rig.ADMIN_TOKEN)
                            .bodyAsString())
                    .containsPattern("kordon_outbox_deliveries_total\\{kind=\"mail\",outcome=\"dead\",?\\} 200\\.0");
        }
    }

    /** Until {@code n} messages of the outbox have been tried and wait for their retry. */
    static void awaitPending(Rig rig, long n) {
        var redis = rig.running.wiring().redis();
        long pending = Await.until(
                Duration.ofSeconds(15),
                () -> Rig.await(redis.send(Command.XPENDING, redis.keys().outbox(), "dispatch"))
                        .get(0)
                        .toLong(),
                p -> p >= n);
        assertThat(pending).as("outbox messages tried and waiting").isEqualTo(n);
    }

    /** Until the outbox stream is empty: every message was delivered and deleted. */
    static void awaitEmptyOutbox(Rig rig) {
        var redis = rig.running.wiring().redis();
        long left = Await.until(
                Duration.ofSeconds(15),
                () -> Rig.await(redis.send(Command.XLEN, redis.keys().outbox())).toLong(),
                l -> l == 0);
        assertThat(left).as("outbox entries left").isZero();
    }

    @Test
    void aCrashedInstancesPendingMessagesAreDeliveredByAnother() throws Exception {
        int deadPort = TestServers.freePort();
        Rig first = fastRetries().set("smtp.port", deadPort).start();
        for (int i = 0; i < 5; i++) {
            first.account(
                    "mobile", String.format("+37529180%04d", i), Rig.TARIFF, "active", null, "crash-" + i + "@org.by");
            recover(first, String.format("+37529180%04d", i));
        }
        var redis = first.running.wiring().redis();
        // Wait until the first instance has tried (and failed) them: they are pending under its name.
        long pending = Await.until(
                Duration.ofSeconds(10),
                () -> Rig.await(redis.send(Command.XPENDING, redis.keys().outbox(), "dispatch"))
                        .get(0)
                        .toLong(),
                p -> p >= 5);
        assertThat(pending).isEqualTo(5);
        // The instance dies without a goodbye: no acks, no handing over.
        Rig.await(first.vertx.close());

        String key =
                Base64.getEncoder().encodeToString(first.config.secretKeys().get(0));
        try (Rig second = fastRetries()
                .set("pg.url", first.config.pg().url())
                .set("redis.key-prefix", first.prefix)
                .set("secrets.key", key)
                .start()) {
            for (int i = 0; i < 5; i++) {
                assertThat(Mailbox.await(TestServers.smtp(), "crash-" + i + "@org.by", 1, 20_000))
                        .hasSize(1);
            }
            awaitEmptyOutbox(second);
            for (int i = 0; i < 5; i++) {
                var mails = Mailbox.to(TestServers.smtp(), "crash-" + i + "@org.by");
                assertThat(mails).hasSize(1);
                Matcher t = TEMP.matcher(mails.get(0).text());
                assertThat(t.find()).isTrue();
                LogCapture.secret(t.group(1));
            }
        }
    }

    @Test
    void smsProviderErrorsAreRetriedUntilAccepted() {
        try (SmsProviderStub provider = new SmsProviderStub();
                Rig rig = fastRetries()
                        .set("sms.provider", "http")
                        .set("sms.http.url", provider.url())
                        .start()) {
            rig.account("+375441900001", null);
            provider.failNext.set(3);
            var r = rig.post(
                    "/api/v1/password/recovery",
                    new JsonObject()
                            .put("category", "mobile")
                            .put("login", "+375441900001")
                            .put("channel", "sms"));
            assertThat(r.statusCode()).isEqualTo(202);
            Await.until(
                    Duration.ofSeconds(15), () -> !provider.to("+375441900001").isEmpty());
            // A window for a duplicate to arrive, had there been one.
            Await.hold(Duration.ofSeconds(1));
            List<JsonObject> got = provider.to("+375441900001");
            assertThat(got).hasSize(1);
            assertThat(provider.failNext.get()).isZero();
            String text = got.get(0).getString("text");
            assertThat(text)
                    .startsWith("Временный пароль для входа в Личный кабинет: ")
                    .contains("24 ч");
            Matcher t = Pattern.compile("кабинет: (\\S+)\\.").matcher(text);
            assertThat(t.find()).isTrue();
            String temp = LogCapture.secret(t.group(1));
            assertThat(rig.login("+375441900001", temp).bodyAsJsonObject().getBoolean("password_change_required"))
                    .isTrue();
        }
    }

    @Test
    void retriesBackOffByDoubling() {
        var config = new dev.kordon.config.KordonConfig.Dispatch(
                java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(60),
                java.time.Duration.ofHours(24),
                java.time.Duration.ofSeconds(30),
                java.time.Duration.ofMillis(500),
                java.time.Duration.ofSeconds(20),
                0,
                java.time.Duration.ofSeconds(1));
        OutboxVerticle v = new OutboxVerticle(null, null, config, null, null);
        List<Long> schedule = new ArrayList<>();
        for (int n = 1; n <= 9; n++) {
            schedule.add(v.backoff(n));
        }
        assertThat(schedule).containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 60000L, 60000L, 60000L);
    }
}
