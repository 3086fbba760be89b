package dev.kordon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.audit.Audit;
import dev.kordon.config.KordonConfig;
import dev.kordon.dispatch.DeadLetters;
import dev.kordon.dispatch.Outbox;
import dev.kordon.dispatch.OutboxVerticle;
import dev.kordon.guard.Secrets;
import dev.kordon.guard.SmsCodes;
import dev.kordon.guard.TempPasswords;
import dev.kordon.store.RedisStore;
import dev.kordon.support.Await;
import dev.kordon.support.ConsoleDesk;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.Scrape;
import dev.kordon.support.TestServers;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** secrets.keys rotated with mail in the outbox, codes and temporary passwords in flight: nothing is lost. */
class KeyRotationTest {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        // The leak scan of every Rig looks for the keys in the logs too.
        dev.kordon.support.LogCapture.secret(b64(k));
        return k;
    }

    private static String b64(byte[] k) {
        return Base64.getEncoder().encodeToString(k);
    }

    /** An instance whose secrets are {@code keys}, newest first; {@code prefix} null for a fresh one. */
    private static Rig rig(String prefix, byte[]... keys) {
        Rig.Builder b = Rig.builder()
                .set("secrets.key", "")
                .set(
                        "secrets.keys",
                        java.util.Arrays.stream(keys).map(KeyRotationTest::b64).toList())
                .set("dispatch.retry-base", "100ms")
                .set("dispatch.retry-max", "400ms")
                .set("dispatch.send-timeout", "2s")
                .set("dispatch.claim-after", "3s");
        return prefix == null ? b.start() : b.set("redis.key-prefix", prefix).start();
    }

    private static JsonObject mail(String to) {
        return new JsonObject()
                .put("kind", "mail")
                .put("to", to)
                .put("subject", "rotation")
                .put("text", "sealed under an older key")
                .put("html", "<p>sealed under an older key</p>");
    }

    private static String recipient() {
        return "rotation-" + UUID.randomUUID().toString().substring(0, 8) + "@org.by";
    }

    /** A Redis store with a key prefix no instance dispatches: what is put there stays until one does. */
    private static RedisStore quietStore(Rig rig, String prefix) {
        KordonConfig.Redis r = rig.config.redis();
        return RedisStore.create(
                rig.vertx,
                new KordonConfig.Redis(
                        r.mode(), r.urls(), r.masterName(), r.poolSize(), r.waitQueue(), prefix, r.commandTimeout()));
    }

    private static void assertDeliveredOnce(String to) {
        assertThat(Mailbox.await(TestServers.smtp(), to, 1, 20_000)).hasSize(1);
        // A window for a second copy to arrive, had there been one.
        Await.hold(Duration.ofSeconds(1));
        assertThat(Mailbox.to(TestServers.smtp(), to)).hasSize(1);
    }

    @Test
    void aMailSealedUnderKeyAIsDeliveredByAnInstanceConfiguredWithBThenA() {
        byte[] a = key();
        byte[] b = key();
        try (Rig rig = rig(null, b, a)) {
            String to = recipient();
            Rig.await(new Outbox(rig.vertx, rig.running.wiring().redis(), new Secrets(a)).enqueue(mail(to)));
            assertDeliveredOnce(to);
        }
    }

    @Test
    void afterTheResealCommandUnderBThenAAnInstanceWithOnlyBDeliversTheMailOnce() {
        byte[] a = key();
        byte[] b = key();
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        String to = recipient();
        try (Rig helper = rig(null, b, a)) {
            RedisStore quiet = quietStore(helper, prefix);
            Rig.await(new Outbox(helper.vertx, quiet, new Secrets(a)).enqueue(mail(to)));
            // A dead letter under A is sealed at rest too.
            Rig.await(quiet.send(
                    io.vertx.redis.client.Command.XADD,
                    quiet.keys().deadLetters(),
                    "*",
                    "id",
                    "0-1",
                    "k",
                    "mail",
                    "t",
                    "0",
                    "dead",
                    "0",
                    "reason",
                    "550",
                    "p",
                    new Secrets(a).seal(mail(recipient()).encode())));

            Map<String, String> env = new HashMap<>();
            env.put("KORDON_REDIS_URL", TestServers.redisUrl());
            env.put("KORDON_REDIS_KEY_PREFIX", prefix);
            env.put("KORDON_PG_URL", helper.config.pg().url());
            env.put("KORDON_ADMIN_TOKEN", Rig.ADMIN_TOKEN);
            env.put("KORDON_JWT_KEYS_DIR", "unused");
            env.put("KORDON_SECRETS_KEYS", b64(b) + "," + b64(a));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            int code = Cli.run(new String[] {"reseal"}, env, new PrintStream(out, true, StandardCharsets.UTF_8), err);
            assertThat(code).isEqualTo(Cli.OK);
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("outbox: 1 resealed, 0 under the newest key already")
                    .contains("dead letters: 1 resealed, 0 under the newest key already")
                    .doesNotContain(b64(a))
                    .doesNotContain(b64(b));
            // Again: nothing left to do.
            out.reset();
            assertThat(Cli.run(new String[] {"reseal"}, env, new PrintStream(out, true, StandardCharsets.UTF_8), err))
                    .isEqualTo(Cli.OK);
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("outbox: 0 resealed, 1 under the newest key already")
                    .contains("dead letters: 0 resealed, 1 under the newest key already");
            Rig.await(quiet.close());
        }
        try (Rig onlyB = rig(prefix, b)) {
            assertDeliveredOnce(to);
            DeadLetters dead = onlyB.running.wiring().deadLetters();
            assertThat(Rig.await(dead.newest(10))).singleElement().matches(DeadLetters.Letter::opens);
        }
    }

    @Test
    void theResealCommandSealsTheAuthenticatorSecretsUnderTheNewKeySoOnlyTheNewKeyOpensThemAfter() {
        byte[] a = key();
        byte[] b = key();
        try (Rig rig = rig(null, b, a)) {
            var db = new dev.kordon.store.Database(rig.running.wiring().pg(), Duration.ofSeconds(5));
            UUID account = rig.account("+375297700001", null).id();
            byte[] secret = dev.kordon.mfa.Totp.newSecret();
            Rig.await(new dev.kordon.mfa.SecondFactors(db, new Secrets(a)).startTotp(account, secret));
            var onlyB = new dev.kordon.mfa.SecondFactors(db, new Secrets(b));
            assertThat(failed(onlyB.totp(account)))
                    .as("under A, B alone cannot open it")
                    .isTrue();

            Map<String, String> env = new HashMap<>();
            env.put("KORDON_REDIS_URL", TestServers.redisUrl());
            env.put("KORDON_REDIS_KEY_PREFIX", rig.prefix);
            env.put("KORDON_PG_URL", rig.config.pg().url());
            env.put("KORDON_ADMIN_TOKEN", Rig.ADMIN_TOKEN);
            env.put("KORDON_JWT_KEYS_DIR", "unused");
            env.put("KORDON_SECRETS_KEYS", b64(b) + "," + b64(a));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            assertThat(Cli.run(new String[] {"reseal"}, env, new PrintStream(out, true, StandardCharsets.UTF_8), err))
                    .isEqualTo(Cli.OK);
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains(
                            "authenticator secrets: 1 resealed, 0 under the newest key already, 0 no listed key opens");
            assertThat(Rig.await(onlyB.totp(account)).secret()).isEqualTo(secret);
            out.reset();
            Cli.run(new String[] {"reseal"}, env, new PrintStream(out, true, StandardCharsets.UTF_8), err);
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("authenticator secrets: 0 resealed, 1 under the newest key already");
        }
    }

    private static boolean failed(io.vertx.core.Future<?> f) {
        try {
            Rig.await(f);
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    @Test
    void
            aMailNoListedKeyOpensIsADeadLetterCountedShownInTheConsoleAndAfterAnAuditedRedriveWithItsKeyListedIsDeliveredOnce() {
        byte[] b = key();
        byte[] c = key();
        String to = recipient();
        String prefix;
        try (Rig onlyB = rig(null, b)) {
            prefix = onlyB.prefix;
            Rig.await(new Outbox(onlyB.vertx, onlyB.running.wiring().redis(), new Secrets(c)).enqueue(mail(to)));
            DeadLetters dead = onlyB.running.wiring().deadLetters();
            List<DeadLetters.Letter> letters =
                    Await.until(Duration.ofSeconds(15), () -> Rig.await(dead.newest(10)), l -> !l.isEmpty());
            assertThat(letters).singleElement().satisfies(l -> {
                assertThat(l.reason()).isEqualTo(OutboxVerticle.NO_KEY_REASON);
                assertThat(l.opens()).isFalse();
                assertThat(l.kind()).isEqualTo("mail");
            });
            assertThat(Scrape.of(onlyB).value("kordon_outbox_deliveries_total", "kind", "mail", "outcome", "no_key"))
                    .isEqualTo(1.0);
            String page =
                    new ConsoleDesk(onlyB).signIn().get("/console/dead-letters").bodyAsString();
            assertThat(page).contains("dead-" + letters.get(0).id()).contains(OutboxVerticle.NO_KEY_REASON);
            assertThat(Mailbox.to(TestServers.smtp(), to)).isEmpty();
        }
        try (Rig withC = rig(prefix, b, c)) {
            DeadLetters dead = withC.running.wiring().deadLetters();
            String id = Rig.await(dead.newest(10)).get(0).id();
            ConsoleDesk desk = new ConsoleDesk(withC).signIn();
            String csrf = desk.csrf("/console/dead-letters");
            HttpResponse<Buffer> sent = desk.post(
                    "/console/dead-letters/" + id + "/redrive",
                    MultiMap.caseInsensitiveMultiMap().add("csrf", csrf));
            assertThat(sent.statusCode()).isEqualTo(303);
            assertThat(sent.getHeader("Location")).contains("done=redrive");
            // A second click finds it gone: never sent twice.
            HttpResponse<Buffer> again = desk.post(
                    "/console/dead-letters/" + id + "/redrive",
                    MultiMap.caseInsensitiveMultiMap().add("csrf", csrf));
            assertThat(again.getHeader("Location")).contains("done=gone");
            assertDeliveredOnce(to);
            assertThat(Rig.await(dead.newest(10))).isEmpty();
            // One audit event for the redrive that sent it; the click that found it gone is none.
            List<String> redriven = Await.until(
                    Duration.ofSeconds(5),
                    () -> Rig.await(withC.running
                                    .wiring()
                                    .pg()
                                    .preparedQuery("SELECT detail FROM audit_events WHERE event = $1")
                                    .execute(io.vertx.sqlclient.Tuple.of(Audit.DEAD_LETTER_REDRIVEN)))
                            .stream()
                            .map(r -> r.getJsonObject("detail").getString("dead_letter"))
                            .toList(),
                    l -> !l.isEmpty());
            assertThat(redriven).containsExactly(id);
        }
    }

    @Test
    void anSmsCodeAndATemporaryPasswordHashedUnderAStillVerifyUnderBThenA() {
        byte[] a = key();
        byte[] b = key();
        try (Rig rig = rig(null, b, a)) {
            RedisStore redis = rig.running.wiring().redis();
            KordonConfig config = rig.config;
            Secrets underA = new Secrets(a);
            Secrets rotated = new Secrets(List.of(b, a));
            var metrics = new dev.kordon.ops.Metrics();
            String code = Rig.await(new SmsCodes(redis, underA, config.smsCode(), config.limits(), metrics)
                    .issue("mobile", "+375291234501"));
            assertThat(Rig.await(new SmsCodes(redis, rotated, config.smsCode(), config.limits(), metrics)
                            .check("mobile", "+375291234501", code)))
                    .isEqualTo(SmsCodes.Check.RIGHT);
            String temp =
                    Rig.await(new TempPasswords(redis, underA, config.tempPassword()).issue("mobile", "+375291234502"));
            assertThat(Rig.await(new TempPasswords(redis, rotated, config.tempPassword())
                            .take("mobile", "+375291234502", temp)))
                    .isTrue();
            assertThat(Rig.await(new TempPasswords(redis, new Secrets(b), config.tempPassword())
                            .take("mobile", "+375291234502", temp)))
                    .as("taken once")
                    .isFalse();
        }
    }
}
