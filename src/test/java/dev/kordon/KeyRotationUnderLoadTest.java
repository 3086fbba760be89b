package dev.kordon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.FaultProxy;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The rotation of docs/operations.md, step by step as rolling restarts (the new instance up before
 * the old one goes), while recoveries keep arriving at whichever instances are up: every recovery
 * answered 202 is one mail, none is lost, none is sent twice, and nothing ends as a dead letter.
 * The relay is slowed from the first step until {@code reseal}'s first run, so mail sealed under
 * the old key waits in the outbox when it runs (and is being sent when instances stop).
 */
class KeyRotationUnderLoadTest {
    private static final int ACCOUNTS = 40;
    private static final int CLIENTS = 4;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String prefix = "t" + run;
    /** The instances the load goes to; one leaves it before it is stopped. */
    private final AtomicReference<List<Rig>> live = new AtomicReference<>(List.of());

    private final Map<Rig, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
    private final List<String> resealOutput = new ArrayList<>();
    private FaultProxy relay;
    private String pgUrl;

    @Test
    void aSecretsKeyRotatedWhileRecoveriesArriveLosesNoMailAndSendsNoneTwice() throws Exception {
        byte[] a = key();
        byte[] b = key();
        relay = new FaultProxy(TestServers.smtp().getSmtp().getPort());
        Rig first = rig(null, a);
        pgUrl = first.config.pg().url();
        List<String> logins = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            String login = String.format("+37529%03d%04d", 700 + i % 10, Math.abs(run.hashCode() % 9000) + i);
            logins.add(login);
            first.account("mobile", login, Rig.TARIFF, "active", null, email(login));
            accepted.put(email(login), new AtomicInteger());
        }
        live.set(List.of(first));
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Thread t = new Thread(() -> load(logins, loading), "recovery-client-" + c);
            t.start();
            clients.add(t);
        }
        Rig last;
        try {
            Await.hold(Duration.ofSeconds(1));
            // Slow enough that mail piles up, quick enough that each send ends within what a
            // stopping instance gives its sends (Settle): a send cut short may go out twice.
            relay.slow(Duration.ofMillis(50));
            Await.hold(Duration.ofSeconds(1));
            // 1. The new key second, 2. the new key first: each a rolling restart.
            Rig second = replace(first, rig(pgUrl, a, b));
            Rig third = replace(second, rig(pgUrl, b, a));
            // 3. reseal while the instance sends and new mail keeps coming; the relay's backlog clears.
            assertThat(reseal(third, b, a))
                    .as("reseal's first run, with a backlog")
                    .isIn(Cli.OK, 5);
            relay.pass();
            int resealRuns = 1;
            // What a stopped instance left unfinished waits dispatch.claim-after before reseal takes it.
            while (resealRuns < 20 && reseal(third, b, a) != Cli.OK) {
                resealRuns++;
                Await.hold(Duration.ofSeconds(1));
            }
            assertThat(resealRuns)
                    .as("reseal runs until nothing was left behind")
                    .isLessThan(20);
            Matcher report = Pattern.compile(
                            "outbox: (\\d+) resealed, \\d+ under the newest key already, (\\d+) being sent")
                    .matcher(resealOutput.get(0));
            assertThat(report.find())
                    .as("reseal's report: %s", resealOutput.get(0))
                    .isTrue();
            assertThat(Integer.parseInt(report.group(1)) + Integer.parseInt(report.group(2)))
                    .as("mail under the old key, waiting or being sent, when reseal first ran")
                    .isPositive();
            // 4. The old key dropped.
            last = replace(third, rig(pgUrl, b));
            Await.hold(Duration.ofSeconds(2));
        } finally {
            loading.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }
        }
        try {
            int total = accepted.values().stream().mapToInt(AtomicInteger::get).sum();
            assertThat(refused).as("answers other than 202 during the rotation").isEmpty();
            assertThat(total).as("recoveries accepted during the rotation").isGreaterThan(100);
            Map<String, Integer> expected = new HashMap<>();
            accepted.forEach((to, n) -> expected.put(to, n.get()));
            Await.until(Duration.ofSeconds(40), this::delivered, got -> got.equals(expected));
            // A window for a second copy to arrive, had there been one.
            Await.hold(Duration.ofSeconds(2));
            Map<String, Integer> got = delivered();
            Map<String, String> off = new HashMap<>();
            expected.forEach((to, n) -> {
                if (!n.equals(got.get(to))) {
                    off.put(to, n + " accepted, " + got.get(to) + " mailed");
                }
            });
            assertThat(off).as("addresses whose mails differ from their 202s").isEmpty();
            for (String to : expected.keySet()) {
                assertThat(Mailbox.to(TestServers.smtp(), to))
                        .as("each mail to %s carries its temporary password", to)
                        .allMatch(m -> Mailbox.TEMP_PASSWORD.matcher(m.text()).find());
            }
            assertThat(Rig.await(last.running.wiring().deadLetters().newest(10)))
                    .as("dead letters after the rotation")
                    .isEmpty();
            System.out.printf(
                    "key rotation under load: %d recoveries accepted, 0 refused; reseal runs:%n%s%n",
                    total, String.join("\n", resealOutput));
        } finally {
            last.close();
            relay.close();
        }
    }

    /** Starts nothing: brings {@code next} into the load, then takes {@code old} out and stops it. */
    private Rig replace(Rig old, Rig next) {
        live.set(List.of(old, next));
        Await.hold(Duration.ofSeconds(1));
        live.set(List.of(next));
        // What was sent to the old one is answered before it stops.
        Await.until(Duration.ofSeconds(10), () -> inFlight.get(old).get(), n -> n == 0);
        old.close();
        Await.hold(Duration.ofSeconds(2));
        return next;
    }

    private void load(List<String> logins, AtomicBoolean loading) {
        while (loading.get()) {
            List<Rig> rigs = live.get();
            Rig rig = rigs.get(ThreadLocalRandom.current().nextInt(rigs.size()));
            AtomicInteger counter = inFlight.get(rig);
            counter.incrementAndGet();
            String login = logins.get(ThreadLocalRandom.current().nextInt(logins.size()));
            try {
                // Taken out of the load between the pick and here: ask another instance.
                if (!live.get().contains(rig)) {
                    continue;
                }
                int status = rig.post(
                                "/api/v1/password/recovery",
                                new JsonObject()
                                        .put("category", "mobile")
                                        .put("login", login)
                                        .put("channel", "email"))
                        .statusCode();
                if (status == 202) {
                    accepted.get(email(login)).incrementAndGet();
                } else {
                    refused.add(login + ": " + status);
                }
            } catch (RuntimeException e) {
                refused.add(login + ": " + e);
            } finally {
                counter.decrementAndGet();
            }
            Await.hold(Duration.ofMillis(40));
        }
    }

    /** One {@code reseal} run under the given ring; its exit code (5: something left behind, run it again). */
    private int reseal(Rig rig, byte[]... ring) {
        Map<String, String> env = new HashMap<>();
        env.put("KORDON_REDIS_URL", TestServers.redisUrl());
        env.put("KORDON_REDIS_KEY_PREFIX", prefix);
        env.put("KORDON_PG_URL", rig.config.pg().url());
        env.put("KORDON_ADMIN_TOKEN", Rig.ADMIN_TOKEN);
        env.put("KORDON_JWT_KEYS_DIR", "unused");
        env.put("KORDON_SECRETS_KEYS", b64(ring[0]) + "," + b64(ring[1]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int code = Cli.run(new String[] {"reseal"}, env, new PrintStream(out, true, StandardCharsets.UTF_8), quiet);
        resealOutput.add(out.toString(StandardCharsets.UTF_8).strip());
        assertThat(code).as("reseal exit code").isIn(Cli.OK, 5);
        return code;
    }

    /** Mails received per address of this test, in one pass over the relay's messages. */
    private Map<String, Integer> delivered() {
        Map<String, Integer> got = new HashMap<>();
        accepted.keySet().forEach(to -> got.put(to, 0));
        for (MimeMessage m : TestServers.smtp().getReceivedMessages()) {
            try {
                for (Address to : m.getAllRecipients()) {
                    got.computeIfPresent(to.toString(), (k, n) -> n + 1);
                }
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return got;
    }

    private String email(String login) {
        return "rotation-load-" + run + "-" + login.substring(1) + "@org.by";
    }

    /** An instance on the shared prefix (and, after the first, the shared database) with {@code keys}, newest first. */
    private Rig rig(String database, byte[]... keys) {
        Rig.Builder b = Rig.builder()
                .set("secrets.key", "")
                .set(
                        "secrets.keys",
                        java.util.Arrays.stream(keys)
                                .map(KeyRotationUnderLoadTest::b64)
                                .toList())
                .set("redis.key-prefix", prefix)
                .set("dispatch.retry-base", "100ms")
                .set("dispatch.retry-max", "400ms")
                .set("smtp.port", relay.port())
                .set("dispatch.send-timeout", "10s")
                .set("dispatch.claim-after", "12s");
        if (database != null) {
            b.set("pg.url", database);
        }
        Rig rig = b.start();
        inFlight.put(rig, new AtomicInteger());
        return rig;
    }

    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        LogCapture.secret(b64(k));
        return k;
    }

    private static String b64(byte[] k) {
        return Base64.getEncoder().encodeToString(k);
    }
}
