package dev.kordon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.kordon.guard.Throttles;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.Scrape;
import dev.kordon.support.SmsProviderStub;
import dev.kordon.support.StrictSmtp;
import dev.kordon.support.TestServers;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Kordon's own metrics against a running Kordon: each event is caused through the public API (or,
 * for the outbox, by the mail relay and SMS provider failing), and the scrape of /metrics must
 * change by exactly what happened.
 */
class MetricsTest {
    static final String HITS = "kordon_throttle_hits_total";
    static final String DELIVERIES = "kordon_outbox_deliveries_total";
    static final Pattern TEMP = Mailbox.TEMP_PASSWORD;

    static MultiMap from(String ip) {
        return MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", ip);
    }

    static JsonObject mobile(String login) {
        return new JsonObject().put("category", "mobile").put("login", login);
    }

    static int password(Rig rig, String ip, String login, String password) {
        return rig.post("/api/v1/login/password", mobile(login).put("password", password), from(ip))
                .statusCode();
    }

    static int smsCode(Rig rig, String ip, String login) {
        return rig.post("/api/v1/login/sms-code", mobile(login), from(ip)).statusCode();
    }

    static int recovery(Rig rig, String ip, String login, String channel) {
        return rig.post("/api/v1/password/recovery", mobile(login).put("channel", channel), from(ip))
                .statusCode();
    }

    /** How much each throttle kind grew between two scrapes. */
    static Map<String, Double> hitsBetween(Scrape before, Scrape after) {
        Map<String, Double> grown = new HashMap<>();
        for (Throttles.Kind kind : Throttles.Kind.values()) {
            String label = kind.label();
            assertThat(after.has(HITS, "kind", label))
                    .as("%s{kind=%s} exported", HITS, label)
                    .isTrue();
            grown.put(label, after.value(HITS, "kind", label) - before.value(HITS, "kind", label));
        }
        return grown;
    }

    /** Every kind at 0 but those given. */
    static Map<String, Double> only(Map<String, Double> expected) {
        Map<String, Double> all = new HashMap<>();
        Arrays.stream(Throttles.Kind.values()).forEach(k -> all.put(k.label(), expected.getOrDefault(k.label(), 0.0)));
        return all;
    }

