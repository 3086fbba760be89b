package dev.kordon.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.scale.Accounts.Acct;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code dispatch.replica-acks} 1 against a Redis master with two replicas, reached through
 * Sentinel by one instance and at the master's own address (standalone) by another: the WAIT goes
 * to the master on the XADD's connection in both modes, so every recovery is answered 202 and its
 * mail arrives once. The cluster mode is {@link OutboxFailoverIT}'s.
 */
class OutboxReplicaAcksIT {
    static final int EACH = 10;

    static ScaleStack stack;
    static RedisSentinels sentinels;
    static Instance viaSentinel;
    static Instance standalone;

    @BeforeAll
    static void start() throws Exception {
        ScaleStack.requireTools();
        stack = new ScaleStack("OutboxReplicaAcksIT");
        sentinels = stack.start(() -> RedisSentinels.start(stack.work.resolve("sentinel")));
        String db = stack.freshDatabase();
        Map<String, String> acks = Map.of("KORDON_DISPATCH_REPLICA_ACKS", "1", "KORDON_DISPATCH_REPLICA_WAIT", "1s");
        Map<String, String> sentinelEnv = new java.util.HashMap<>(acks);
        sentinelEnv.put("KORDON_REDIS_MASTER_NAME", RedisSentinels.MASTER_NAME);
        viaSentinel = stack.instance(
                        "sentinel",
                        stack.environment(stack.pgUrl(db), "sentinel", sentinels.sentinelUrls(), sentinelEnv))
                .start();
        standalone = stack.instance(
                        "standalone",
                        stack.environment(
                                stack.pgUrl(db),
                                "standalone",
                                List.of("redis://127.0.0.1:" + sentinels.masterPort()),
                                acks))
                .start();
        viaSentinel.awaitReady(Duration.ofSeconds(120));
        standalone.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void withAReplicaAckEveryRecoveryThroughSentinelOrStandaloneIsAnswered202AndMailedOnce() {
        List<Acct> accts = IntStream.range(0, 2 * EACH)
                .mapToObj(i -> new Acct(String.format("+37529%07d", 6_200_000 + i), "acks-" + i + "@org.by"))
                .toList();
        Accounts.importCsv(viaSentinel, accts);
        for (int i = 0; i < accts.size(); i++) {
            Instance at = i % 2 == 0 ? viaSentinel : standalone;
            Http.Answer r = Http.postJson(
                    at.base() + "/api/v1/password/recovery",
                    new JsonObject()
                            .put("category", "mobile")
                            .put("login", accts.get(i).login())
                            .put("channel", "email"),
                    null,
                    "127.61.0." + (i + 1));
            assertThat(r.status()).as("recovery %d on %s: %s", i, at.name, r).isEqualTo(202);
        }
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Integer> mails = stack.mailsPerRecipient(accts);
        while (mails.containsValue(0) && System.nanoTime() < end) {
            Procs.sleep(200);
            mails = stack.mailsPerRecipient(accts);
        }
        Procs.sleep(2_000); // room for a second copy
        mails = stack.mailsPerRecipient(accts);
        assertThat(mails.values()).as("mails per recipient: %s", mails).containsOnly(1);
        assertThat(viaSentinel.log() + standalone.log())
                .as("the instances' logs")
                .doesNotContain("replicas within");
    }
}
