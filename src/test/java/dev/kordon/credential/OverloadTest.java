package dev.kordon.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A flood of logins against one hashing thread with a queue of two: the excess is shed with 503. */
class OverloadTest {
    @Test
    void floodIsShedWithRetryAfterAndServiceRecovers() {
        try (Rig rig = onePoolThreadQueueOfTwo()) {
            rig.account("+375291200001", "Flood-test-password-1");
            List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                calls.add(
                        rig.loginAsync("+375291200001", i % 2 == 0 ? "Flood-test-password-1" : "wrong-password-" + i));
            }
            Rig.await(Future.join(calls));
            // The pool's places: a request is shed only while they are all taken, so at least this many get checked.
            int capacity = rig.config.hashWorkers() + rig.config.hashQueue();
            assertThat(capacity).isEqualTo(3);
            int ok = 0;
            int refused = 0;
            int shed = 0;
            for (int i = 0; i < calls.size(); i++) {
                HttpResponse<Buffer> r = calls.get(i).result();
                boolean right = i % 2 == 0;
                switch (r.statusCode()) {
                    case 200 -> {
                        // A checked request gets the answer its password deserves, never another one's.
                        assertThat(right).as("request %d got 200", i).isTrue();
                        assertThat(r.bodyAsJsonObject().getString("access_token"))
                                .isNotBlank();
                        ok++;
                    }
                    case 401 -> {
                        assertThat(right).as("request %d got 401", i).isFalse();
                        refused++;
                    }
                    case 503 -> {
                        shed++;
                        // Three jobs of a fraction of a second are less than the 1 s floor: 1 s, spread up to twice
                        // that.
                        assertThat(r.getHeader("Retry-After")).isIn("1", "2");
                        assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
                        assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("overloaded");
                    }
                    default -> throw new AssertionError("unexpected " + r.statusCode() + ": " + r.bodyAsString());
                }
            }
            assertThat(shed).as("shed").isGreaterThan(0);
            assertThat(ok + refused).as("served").isGreaterThanOrEqualTo(capacity);
            assertThat(ok + refused + shed).isEqualTo(60);
            // Once the burst is over, sign-in works again at once.
            assertThat(rig.login("+375291200001", "Flood-test-password-1").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void shedAttemptsDoNotCountAgainstTheAccount() {
        try (Rig rig = onePoolThreadQueueOfTwo()) {
            rig.account("+375291200002", "Flood-test-password-2");
            List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                calls.add(rig.loginAsync("+375291200002", "wrong-password-" + i));
            }
            Rig.await(Future.join(calls));
            long refused =
                    calls.stream().filter(f -> f.result().statusCode() == 401).count();
            long shed =
                    calls.stream().filter(f -> f.result().statusCode() == 503).count();
            assertThat(refused + shed).isEqualTo(60);
            assertThat(shed).as("shed").isGreaterThan(0);
            // Only the guesses that were actually checked bring the login nearer a delay or a lock.
            var state = Rig.await(rig.running.wiring().throttles().passwordState("mobile", "+375291200002"));
            assertThat(state.get("failures")).isEqualTo(refused);
        }
    }

    /** One hashing thread, two places in its queue, hashes slow enough for a burst to overrun them. */
    private static Rig onePoolThreadQueueOfTwo() {
        return Rig.builder()
                .set("hash.workers", 1)
                .set("hash.queue", 2)
                .set("hash.memory-kib", 32768)
                .set("hash.iterations", 2)
                .start();
    }
}