    @Test
    void everyRefusalWith429IsCountedOnceByTheLimitThatDecidedIt() {
        try (Rig rig = Rig.builder()
                .set("http.trusted-proxies", List.of("127.0.0.1"))
                .set("login.per-ip", 3)
                .set("login.per-account-ip", 1)
                .set("login.delay-after", 2)
                .set("login.delay-base", "1m")
                .set("sending.per-ip-hour", 2)
                .set("sms-code.resend-after", "0s")
                .set("sms-code.per-hour", 1)
                .set("recovery.per-hour", 1)
                .start()) {
            Scrape before = Scrape.of(rig);

            // login.per-ip: the fourth attempt from one address, whatever the login.
            for (int i = 1; i <= 3; i++) {
                assertThat(password(rig, "192.0.2.10", "+37529140000" + i, "wrong-password-" + i))
                        .isEqualTo(401);
            }
            assertThat(password(rig, "192.0.2.10", "+375291400004", "wrong-password-4"))
                    .isEqualTo(429);
            // login.per-account-ip: a second failure of one login from one address.
            assertThat(password(rig, "192.0.2.20", "+375291400010", "wrong-password-a"))
                    .isEqualTo(401);
            assertThat(password(rig, "192.0.2.20", "+375291400010", "wrong-password-b"))
                    .isEqualTo(429);
            // login.delay-after: the third try, from a third address, comes before the one-minute wait is over.
            assertThat(password(rig, "192.0.2.31", "+375291400020", "wrong-password-c"))
                    .isEqualTo(401);
            assertThat(password(rig, "192.0.2.32", "+375291400020", "wrong-password-d"))
                    .isEqualTo(401);
            assertThat(password(rig, "192.0.2.33", "+375291400020", "wrong-password-e"))
                    .isEqualTo(429);
            // Two attempts of the login in flight elsewhere (another instance's reservations) hold the free
            // failures: this one waits for them, and once the busy wait is over it is told to come back.
            var redis = rig.running.wiring().redis();
            String inFlight = redis.keys().passwordReservations("mobile", "+375291400030");
            long expiry = System.currentTimeMillis() + 60_000;
            Rig.await(redis.send(
                    Command.ZADD,
                    inFlight,
                    Long.toString(expiry),
                    "elsewhere-1",
                    Long.toString(expiry),
                    "elsewhere-2"));
            assertThat(password(rig, "192.0.2.40", "+375291400030", "wrong-password-f"))
                    .isEqualTo(429);
            // sending.per-ip-hour: a third send from one address.
            assertThat(smsCode(rig, "192.0.2.50", "+375291400040")).isEqualTo(202);
            assertThat(smsCode(rig, "192.0.2.50", "+375291400041")).isEqualTo(202);
            assertThat(smsCode(rig, "192.0.2.50", "+375291400042")).isEqualTo(429);
            // sms-code.per-hour: a second code for one number (no resend wait here).
            assertThat(smsCode(rig, "192.0.2.60", "+375291400050")).isEqualTo(202);
            assertThat(smsCode(rig, "192.0.2.61", "+375291400050")).isEqualTo(429);
            // recovery.per-hour: a second temporary password for one number.
            assertThat(recovery(rig, "192.0.2.70", "+375291400060", "email")).isEqualTo(202);
            assertThat(recovery(rig, "192.0.2.71", "+375291400060", "email")).isEqualTo(429);

            Scrape after = Scrape.of(rig);
            assertThat(hitsBetween(before, after))
                    .isEqualTo(only(Map.of(
                            "ip",
                            1.0,
                            "account_ip",
                            1.0,
                            "password_delay",
                            1.0,
                            "password_busy",
                            1.0,
                            "send_ip",
                            1.0,
                            "sms_hour",
                            1.0,
                            "recovery_hour",
                            1.0)));
            // A refused attempt costs no hashing: only the six that got an answer were checked.
            assertThat(after.value("kordon_hash_seconds_count", "op", "verify")
                            - before.value("kordon_hash_seconds_count", "op", "verify"))
                    .isEqualTo(6.0);
            // The labels name limits, never a login or an address.
            assertThat(after.labelValues(HITS, "kind"))
                    .hasSize(Throttles.Kind.values().length)
                    .noneMatch(v -> v.matches(".*\\d.*"));
        }
    }

