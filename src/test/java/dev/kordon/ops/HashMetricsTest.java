package dev.kordon.ops;

import static dev.kordon.support.Scrape.grown;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.Scrape;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The password hashing's metrics against a running Kordon: each job timed by kind on the pool and
 * in its queue, the queue's places following the measured hash time, and a flood that fills the
 * queue up to its places with every shed sign-in counted once.
 */
class HashMetricsTest {

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
}
