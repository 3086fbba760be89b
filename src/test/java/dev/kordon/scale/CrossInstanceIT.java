package dev.kordon.scale;

import static dev.kordon.scale.ScaleStack.HASH_ITERATIONS;
import static dev.kordon.scale.ScaleStack.HASH_MEMORY_KIB;
import static dev.kordon.scale.ScaleStack.PASSWORD;
import static dev.kordon.scale.ScaleStack.SMS_CODE;
import static dev.kordon.scale.ScaleStack.TEMP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.scale.Accounts.Acct;
import dev.kordon.support.Mailbox;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Three instances on one Redis Cluster act as one: a flow begun on one instance goes on at another
 * (codes, failure counts, locks, sign-outs, recoveries), and the outbox delivers each mail once
 * whichever instance reads it, also after SMTP was down for 30 s; {@link ClusterLoadIT} loads the
 * same topology. Client addresses are chosen through X-Forwarded-For (the
 * instances trust 127.0.0.1, where the tests connect from). The stack is {@link ClusterStack}'s.
 */
class CrossInstanceIT {
    static ClusterStack stack;

    @BeforeAll
    static void start() throws Exception {
        ScaleStack.requireTools();
        stack = new ClusterStack("CrossInstanceIT");
        stack.start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void wholeStack(TestInfo test) throws Exception {
        stack.ensureHealthy(test.getTestMethod().orElseThrow().getName());
    }

    @Test
    void crossInstanceFlowsShareState() throws Exception {
        Instance a = stack.instances.get(0);
        Instance b = stack.instances.get(1);
        Instance c = stack.instances.get(2);
        String xff = "127.50.0.1";
        System.out.println("\n== crossInstanceFlowsShareState");

        // An SMS code asked on A signs in on B; the one-visit token verifies on C; the code is spent everywhere.
        String smsLogin = "+375291100001";
        assertThat(Accounts.put(a, smsLogin, "cross-sms@org.by").status()).isEqualTo(201);
        Http.Answer asked = Http.postJson(
                a.base() + "/api/v1/login/sms-code",
                new JsonObject().put("category", "mobile").put("login", smsLogin),
                null,
                xff);
        assertThat(asked.status()).as("sms-code on A: %s", asked).isEqualTo(202);
        Procs.await(
                "the SMS to " + smsLogin,
                Duration.ofSeconds(15),
                () -> !stack.sms.to(smsLogin).isEmpty());
        Matcher m = SMS_CODE.matcher(stack.sms.to(smsLogin).get(0).getString("text"));
        assertThat(m.find()).isTrue();
        String code = stack.secret(m.group(1));
        JsonObject smsBody = new JsonObject()
                .put("category", "mobile")
                .put("login", smsLogin)
                .put("code", code);
        Http.Answer onB = Http.postJson(b.base() + "/api/v1/login/sms", smsBody, null, xff);
        assertThat(onB.status()).as("the code on B: %s", onB).isEqualTo(200);
        assertThat(onB.json().containsKey("refresh_token")).isFalse();
        String smsToken = stack.secret(onB.json().getString("access_token"));
        assertThat(Http.get(c.base() + "/auth/verify", smsToken).status())
                .as("its token on C")
                .isEqualTo(200);
        assertThat(Http.postJson(c.base() + "/api/v1/login/sms", smsBody, null, xff)
                        .status())
                .as("the code again, on C")
                .isEqualTo(401);
        System.out.println("  ok  SMS code asked on A, signed in on B, token verified on C, code refused again on C");

        // Password failures on A, B and C add up to one count: the delay, then the lock.
        String pwLogin = "+375291100002";
        assertThat(Accounts.put(b, pwLogin, "cross-pw@org.by").status()).isEqualTo(201);
        Accounts.setPassword(stack.jdbcUrl, List.of(pwLogin), PASSWORD, HASH_MEMORY_KIB, HASH_ITERATIONS);
        List<Instance> abc = List.of(a, b, c);
        for (Instance i : abc) {
            Http.Answer wrong = Http.postJson(
                    i.base() + "/api/v1/login/password", Accounts.body(pwLogin, "Wrong-Guess-1234"), null, xff);
            assertThat(wrong.status())
                    .as("a wrong password on %s: %s", i, wrong)
                    .isEqualTo(401);
        }
        JsonObject state = Accounts.get(b, pwLogin);
        assertThat(state.getLong("password_failures"))
                .as("failures counted over A, B, C: %s", state)
                .isEqualTo(3);
        // login.delay-after is 3: now even the right password waits (login.delay-base 1 s), whichever instance.
        Http.Answer delayed =
                Http.postJson(a.base() + "/api/v1/login/password", Accounts.body(pwLogin, PASSWORD), null, xff);
        assertThat(delayed.status())
                .as("right password on A right after three failures elsewhere: %s", delayed)
                .isEqualTo(429);
        assertThat(delayed.retryAfter()).isNotBlank();
        for (Instance i : List.of(b, c, a)) {
            Procs.sleep(1_200);
            Http.Answer wrong = Http.postJson(
                    i.base() + "/api/v1/login/password", Accounts.body(pwLogin, "Wrong-Guess-1234"), null, xff);
            assertThat(wrong.status())
                    .as("a wrong password on %s after the delay: %s", i, wrong)
                    .isEqualTo(401);
        }
        state = Accounts.get(c, pwLogin);
        assertThat(state.getLong("password_failures"))
                .as("state after six failures: %s", state)
                .isEqualTo(6);
        assertThat(state.getBoolean("password_locked"))
                .as("locked at login.lock-after = 6: %s", state)
                .isTrue();
        Procs.sleep(1_200);
        assertThat(Http.postJson(b.base() + "/api/v1/login/password", Accounts.body(pwLogin, PASSWORD), null, xff)
                        .status())
                .as("the right password on B while locked")
                .isEqualTo(401);
        assertThat(Accounts.unlock(a, pwLogin).status())
                .as("unlock on A's admin port")
                .isEqualTo(204);
        Http.Answer unlocked =
                Http.postJson(c.base() + "/api/v1/login/password", Accounts.body(pwLogin, PASSWORD), null, xff);
        assertThat(unlocked.status())
                .as("the right password on C after the unlock: %s", unlocked)
                .isEqualTo(200);
        String pwToken = stack.secret(unlocked.json().getString("access_token"));
        assertThat(Accounts.get(b, pwLogin).getLong("password_failures")).isZero();
        System.out.println(
                "  ok  wrong passwords on A, B, C counted as 3; delay (429) on A; locked at 6; unlock on A; sign-in on C");

        // A sign-out on A holds on B and C.
        assertThat(Http.get(b.base() + "/auth/verify", pwToken).status()).isEqualTo(200);
        assertThat(Http.postJson(a.base() + "/api/v1/logout", null, pwToken, xff)
                        .status())
                .as("logout on A")
                .isEqualTo(204);
        assertThat(Http.get(b.base() + "/auth/verify", pwToken).status())
                .as("verify on B after logout on A")
                .isEqualTo(401);
        assertThat(Http.get(c.base() + "/auth/verify", pwToken).status())
                .as("verify on C after logout on A")
                .isEqualTo(401);
        System.out.println("  ok  logout on A: the token refused on B and C");

        // Recovery asked on C, the temporary password used on A, the forced change made on B, the new password on C.
        String recLogin = "+375291100003";
        String recMail = "cross-recovery@org.by";
        assertThat(Accounts.put(c, recLogin, recMail).status()).isEqualTo(201);
        Http.Answer recovery = Http.postJson(
                c.base() + "/api/v1/password/recovery",
                new JsonObject()
                        .put("category", "mobile")
                        .put("login", recLogin)
                        .put("channel", "email"),
                null,
                xff);
        assertThat(recovery.status()).as("recovery on C: %s", recovery).isEqualTo(202);
        List<Mailbox.Mail> mails = Mailbox.await(stack.smtp.server(), recMail, 1, 20_000);
        assertThat(mails).as("the recovery mail").hasSize(1);
        Matcher t = TEMP.matcher(mails.get(0).text());
        assertThat(t.find()).isTrue();
        String temp = stack.secret(t.group(1));
        Http.Answer withTemp =
                Http.postJson(a.base() + "/api/v1/login/password", Accounts.body(recLogin, temp), null, xff);
        assertThat(withTemp.status())
                .as("the temporary password on A: %s", withTemp)
                .isEqualTo(200);
        assertThat(withTemp.json().getBoolean("password_change_required")).isTrue();
        String change = stack.secret(withTemp.json().getString("change_token"));
        String fresh = stack.secret("Velvet-Compass-8260");
        Http.Answer changed = Http.postJson(
                b.base() + "/api/v1/password/change",
                new JsonObject().put("new_password", fresh).put("confirm_password", fresh),
                change,
                xff);
        assertThat(changed.status()).as("the change on B: %s", changed).isEqualTo(204);
        Http.Answer withFresh =
                Http.postJson(c.base() + "/api/v1/login/password", Accounts.body(recLogin, fresh), null, xff);
        assertThat(withFresh.status())
                .as("the new password on C: %s", withFresh)
                .isEqualTo(200);
        stack.secret(withFresh.json().getString("access_token"));
        assertThat(Http.postJson(b.base() + "/api/v1/login/password", Accounts.body(recLogin, temp), null, xff)
                        .status())
                .as("the temporary password again, on B")
                .isEqualTo(401);
        // The change's notice comes too; after it no mail of this test is on its way.
        assertThat(Mailbox.await(stack.smtp.server(), recMail, 2, 20_000))
                .as("recovery mail and change notice")
                .hasSize(2);
        System.out.println("  ok  recovery asked on C, temporary password used on A, changed on B, new password on C");

        // The outbox, read by every instance's dispatcher, delivers each of N recoveries once.
        int n = 30;
        List<Acct> drain = IntStream.range(0, n)
                .mapToObj(i -> new Acct(String.format("+37529120%04d", i), "drain-" + i + "@org.by"))
                .toList();
        Accounts.importCsv(a, drain);
        Map<String, Double> sentBefore = stack.mailsSent();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            statuses.add(Http.postJson(
                            abc.get(i % 3).base() + "/api/v1/password/recovery",
                            new JsonObject()
                                    .put("category", "mobile")
                                    .put("login", drain.get(i).login())
                                    .put("channel", "email"),
                            null,
                            "127.50.1." + (i + 1))
                    .status());
        }
        assertThat(statuses).as("recoveries asked on A, B, C in turn").containsOnly(202);
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end
                && drain.stream()
                        .anyMatch(
                                d -> Mailbox.to(stack.smtp.server(), d.email()).isEmpty())) {
            Procs.sleep(100);
        }
        Procs.sleep(3_000); // long enough for a second delivery of any of them to show up
        Map<String, Integer> perRecipient = stack.mailsPerRecipient(drain);
        Map<String, Double> sentAfter = stack.mailsSent();
        Map<String, Double> byInstance = new LinkedHashMap<>();
        sentAfter.forEach((k, v) -> byInstance.put(k, v - sentBefore.getOrDefault(k, 0.0)));
        System.out.printf(
                "  ..  %d recoveries over A, B, C: mails per recipient (count of recipients) %s; sent by instance %s%n",
                n,
                perRecipient.values().stream().collect(Collectors.groupingBy(x -> x, Collectors.counting())),
                byInstance);
        assertThat(perRecipient)
                .as("mails per recipient")
                .allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo(1));
        assertThat(byInstance.values().stream().mapToDouble(Double::doubleValue).sum())
                .as("mails the instances report sent (kordon_outbox_deliveries_total), by instance %s", byInstance)
                .isEqualTo(n);
        assertThat(stack.outboxLength()).as("entries left in the outbox stream").isZero();
    }

    @Test
    void mailAcceptedWhileSmtpIsDownIsDeliveredOnceAfter() {
        int n = 30;
        List<Acct> outage = IntStream.range(0, n)
                .mapToObj(i -> new Acct(String.format("+37529130%04d", i), "outage-" + i + "@org.by"))
                .toList();
        Accounts.importCsv(stack.instances.get(0), outage);
        stack.smtp.stop();
        long down = System.nanoTime();
        List<Integer> statuses = new ArrayList<>();
        long waiting;
        try {
            for (int i = 0; i < n; i++) {
                statuses.add(Http.postJson(
                                stack.instances.get(i % 3).base() + "/api/v1/password/recovery",
                                new JsonObject()
                                        .put("category", "mobile")
                                        .put("login", outage.get(i).login())
                                        .put("channel", "email"),
                                null,
                                "127.51.0." + (i + 1))
                        .status());
            }
            Procs.sleep(Math.max(0, Duration.ofSeconds(30).toMillis() - (System.nanoTime() - down) / 1_000_000));
            waiting = stack.outboxLength();
        } finally {
            stack.smtp.start();
        }
        long up = System.nanoTime();
        long end = up + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end
                && outage.stream()
                        .anyMatch(
                                d -> Mailbox.to(stack.smtp.server(), d.email()).isEmpty())) {
            Procs.sleep(100);
        }
        double allIn = (System.nanoTime() - up) / 1e9;
        Procs.sleep(3_000); // long enough for a second delivery of any of them to show up
        Map<String, Integer> perRecipient = stack.mailsPerRecipient(outage);
        long left = stack.outboxLength();
        System.out.printf(
                "%n== mailAcceptedWhileSmtpIsDown…: SMTP down 30 s, %d recoveries over A/B/C answered %s; %d waited "
                        + "in the outbox; SMTP up again: all in after %.1f s; mails per recipient %s; outbox left %d%n",
                n,
                statuses.stream().collect(Collectors.groupingBy(x -> x, Collectors.counting())),
                waiting,
                allIn,
                perRecipient.values().stream().collect(Collectors.groupingBy(x -> x, Collectors.counting())),
                left);
        assertThat(statuses).as("recoveries accepted while SMTP is down").containsOnly(202);
        assertThat(waiting)
                .as("messages waiting in the outbox while SMTP was down")
                .isEqualTo(n);
        assertThat(perRecipient)
                .as("mails per recipient, 3 s after the last arrived (%.1f s after SMTP came back)", allIn)
                .allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo(1));
        assertThat(left).as("entries left in the outbox stream").isZero();
    }
}
