package dev.kordon.ops;

import static dev.kordon.ops.ApiCalls.password;
import static dev.kordon.ops.ApiCalls.recovery;
import static dev.kordon.ops.ApiCalls.smsCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.guard.ThrottleKind;
import dev.kordon.support.Await;
import dev.kordon.support.Rig;
import dev.kordon.support.Scrape;
import dev.kordon.support.SmsProviderStub;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kordon_throttle_hits_total and the SMS budget's metrics against a running Kordon: each refusal is
 * caused through the public API, and the scrape of /metrics must change by exactly what happened,
 * once per refusal under the limit that decided it.
 */
class ThrottleMetricsTest {
    static final String HITS = "kordon_throttle_hits_total";

    /** How much each throttle kind grew between two scrapes. */
    static Map<String, Double> hitsBetween(Scrape before, Scrape after) {
        Map<String, Double> grown = new HashMap<>();
        for (ThrottleKind kind : ThrottleKind.values()) {
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
        Arrays.stream(ThrottleKind.values()).forEach(k -> all.put(k.label(), expected.getOrDefault(k.label(), 0.0)));
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
                    .hasSize(ThrottleKind.values().length)
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
}
