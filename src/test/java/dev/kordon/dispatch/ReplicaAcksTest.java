package dev.kordon.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.audit.Audit;
import dev.kordon.support.ConsoleDesk;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code dispatch.replica-acks} against the tests' Redis, which has no replica: a mail is never
 * answered 202 but 503 with Retry-After; the entry the master took is still sent (the documented
 * fate of an unconfirmed message), so the request stays counted against the recovery limits.
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
    void aMailNoReplicaConfirmsIsAnswered503AfterTheWaitStaysCountedAndIsStillSentOnce() {
        String login = "+375297319001";
        String email = "replica-acks-1@org.by";
        rig.account("mobile", login, Rig.TARIFF, "active", null, email);
        JsonObject ask =
                new JsonObject().put("category", "mobile").put("login", login).put("channel", "email");
        long t0 = System.nanoTime();
        HttpResponse<Buffer> first = rig.post("/api/v1/password/recovery", ask);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(first.statusCode()).as("recovery with no replica to confirm").isEqualTo(503);
        assertThat(first.getHeader("Retry-After")).as("its Retry-After").isNotBlank();
        assertThat(ms).as("ms to the 503").isBetween((long) WAIT_MS, 2_000L + WAIT_MS);
        assertThat(LogCapture.linesWith("confirmed by 0 of 1 replicas"))
                .as("warnings")
                .isNotEmpty();
        // recovery.per-hour is 1: the first, which may still be sent, counted.
        assertThat(rig.post("/api/v1/password/recovery", ask).statusCode())
                .as("a second recovery of the login")
                .isEqualTo(429);
        assertThat(Mailbox.await(TestServers.smtp(), email, 1, 20_000))
                .as("mail of the unconfirmed entry, which the master kept")
                .hasSize(1);
        dev.kordon.support.Await.hold(java.time.Duration.ofSeconds(2));
        assertThat(Mailbox.to(TestServers.smtp(), email)).as("copies of it").hasSize(1);
    }

    @Test
    void aRedriveNoReplicaConfirmsIsAnswered503AndAuditedAsUnconfirmed() {
        // A dead letter as the outbox sets one aside; its payload opens under no key, which does not
        // matter here: what is checked is the desk's redrive and its record.
        String deadLetters = new dev.kordon.store.Keys(rig.prefix).deadLetters();
        String id = Rig.await(rig.running
                        .wiring()
                        .redis()
                        .send(
                                io.vertx.redis.client.Command.XADD,
                                deadLetters,
                                "*",
                                "id",
                                "1-1",
                                "k",
                                "mail",
                                "t",
                                "0",
                                "dead",
                                Long.toString(System.currentTimeMillis()),
                                "reason",
                                "test",
                                "p",
                                "k0:not-sealed"))
                .toString();
        ConsoleDesk desk = new ConsoleDesk(rig).signIn();
        HttpResponse<Buffer> r = desk.post(
                "/console/dead-letters/" + id + "/redrive",
                io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("csrf", desk.csrf("/console/dead-letters")));
        assertThat(r.statusCode()).as("a redrive no replica confirmed").isEqualTo(503);
        List<JsonObject> audited = dev.kordon.support.Await.until(
                java.time.Duration.ofSeconds(5),
                () -> Rig.await(rig.running
                                .wiring()
                                .pg()
                                .preparedQuery("SELECT detail FROM audit_events WHERE event = $1")
                                .execute(io.vertx.sqlclient.Tuple.of(Audit.DEAD_LETTER_REDRIVEN)))
                        .stream()
                        .map(row -> row.getJsonObject("detail"))
                        .filter(d -> id.equals(d.getString("dead_letter")))
                        .toList(),
                l -> !l.isEmpty());
        assertThat(audited).hasSize(1);
        assertThat(audited.get(0).getBoolean("confirmed"))
                .as("marked unconfirmed")
                .isFalse();
    }
}
