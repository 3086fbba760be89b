package dev.kordon.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.store.Keys;
import dev.kordon.support.Await;
import dev.kordon.support.CountingRelay;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.Scrape;
import dev.kordon.support.TestServers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Sign-in storms at the shipped admission defaults (hash.max-wait, no count cap) and the shipped
 * Argon2id cost: clients that resend the moment they are answered, as load testers, retrying
 * proxies and scripts do.
 */
class StormTest {
    private static final String PHONE = "+375291500001";

    @Test
    void moreEagerClientsThanPlacesKeepEveryHashingThreadBusyWhileTheRestAreShed() {
        String password = LogCapture.secret("Storm-Password-2026");
        try (Rig rig = shipped().start()) {
            rig.account(PHONE, password);
            // Well beyond what hash.max-wait admits at this cost, so some are shed all the time.
            int places = (int) Scrape.of(rig).value("kordon_hash_queue_capacity") + rig.config.hashWorkers();
            int clients = Math.max(places * 2, places + 64);
            Storm storm = new Storm(rig, PHONE, password, clients);
            // The first second fills the queue; the window is what follows.
            Await.hold(Duration.ofSeconds(1));
            Scrape from = Scrape.of(rig);
            long fromNanos = System.nanoTime();
            long shedFrom = storm.count(503);
            Await.hold(Duration.ofSeconds(4));
            Scrape to = Scrape.of(rig);
            long toNanos = System.nanoTime();
            long shedIn = storm.count(503) - shedFrom;
            storm.stop();

            double busy = (to.value("kordon_hash_busy_seconds_total") - from.value("kordon_hash_busy_seconds_total"))
                    / ((toNanos - fromNanos) / 1e9 * rig.config.hashWorkers());
            assertThat(shedIn)
                    .as("sign-ins shed in the window, %d clients for %d places", clients, places)
                    .isPositive();
            assertThat(busy)
                    .as("share of the window the hashing threads spent hashing")
                    .isGreaterThanOrEqualTo(0.90);
            assertThat(storm.count(200)).as("signed in").isPositive();
            assertThat(storm.statuses.keySet()).as("nothing but 200 and 503").isSubsetOf(200, 503);
        }
    }

    @Test
    void aSteadyCrowdWithinMaxWaitIsNeverShed() {
        String password = LogCapture.secret("Steady-Password-2026");
        try (Rig rig = shipped().start()) {
            rig.account(PHONE, password);
            // A quarter of what hash.max-wait admits at the hash time measured now: room for hashes made
            // slower by the clients themselves, which share this machine's cores.
            int places = (int) Scrape.of(rig).value("kordon_hash_queue_capacity");
            int clients = places / 4 + rig.config.hashWorkers();
            Storm storm = new Storm(rig, PHONE, password, clients);
            Await.hold(Duration.ofSeconds(4));
            storm.stop();
            assertThat(storm.count(200)).as("signed in, %d clients", clients).isGreaterThan(clients);
            assertThat(storm.statuses)
                    .as("every answer of %d steady clients", clients)
                    .containsOnlyKeys(200);
        }
    }

    @Test
    void signInsWaitingForTheirLoginsEarlierAttemptsHoldNoHashPlace() {
        String password = LogCapture.secret("Crowded-Login-Password-1");
        String other = LogCapture.secret("Other-Login-Password-1");
        int freeAttempts = 5;
        try (Rig rig = shipped().set("login.delay-after", freeAttempts).start()) {
            rig.account(PHONE, password);
            rig.account("+375291500002", other);
            // More clients on one login than places in the pool: all but its free attempts wait at its gate.
            int places = (int) Scrape.of(rig).value("kordon_hash_queue_capacity") + rig.config.hashWorkers();
            Storm storm = new Storm(rig, PHONE, password, places + 16);
            Await.hold(Duration.ofSeconds(1));
            double deepest = 0;
            for (int i = 0; i < 20; i++) {
                deepest = Math.max(deepest, Scrape.of(rig).value("kordon_hash_queue_depth"));
                Await.hold(Duration.ofMillis(50));
            }
            // Another login's sign-in, as a client does it: a 503 is admission by time (the queue times
            // the measured hash time over hash.max-wait, which a loaded machine can reach for a moment),
            // so it comes back after Retry-After. Had the waiters kept their places it would find the
            // pool full every time.
            int otherStatus = 0;
            for (int attempt = 0; attempt < 3 && otherStatus != 200; attempt++) {
                var answer = rig.login("+375291500002", other);
                otherStatus = answer.statusCode();
                if (otherStatus == 503) {
                    Await.hold(Duration.ofSeconds(Math.min(2, Long.parseLong(answer.getHeader("Retry-After")))));
                }
            }
            storm.stop();
            // More clients than places: had the waiting attempts kept their places, the pool would be
            // full (depth = places) and everyone else shed. A waiting attempt holds a place only for the
            // gate's round trip after each pause, so the pool never fills; how many are in that round
            // trip at once follows the event loops' latency (9-17 of 26 on a loaded 2-core machine).
            assertThat(deepest)
                    .as("jobs holding a place, %d clients on one login, %d places", places + 16, places)
                    .isLessThan(places);
            assertThat(otherStatus)
                    .as("another login's sign-in during the crowd, within 3 tries")
                    .isEqualTo(200);
            assertThat(storm.count(200)).as("the crowded login's sign-ins").isPositive();
        }
    }

