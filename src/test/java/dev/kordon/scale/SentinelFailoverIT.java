package dev.kordon.scale;

import static dev.kordon.scale.Report.failed;
import static dev.kordon.scale.Report.failedOtherThan503;
import static dev.kordon.scale.ScaleStack.HASH_ITERATIONS;
import static dev.kordon.scale.ScaleStack.HASH_MEMORY_KIB;
import static dev.kordon.scale.ScaleStack.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.scale.Accounts.Acct;
import dev.kordon.scale.LoadDriver.Loop;
import dev.kordon.scale.LoadDriver.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Behind Sentinel (a master, two replicas, three sentinels) one instance signs people in and checks
 * their tokens while the master is killed: nothing fails before the kill, anything that fails in
 * between is a 503 + Retry-After, and nothing fails from 5 s after the promotion. Postgres, SMTP and
 * the keys are {@link ScaleStack}'s; no cluster, no nginx.
 */
class SentinelFailoverIT {
    static ScaleStack stack;
    static RedisSentinels sentinels;
    static LoadDriver driver;

    @BeforeAll
    static void start() throws Exception {
        ScaleStack.requireTools();
        stack = new ScaleStack("SentinelFailoverIT");
        sentinels = stack.start(() -> RedisSentinels.start(stack.work.resolve("sentinel")));
        driver = stack.client(new LoadDriver(64));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void sentinelFailoverServesAgainWithinFiveSecondsOfPromotion() throws Exception {
        String db = stack.freshDatabase();
        Map<String, String> env = stack.environment(
                stack.pgUrl(db),
                "sentinel",
                sentinels.sentinelUrls(),
                Map.of("KORDON_REDIS_MASTER_NAME", RedisSentinels.MASTER_NAME));
        Instance instance = stack.instance("s", env).start();
        instance.awaitReady(Duration.ofSeconds(120));
        List<Acct> accts = IntStream.range(0, 20)
                .mapToObj(i -> new Acct(String.format("+37533140%04d", i), "sentinel-" + i + "@org.by"))
                .toList();
        Accounts.importCsv(instance, accts);
        Accounts.setPassword(
                stack.jdbc(db), accts.stream().map(Acct::login).toList(), PASSWORD, HASH_MEMORY_KIB, HASH_ITERATIONS);

        List<Loop> loops = new ArrayList<>();
        for (int i = 0; i < accts.size(); i++) {
            loops.add(new Loops.SignInVerifyLoop(
                    "s", instance.httpPort, accts.get(i).login(), PASSWORD, "127.90.0." + (i + 1), null, null));
        }
        LoadDriver.Run run = driver.start(loops);
        Procs.sleep(4_000);
        int oldMaster = sentinels.masterPort();
        long killed = sentinels.killMaster();
        long promoted = sentinels.awaitPromotion(Duration.ofSeconds(30));
        Procs.sleep(12_000);
        List<Outcome> outcomes = run.stop();
        // Its part is done: it drains and exits now, not beside the tests after this one.
        instance.terminate();
        long settle = promoted + Duration.ofSeconds(5).toNanos();

        List<Outcome> before = outcomes.stream().filter(o -> o.endNs() < killed).toList();
        List<Outcome> between = outcomes.stream()
                .filter(o -> o.endNs() >= killed && o.startNs() < settle)
                .toList();
        List<Outcome> late =
                outcomes.stream().filter(o -> o.startNs() >= settle).toList();
        long lastFailure = outcomes.stream()
                .filter(o -> !o.ok())
                .mapToLong(Outcome::startNs)
                .max()
                .orElse(killed);
        Map<String, List<Outcome>> groups = new LinkedHashMap<>();
        groups.put("before the kill", before);
        groups.put("kill .. promotion + 5 s", between);
        groups.put("from promotion + 5 s", late);
        groups.putAll(Report.by(late, o -> "  .. " + o.call().kind()));
        System.out.print(Report.table(
                "sentinelFailover…: 20 loops (sign-in, 2 verifies) on one instance in sentinel mode; master :"
                        + oldMaster + " killed",
                groups,
                run.seconds()));
        System.out.printf(
                "new master :%d announced %.2f s after the kill; sentinels now name %s; last failure %.2f s after the "
                        + "announcement%nfailures:%n%s%n",
                sentinels.masterPort(),
                (promoted - killed) / 1e9,
                sentinels.announcedMasters(),
                (lastFailure - promoted) / 1e9,
                Report.failures(outcomes, 12));

        assertThat(failed(before))
                .as("failures before the kill:%n%s", Report.failures(before, 12))
                .isZero();
        assertThat(failedOtherThan503(outcomes))
                .as("failures other than 503 + Retry-After:%n%s", Report.failures(outcomes, 12))
                .isZero();
        assertThat(late.stream()
                        .filter(o -> o.call().kind().equals(Loops.SIGN_IN))
                        .toList())
                .as("sign-ins from 5 s after the promotion")
                .isNotEmpty();
        assertThat(failed(late))
                .as("failed requests 5 s or more after the new master was announced:%n%s", Report.failures(late, 12))
                .isZero();
    }
}