    @Test
    void resendDailyCapsAndTheSmsBudgetAreCountedAndTheBudgetsUseIsExportedBesideItsCap() {
        try (SmsProviderStub provider = new SmsProviderStub();
                Rig rig = Rig.builder()
                        .set("http.trusted-proxies", List.of("127.0.0.1"))
                        .set("sms.provider", "http")
                        .set("sms.http.url", provider.url())
                        .set("sms-code.resend-after", "2s")
                        .set("sms-code.per-day", 1)
                        .set("recovery.per-day", 1)
                        .set("sending.sms-per-minute", 1)
                        .start()) {
            Scrape before = Scrape.of(rig);
            assertThat(before.value("kordon_sms_budget_per_minute")).isEqualTo(1.0);

            // sms-code.resend-after: the same number again at once.
            assertThat(smsCode(rig, "192.0.2.10", "+375291410001")).isEqualTo(202);
            assertThat(smsCode(rig, "192.0.2.11", "+375291410001")).isEqualTo(429);
            // sms-code.per-day: once the resend wait is over, the day's one code is spent.
            var redis = rig.running.wiring().redis();
            String resendGate = redis.keys().smsResend("mobile", "+375291410001");
            assertThat(Await.until(
                            Duration.ofSeconds(10),
                            () -> Rig.await(redis.send(Command.EXISTS, resendGate))
                                            .toInteger()
                                    == 0))
                    .isTrue();
            assertThat(smsCode(rig, "192.0.2.12", "+375291410001")).isEqualTo(429);
            // recovery.per-day
            assertThat(recovery(rig, "192.0.2.20", "+375291410002", "email")).isEqualTo(202);
            assertThat(recovery(rig, "192.0.2.21", "+375291410002", "email")).isEqualTo(429);
            Scrape beforeBudget = Scrape.of(rig);
            assertThat(beforeBudget.value("kordon_sms_budget_spent_total"))
                    .as("no SMS went out yet: the number above has no account")
                    .isEqualTo(before.value("kordon_sms_budget_spent_total"));

            // sending.sms-per-minute = 1: one account's code spends it; the next account's and a number
            // without an account are refused by the budget, and spend nothing.
            rig.account("+375291410010", null);
            rig.account("+375291410011", null);
            assertThat(smsCode(rig, "192.0.2.30", "+375291410010")).isEqualTo(202);
            assertThat(smsCode(rig, "192.0.2.31", "+375291410011")).isEqualTo(429);
            assertThat(smsCode(rig, "192.0.2.32", "+375291410012")).isEqualTo(429);

            Scrape after = Scrape.of(rig);
            assertThat(hitsBetween(before, after))
                    .isEqualTo(only(Map.of("sms_resend", 1.0, "sms_day", 1.0, "recovery_day", 1.0, "sms_budget", 2.0)));
            assertThat(after.value("kordon_sms_budget_spent_total")
                            - beforeBudget.value("kordon_sms_budget_spent_total"))
                    .isEqualTo(1.0);
            assertThat(after.value("kordon_sms_budget_per_minute")).isEqualTo(1.0);
        }
    }

    @Test
    void hashingIsTimedByJobOnThePoolAndInItsQueue() {
        String first = LogCapture.secret("Hash-Timing-Password-1");
        String next = LogCapture.secret("Quartz-Meadow-Lantern-42");
        try (Rig rig = Rig.start()) {
            Scrape before = Scrape.of(rig);
            // Waiting places follow the measured hash time: hash.max-wait's worth of hashes per thread.
            double recent = before.value("kordon_hash_recent_seconds");
            assertThat(recent).isPositive();
            assertThat(before.value("kordon_hash_queue_capacity"))
                    .isCloseTo(
                            Math.floor(
                                    rig.config.hash().maxWait().toNanos() * rig.config.hashWorkers() / (recent * 1e9)),
                            org.assertj.core.data.Offset.offset(1.0));
            assertThat(before.value("kordon_hash_queue_depth")).isZero();
            rig.account("+375291420001", first);
            String token = null;
            for (int i = 0; i < 3; i++) {
                var ok = rig.login("+375291420001", first);
                assertThat(ok.statusCode()).isEqualTo(200);
                token = ok.bodyAsJsonObject().getString("access_token");
            }
            assertThat(rig.login("+375291420001", "wrong-hash-timing-1").statusCode())
                    .isEqualTo(401);
            assertThat(rig.login("+375291420009", "wrong-hash-timing-2").statusCode())
                    .isEqualTo(401);
            Scrape signedIn = Scrape.of(rig);
            assertThat(grown(before, signedIn, "kordon_hash_seconds_count", "op", "verify"))
                    .isEqualTo(5.0);
            assertThat(grown(before, signedIn, "kordon_hash_queue_wait_seconds_count", "op", "verify"))
                    .isEqualTo(5.0);
            assertThat(grown(before, signedIn, "kordon_hash_seconds_count", "op", "hash"))
                    .isZero();
            assertThat(grown(before, signedIn, "kordon_hash_seconds_sum", "op", "verify"))
                    .isPositive();
            assertThat(signedIn.value("kordon_hash_seconds_bucket", "op", "verify", "le", "+Inf"))
                    .isEqualTo(signedIn.value("kordon_hash_seconds_count", "op", "verify"));

            // A signed-in change: the current password is verified, the new one hashed.
            var change = Rig.await(rig.http
                    .request(HttpMethod.POST, rig.running.httpPort(), "127.0.0.1", "/api/v1/password/change")
                    .putHeader("Authorization", "Bearer " + LogCapture.secret(token))
                    .sendJsonObject(new JsonObject()
                            .put("current_password", first)
                            .put("new_password", next)
                            .put("confirm_password", next)));
            assertThat(change.statusCode()).as(change.bodyAsString()).isEqualTo(204);
            Scrape changed = Scrape.of(rig);
            assertThat(grown(signedIn, changed, "kordon_hash_seconds_count", "op", "verify"))
                    .isEqualTo(1.0);
            assertThat(grown(signedIn, changed, "kordon_hash_seconds_count", "op", "hash"))
                    .isEqualTo(1.0);
            assertThat(grown(signedIn, changed, "kordon_hash_queue_wait_seconds_count", "op", "hash"))
                    .isEqualTo(1.0);
            assertThat(changed.value("kordon_hash_queue_depth")).isZero();
        }
    }

