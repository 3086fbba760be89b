package dev.kordon.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.scale.Accounts.Acct;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code dispatch.replica-acks} on a real Redis Cluster: instance "zero" runs with 0 (a mail counts
 * once the master has it), "one" with 1 (and a replica too). The master of the outbox stream loses
 * a mail it never replicated ({@link ReplicationCut}); the proof is which recoveries were answered
 * 202 and which mails arrive. Postgres, SMTP and the keys are {@link ScaleStack}'s; no nginx.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboxFailoverIT {
    static final String OUTBOX = "kordon:outbox";
    static final Duration REPLICA_WAIT = Duration.ofSeconds(1);
    static final int MEASURED = 30;
    /** Recoveries tried after the promotion until one is answered 202, half a second apart. */
    static final int AFTER_TRIES = 20;

    static ScaleStack stack;
    static RedisCluster cluster;
    static Instance zero;
    static Instance one;
    static int ip;

    @BeforeAll
    static void start() throws Exception {
        ScaleStack.requireTools();
        stack = new ScaleStack("OutboxFailoverIT");
        cluster = stack.start(() -> RedisCluster.start(stack.work.resolve("cluster")));
        String db = stack.freshDatabase();
        zero = stack.instance("zero", env(db, 0)).start();
        one = stack.instance("one", env(db, 1)).start();
        zero.awaitReady(Duration.ofSeconds(120));
        one.awaitReady(Duration.ofSeconds(120));
    }

    private static Map<String, String> env(String db, int acks) {
        Map<String, String> extra = new HashMap<>();
        extra.put("KORDON_DISPATCH_REPLICA_ACKS", Integer.toString(acks));
        extra.put("KORDON_DISPATCH_REPLICA_WAIT", REPLICA_WAIT.toMillis() + "ms");
        return stack.environment(stack.pgUrl(db), "cluster", cluster.urls(), extra);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aReplicaAckKeepsARecoveryFastAndEveryMailAnswered202ArrivesOnce() {
        List<Acct> accts = accounts("normal", 2 * MEASURED + 10);
        // Warm-up, not measured: the first requests of a JVM are slow whatever Redis does.
        for (int i = 0; i < 10; i++) {
            assertThat(recover(i % 2 == 0 ? zero : one, accts.get(2 * MEASURED + i))
                            .status())
                    .isEqualTo(202);
        }
        List<Long> msZero = new ArrayList<>();
        List<Long> msOne = new ArrayList<>();
        for (int i = 0; i < 2 * MEASURED; i++) {
            Instance at = i % 2 == 0 ? zero : one;
            long t0 = System.nanoTime();
            Http.Answer r = recover(at, accts.get(i));
            (at == zero ? msZero : msOne).add((System.nanoTime() - t0) / 1_000_000);
            assertThat(r.status()).as("recovery %d on %s: %s", i, at.name, r).isEqualTo(202);
        }
        Map<String, Integer> mails = awaitMails(accts, Duration.ofSeconds(30));
        System.out.printf(
                "%nrecovery answered 202 (ms, %d each, sequential): replica-acks 0: %s; replica-acks 1: %s;"
                        + " added by WAIT at the median %d ms%n",
                MEASURED,
                Stats.of(msZero),
                Stats.of(msOne),
                Stats.of(msOne).median() - Stats.of(msZero).median());
        System.out.printf("WAIT 1 after a write, at the outbox's master (µs, 200 in a row): %s%n", waitMicros());
        assertThat(mails.values()).as("mails per recipient").containsOnly(1);
        assertThat(Stats.of(msOne).median())
                .as("median ms of a recovery with replica-acks 1")
                .isLessThan(250);
    }

    @Test
    @Order(2)
    void withAReplicaAckEveryMail202OutlivesTheMastersDeathOnceWithoutItOneIsLost() throws Exception {
        List<Acct> a = accounts("failover", 3 + AFTER_TRIES);
        Acct before = a.get(0);
        Acct lostAt0 = a.get(1);
        Acct refusedAt1 = a.get(2);
        int slot = Slots.slotOf(OUTBOX);
        // The mails wait in the stream, so the master's death decides their fate, not a quick send.
        stack.smtp.stop();
        Http.Answer beforeCut = recover(one, before);
        ReplicationCut cut = ReplicationCut.of(cluster, slot);
        Http.Answer atZero;
        Http.Answer atOne;
        long oneMs;
        long onMaster;
        long promoted;
        try {
            atZero = recover(zero, lostAt0);
            long t0 = System.nanoTime();
            atOne = recover(one, refusedAt1);
            oneMs = (System.nanoTime() - t0) / 1_000_000;
            onMaster = (Long) Resp.once(cut.master, 2_000, "XLEN", OUTBOX);
            promoted = cut.killMasterAndPromote();
        } finally {
            cut.release();
        }
        long onPromoted = (Long) Resp.once(cut.replica, 2_000, "XLEN", OUTBOX);
        stack.smtp.start();
        // The promoted master has no replica until the old one is back as its replica: until then
        // replica-acks 1 answers every mail 503. Each try below is a fresh login, counted apart.
        cluster.restartDead();
        cluster.awaitHealthy(Duration.ofSeconds(30));
        long healthy = System.nanoTime();
        List<Http.Answer> afterAnswers = new ArrayList<>();
        for (int i = 0; i < AFTER_TRIES; i++) {
            afterAnswers.add(recover(one, a.get(3 + i)));
            if (afterAnswers.get(i).status() == 202) {
                break;
            }
            Procs.sleep(500);
        }
        int last = afterAnswers.size() - 1;
        Acct after = a.get(3 + last);
        awaitMails(List.of(before, after), Duration.ofSeconds(30));
        Procs.sleep(3_000); // room for a late or second copy
        Map<String, Integer> mails = stack.mailsPerRecipient(a.subList(0, 4 + last));
        System.out.printf(
                "%noutbox master :%d (slot %d) killed, its replica :%d (stopped meanwhile) promoted: stream %d entries"
                        + " on the master, %d on the promoted replica%n  replica-acks 1 before the cut: %s%n"
                        + "  replica-acks 0 during the cut: %s%n  replica-acks 1 during the cut: %s after %d ms%n"
                        + "  old master back as a replica %.1f s after the promotion; replica-acks 1 then: %s%n"
                        + "  mails: %s%n",
                cut.master,
                slot,
                cut.replica,
                onMaster,
                onPromoted,
                beforeCut,
                atZero,
                atOne,
                oneMs,
                (healthy - promoted) / 1e9,
                afterAnswers,
                mails);

        assertThat(beforeCut.status()).as("recovery confirmed by the replica").isEqualTo(202);
        assertThat(atZero.status())
                .as("recovery with replica-acks 0, replica cut")
                .isEqualTo(202);
        assertThat(atOne.status())
                .as("recovery with replica-acks 1, replica cut: %s", atOne)
                .isEqualTo(503);
        assertThat(atOne.retryAfter()).as("its Retry-After").isNotBlank();
        assertThat(oneMs).as("ms to the 503").isGreaterThanOrEqualTo(REPLICA_WAIT.toMillis());
        assertThat(onPromoted)
                .as("the promoted replica lacks exactly the two entries of the cut")
                .isEqualTo(onMaster - 2);
        assertThat(afterAnswers.subList(0, last))
                .as("answers before the 202 once a replica is back")
                .allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(503);
                    assertThat(r.retryAfter()).isNotBlank();
                });
        assertThat(afterAnswers.get(last).status())
                .as("a recovery once the old master is a replica again: %s", afterAnswers)
                .isEqualTo(202);
        assertThat(mails)
                .as("mails: every 202 of replica-acks 1 once, the 503 none, the 202 of replica-acks 0 lost")
                .containsEntry(before.email(), 1)
                .containsEntry(after.email(), 1)
                .containsEntry(refusedAt1.email(), 0)
                .containsEntry(lostAt0.email(), 0);
    }

    /** What WAIT 1 adds to a write on its own: a SET, then WAIT on the same connection, timed apart. */
    private static Stats waitMicros() {
        int master = cluster.masterOf(Slots.slotOf(OUTBOX));
        String key = IntStream.iterate(0, i -> i + 1)
                .mapToObj(i -> "{wait-probe-" + i + "}")
                .filter(k -> cluster.masterOf(Slots.slotOf(k)) == master)
                .findFirst()
                .orElseThrow();
        List<Long> us = new ArrayList<>();
        try (Resp r = Resp.connect(master, 2_000)) {
            for (int i = 0; i < 200; i++) {
                r.call("SET", key, Integer.toString(i));
                long t0 = System.nanoTime();
                Object acked = r.call("WAIT", "1", "1000");
                us.add((System.nanoTime() - t0) / 1_000);
                assertThat(acked).as("replicas that confirmed probe %d", i).isEqualTo(1L);
            }
        }
        return Stats.of(us);
    }

    private static List<Acct> accounts(String what, int n) {
        int base = what.equals("normal") ? 0 : 5_000;
        List<Acct> accts = IntStream.range(0, n)
                .mapToObj(i -> new Acct(String.format("+37529%07d", 6_100_000 + base + i), what + "-" + i + "@org.by"))
                .toList();
        Accounts.importCsv(zero, accts);
        return accts;
    }

    private static Http.Answer recover(Instance at, Acct acct) {
        ip++;
        return Http.postJson(
                at.base() + "/api/v1/password/recovery",
                new JsonObject()
                        .put("category", "mobile")
                        .put("login", acct.login())
                        .put("channel", "email"),
                null,
                "127.60." + (ip / 250) + "." + (ip % 250 + 1));
    }

    /** Mails per recipient once each has at least one, or the timeout passed. */
    private static Map<String, Integer> awaitMails(List<Acct> accts, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        Map<String, Integer> got = stack.mailsPerRecipient(accts);
        while (got.containsValue(0) && System.nanoTime() < end) {
            Procs.sleep(200);
            got = stack.mailsPerRecipient(accts);
        }
        return got;
    }

    /** Median, 95th percentile and largest of some milliseconds. */
    record Stats(long median, long p95, long max) {
        static Stats of(List<Long> ms) {
            List<Long> s = ms.stream().sorted().toList();
            return new Stats(s.get(s.size() / 2), s.get((int) Math.ceil(s.size() * 0.95) - 1), s.get(s.size() - 1));
        }

        @Override
        public String toString() {
            return "median " + median + ", p95 " + p95 + ", max " + max;
        }
    }
}
