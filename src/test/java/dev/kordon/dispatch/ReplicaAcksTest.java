package dev.kordon.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code dispatch.replica-acks} against the tests' Redis, which has no replica: no mail is ever
 * answered 202, each request is a 503 with Retry-After that gives its attempt back, and the entry
 * the master took is still sent (the documented fate of an unconfirmed message).
 */
class ReplicaAcksTest {
    static final int WAIT_MS = 300;
    static Rig rig;

    @BeforeAll
    static void start() {
        rig = Rig.builder()
                .set("dispatch.replica-acks", 1)
                .set("dispatch.replica-wait", WAIT_MS + "ms")
                .set("recovery.per-hour", 1)
                .start();
    }

    @AfterAll
    static void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aMailNoReplicaConfirmsIsAnswered503TwiceWithoutCountingAndTheMasterStillSendsIt() {
        String login = "+375297319001";
        String email = "replica-acks-1@org.by";
        rig.account("mobile", login, Rig.TARIFF, "active", null, email);
        JsonObject ask =
                new JsonObject().put("category", "mobile").put("login", login).put("channel", "email");
        for (int i = 1; i <= 2; i++) {
            long t0 = System.nanoTime();
            HttpResponse<Buffer> r = rig.post("/api/v1/password/recovery", ask);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // The second one would be 429 had the first counted against recovery.per-hour (1).
            assertThat(r.statusCode())
                    .as("recovery " + i + " with no replica to confirm")
                    .isEqualTo(503);
            assertThat(r.getHeader("Retry-After"))
                    .as("Retry-After of recovery " + i)
                    .isNotBlank();
            assertThat(ms).as("ms to answer recovery " + i).isBetween((long) WAIT_MS, 2_000L + WAIT_MS);
        }
        assertThat(LogCapture.linesWith("confirmed by 0 of 1 replicas"))
                .as("warnings")
                .hasSizeGreaterThanOrEqualTo(2);
        // The master kept both entries: both are sent, though neither was promised.
        assertThat(Mailbox.await(TestServers.smtp(), email, 2, 20_000))
                .as("mails of the two unconfirmed entries")
                .hasSize(2);
    }
}