    @Test
    void aShedSignInMakesNoRedisOrPostgresCall() {
        String password = LogCapture.secret("Shed-Quiet-Password-1");
        URI pg = URI.create(TestServers.freshDatabase().replaceFirst("^postgresql", "http"));
        URI redis = URI.create(TestServers.redisUrl());
        try (CountingRelay pgRelay = new CountingRelay(pg.getPort());
                CountingRelay redisRelay = new CountingRelay(redis.getPort());
                Rig rig = shipped()
                        .set(
                                "pg.url",
                                "postgresql://" + pg.getRawUserInfo() + "@127.0.0.1:" + pgRelay.port()
                                        + pg.getRawPath())
                        .set("redis.url", "redis://127.0.0.1:" + redisRelay.port())
                        // No outbox polling in the windows below: every byte counted is the sign-in's.
                        .set("dispatch.poll", "1h")
                        .start()) {
            rig.account(PHONE, password);
            assertThat(rig.login(PHONE, password).statusCode()).isEqualTo(200);
            // Every place the time bound allows, taken and held.
            Credentials credentials = rig.running.credentials();
            List<HashQueue.Place> held = new ArrayList<>();
            Future<HashQueue.Place> next;
            while ((next = credentials.admit()).succeeded()) {
                held.add(next.result());
            }
            assertThat(held).hasSizeGreaterThanOrEqualTo(rig.config.hashWorkers());

            long pgBefore = quiet(pgRelay);
            long redisBefore = quiet(redisRelay);
            HttpResponse<Buffer> shed = rig.login(PHONE, password);
            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(shed.bodyAsJsonObject().getString("code")).isEqualTo("overloaded");
            assertThat(Integer.parseInt(shed.getHeader("Retry-After"))).isPositive();
            // Given time for anything the request might have sent later, and for a heartbeat or two.
            Await.hold(Duration.ofMillis(1500));
            // The pool may retire an idle connection meanwhile; its Terminate ('X', length 4) is no call.
            assertThat(pgRelay.sentSince(pgBefore).replace(TERMINATE, ""))
                    .as("bytes to Postgres for a shed sign-in, idle connections' Terminate aside")
                    .isEmpty();
            // The revocation feed's once-a-second heartbeat runs on regardless; nothing else may appear.
            // A pooled connection may also be recycled meanwhile: its HELLO handshake is no call either.
            assertThat(commandsBesideHeartbeats(redisRelay.sentSince(redisBefore), rig))
                    .as("Redis commands sent during a shed sign-in, heartbeats and handshakes aside")
                    .isEmpty();

            // The same sign-in once a place is free does speak to both: the relays see the flow's calls.
            held.forEach(HashQueue.Place::release);
            assertThat(rig.login(PHONE, password).statusCode()).isEqualTo(200);
            assertThat(pgRelay.sent()).isGreaterThan(pgBefore);
            assertThat(redisRelay.sent()).isGreaterThan(redisBefore);
        }
    }

    /**
     * The Redis commands in what was sent (RESP arrays of bulk strings), less the revocation feed's
     * heartbeat PUBLISHes on its own channel and the HELLO a newly opened pooled connection starts with.
     */
    private static List<List<String>> commandsBesideHeartbeats(String resp, Rig rig) {
        String channel = new Keys(rig.prefix).revocations();
        List<List<String>> commands = new ArrayList<>();
        int at = 0;
        while (at < resp.length()) {
            assertThat(resp.charAt(at))
                    .as("RESP array at byte %d of %s", at, resp)
                    .isEqualTo('*');
            int eol = resp.indexOf("\r\n", at);
            int parts = Integer.parseInt(resp.substring(at + 1, eol));
            at = eol + 2;
            List<String> command = new ArrayList<>();
            for (int k = 0; k < parts; k++) {
                eol = resp.indexOf("\r\n", at);
                int length = Integer.parseInt(resp.substring(at + 1, eol));
                command.add(resp.substring(eol + 2, eol + 2 + length));
                at = eol + 2 + length + 2;
            }
            commands.add(command);
        }
        commands.removeIf(c -> c.get(0).equalsIgnoreCase("hello")
                || c.size() == 3
                        && c.get(0).equalsIgnoreCase("publish")
                        && c.get(1).equals(channel)
                        && c.get(2).startsWith("hb:"));
        return commands;
    }

    /** What a relay has counted once it has stopped moving (background connections settle first). */
    /** Postgres's Terminate message, as {@link CountingRelay#sentSince} spells it. */
    private static final String TERMINATE = "X\0\0\0\4";

    private static long quiet(CountingRelay relay) {
        long[] last = {relay.sent()};
        Await.until(Duration.ofSeconds(5), () -> {
            Await.hold(Duration.ofMillis(200));
            long now = relay.sent();
            boolean still = now == last[0];
            last[0] = now;
            return still;
        });
        return last[0];
    }

    /** The shipped Argon2id cost (conf/kordon.yaml), not the tests' cheap one. */
    private static Rig.Builder shipped() {
        return Rig.builder().set("hash.memory-kib", 19456).set("hash.iterations", 2);
    }

    /** Closed-loop clients that send their next sign-in the moment the last is answered. */
    private static final class Storm {
        final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Future<Void>> loops = new ArrayList<>();

        Storm(Rig rig, String phone, String password, int clients) {
            for (int i = 0; i < clients; i++) {
                Promise<Void> ended = Promise.promise();
                rig.vertx.runOnContext(v -> loop(rig, phone, password, ended));
                loops.add(ended.future());
            }
        }

        private void loop(Rig rig, String phone, String password, Promise<Void> ended) {
            if (!running.get()) {
                ended.complete();
                return;
            }
            rig.loginAsync(phone, password).onComplete(ar -> {
                int status = ar.succeeded() ? ar.result().statusCode() : -1;
                statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                loop(rig, phone, password, ended);
            });
        }

        long count(int status) {
            AtomicLong n = statuses.get(status);
            return n == null ? 0 : n.get();
        }

        void stop() {
            running.set(false);
            Rig.await(Future.join(loops));
        }
    }
}