    @Test
    void aFloodFillsTheHashQueueUpToItsPlacesAndEveryShedSignInIsCountedOnce() {
        // About the count cap: hash.max-wait is set far beyond what two waiting hashes take.
        try (Rig rig = Rig.builder()
                .set("hash.workers", 1)
                .set("hash.queue", 2)
                .set("hash.max-wait", "60s")
                .set("hash.memory-kib", 262144)
                .set("hash.iterations", 2)
                .start()) {
            String password = LogCapture.secret("Flood-Metrics-Password-1");
            rig.account("+375291430001", password);
            Scrape before = Scrape.of(rig);
            assertThat(before.value("kordon_hash_queue_capacity")).isEqualTo(2.0);
            List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(rig.loginAsync("+375291430001", password));
            }
            // While one job runs on the only thread, the two others that got a place wait in the queue.
            List<Double> depths = new ArrayList<>();
            double seen = Await.until(
                    Duration.ofSeconds(20),
                    () -> {
                        double depth = Scrape.of(rig).value("kordon_hash_queue_depth");
                        depths.add(depth);
                        return depth;
                    },
                    d -> d == 2.0);
            assertThat(seen).isEqualTo(2.0);
            Rig.await(Future.join(calls));
            long shed =
                    calls.stream().filter(f -> f.result().statusCode() == 503).count();
            long served =
                    calls.stream().filter(f -> f.result().statusCode() == 200).count();
            assertThat(shed + served).isEqualTo(12);
            assertThat(shed).isPositive();
            // A place is taken before the sign-in's Redis and Postgres round trips: for that moment all three
            // admitted jobs may be on their way with the thread between two of them, never more.
            assertThat(depths)
                    .as("never more admitted than hash.workers + hash.queue")
                    .allMatch(d -> d <= 3.0);

            Scrape after = Await.until(
                    Duration.ofSeconds(10), () -> Scrape.of(rig), s -> s.value("kordon_hash_queue_depth") == 0.0);
            assertThat(after.value("kordon_hash_queue_depth")).isZero();
            assertThat(grown(before, after, "kordon_credential_shed_total")).isEqualTo(shed);
            assertThat(grown(before, after, "kordon_hash_seconds_count", "op", "verify"))
                    .isEqualTo(served);
            // The two that queued waited at least as long as a hash takes.
            assertThat(grown(before, after, "kordon_hash_queue_wait_seconds_sum", "op", "verify"))
                    .isGreaterThanOrEqualTo(after.value("kordon_hash_seconds_sum", "op", "verify") / served);
        }
    }

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

    private static double grown(Scrape before, Scrape after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
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
