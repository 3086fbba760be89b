package dev.kordon.scale;

import static dev.kordon.scale.ClusterStack.SCALE_ACCOUNTS;
import static dev.kordon.scale.Report.failed;
import static dev.kordon.scale.Report.failedOtherThan503;
import static dev.kordon.scale.ScaleStack.DRAIN_DELAY;
import static dev.kordon.scale.ScaleStack.PASSWORD;
import static dev.kordon.scale.ScaleStack.SHUTDOWN_GRACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.scale.Accounts.Acct;
import dev.kordon.scale.LoadDriver.Loop;
import dev.kordon.scale.LoadDriver.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What a client sees when a part fails over: an instance drained and restarted behind nginx, which
 * takes it out of rotation when it drains as an ingress does, loses no request; in the Redis Cluster a dead replica costs nothing, and a dead master only the requests
 * on its slots until its replica takes over ({@link SentinelFailoverIT} does the same for Sentinel).
 * The dead-master test tells requests apart by the Redis slots they may touch: a sign-in's IP,
 * login and account keys; a token check's deny-list key of its account (reached when the token is
 * not cached, or while the cache is bypassed because the revocation subscription was lost). Client
 * addresses are chosen through X-Forwarded-For. Each test starts on a whole cluster stack:
 * {@link ClusterStack#ensureHealthy} restarts what another killed.
 */
class FailoverIT {
    static ClusterStack stack;

    @BeforeAll
    static void start() throws Exception {
        ScaleStack.requireTools();
        stack = new ClusterStack("FailoverIT");
        stack.start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void wholeStack(TestInfo test) throws Exception {
        stack.ensureHealthy(test.getTestMethod().orElseThrow().getName());
        stack.nginx.routeAll();
    }

    @Test
    void anInstanceRestartedUnderLoadThroughNginxLosesNoRequest() throws Exception {
        Instance victim = stack.instances.get(1);
        List<Loop> loops = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            loops.add(new Loops.SignInVerifyLoop(
                    "nginx",
                    stack.nginx.port(),
                    stack.scale.get(200 + i).login(),
                    PASSWORD,
                    "127.70.0." + (i + 1),
                    null,
                    null));
        }
        LoadDriver.Run run = stack.driver.start(loops);
        Procs.sleep(5_000);

        int run1 = victim.logFiles().size();
        long term = victim.terminate();
        // As the endpoints controller does for a terminating pod: the proxy stops routing to it
        // while it drains. A proxy never told would have a POST that reaches the port in the instant
        // the listener closes reset by the kernel, and nginx does not retry a POST it has sent.
        CompletableFuture<Void> out = CompletableFuture.runAsync(() -> route(victim, false));
        // Readiness of the draining instance, asked directly, until it stops answering.
        List<long[]> readiness = new ArrayList<>();
        while (victim.alive()) {
            int status = victim.ready();
            readiness.add(new long[] {(System.nanoTime() - term) / 1_000_000, status});
            if (status == -1) {
                break;
            }
            Procs.sleep(50);
        }
        Duration allowed = DRAIN_DELAY.plus(SHUTDOWN_GRACE).plusSeconds(5);
        Integer exit = victim.waitFor(allowed.plusSeconds(15).minusMillis((System.nanoTime() - term) / 1_000_000));
        double exitedAfter = (System.nanoTime() - term) / 1e9;
        String firstLog = victim.log(run1);
        if (exit == null) {
            victim.kill();
        }
        out.join();
        victim.start();
        victim.awaitReady(Duration.ofSeconds(90));
        route(victim, true);
        long back = System.nanoTime();
        Procs.sleep(10_000);
        List<Outcome> outcomes = run.stop();

        Map<String, List<Outcome>> groups = new LinkedHashMap<>();
        groups.put(
                "before SIGTERM",
                outcomes.stream().filter(o -> o.endNs() < term).toList());
        groups.put(
                "SIGTERM .. ready again",
                outcomes.stream()
                        .filter(o -> o.endNs() >= term && o.startNs() < back)
                        .toList());
        groups.put(
                "after restart",
                outcomes.stream().filter(o -> o.startNs() >= back).toList());
        groups.putAll(Report.by(outcomes, o -> "all " + o.call().kind()));
        groups.put("all", outcomes);
        System.out.print(Report.table(
                "anInstanceRestartedUnderLoadThroughNginx…: 50 loops through nginx, " + victim
                        + " SIGTERM'd and started again",
                groups,
                run.seconds()));
        String firstReadiness =
                readiness.stream().limit(40).map(r -> r[0] + "ms:" + r[1]).collect(Collectors.joining(" "));
        System.out.printf(
                "exit %s after %.1f s (allowed %d s); readiness after SIGTERM (ms:status) %s%nfailures:%n%s%n",
                exit, exitedAfter, allowed.toSeconds(), firstReadiness, Report.failures(outcomes, 12));
        List<String> nginxNot200 = stack.nginx.notOkLines();
        if (!nginxNot200.isEmpty()) {
            System.out.println("nginx answers other than 200 (first 20):\n"
                    + String.join("\n", nginxNot200.subList(0, Math.min(20, nginxNot200.size())))
                    + "\nnginx error log:\n" + stack.nginx.errorLogTail(20));
        }

        assertThat(failed(outcomes))
                .as("failed client requests through nginx:%n%s", Report.failures(outcomes, 12))
                .isZero();
        assertThat(exit).as("exit status of the SIGTERM'd instance").isNotNull().isIn(0, 143);
        assertThat(exitedAfter).as("seconds from SIGTERM to exit").isLessThanOrEqualTo(allowed.toSeconds());
        assertThat(firstLog)
                .as("its log (%s)", victim.logFiles().get(run1 - 1))
                .containsIgnoringCase("draining")
                .containsIgnoringCase("stopped");
        List<Integer> statuses = readiness.stream().map(r -> (int) r[1]).toList();
        int first503 = statuses.indexOf(503);
        assertThat(first503)
                .as("/health/ready answered 503 while draining; readiness %s", firstReadiness)
                .isNotNegative();
        assertThat(readiness.get(first503)[0])
                .as("ms from SIGTERM to the first 503 of /health/ready")
                .isLessThan(1_000);
        assertThat(statuses.subList(first503, statuses.size()))
                .as("readiness after the first 503: %s", firstReadiness)
                .doesNotContain(200);
    }

    private static void route(Instance instance, boolean on) {
        try {
            stack.nginx.route(instance.httpPort, on);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aDeadReplicaCostsNothingAndADeadMasterOnlyItsSlots() {
        stack.cluster.awaitHealthy(Duration.ofSeconds(30));
        List<RedisCluster.NodeInfo> masters = stack.cluster.masters().stream()
                .sorted(Comparator.comparingInt(RedisCluster.NodeInfo::port))
                .toList();
        RedisCluster.NodeInfo victim = masters.get(0);
        RedisCluster.NodeInfo deadReplica = stack.cluster.replicas().stream()
                .filter(r -> !victim.id().equals(r.masterId()))
                .findFirst()
                .orElseThrow();
        BitSet victimSlots = victim.slots();

        // Loops whose every key lives off the victim ("clear"), and loops with exactly one tag on it.
        record Pick(Acct acct, UUID id, String ip, String kind) {}
        Map<String, Integer> wanted = new LinkedHashMap<>(
                Map.of("clear", 30, "account on victim", 10, "login on victim", 10, "ip on victim", 10));
        List<Pick> picks = new ArrayList<>();
        int ipSeq = 0;
        for (int i = 0; i < SCALE_ACCOUNTS && picks.size() < 60; i++) {
            Acct acct = stack.scale.get(i);
            UUID id = Accounts.id(stack.instances.get(i % 3), acct.login());
            boolean aOn = victimSlots.get(Slots.slotOfTag("a:" + id));
            boolean lOn = victimSlots.get(Slots.slotOfTag("l:mobile:" + acct.login()));
            String kind = aOn && !lOn ? "account on victim" : lOn && !aOn ? "login on victim" : !aOn ? null : "both";
            if (kind == null) {
                kind = wanted.get("clear") > 0 ? "clear" : "ip on victim";
            }
            if (!wanted.containsKey(kind) || wanted.get(kind) == 0) {
                continue;
            }
            boolean ipOn = kind.equals("ip on victim");
            String ip;
            do {
                ipSeq++;
                ip = "127.80." + (ipSeq / 250) + "." + (ipSeq % 250 + 1);
            } while (victimSlots.get(Slots.slotOfTag("ip:" + ip)) != ipOn);
            wanted.merge(kind, -1, Integer::sum);
            picks.add(new Pick(acct, id, ip, kind));
        }
        assertThat(wanted.values()).as("accounts found for each kind of loop").containsOnly(0);

        List<Loop> loops = new ArrayList<>();
        Map<Integer, String> kindOfLoop = new HashMap<>();
        for (int i = 0; i < picks.size(); i++) {
            Pick p = picks.get(i);
            Instance at = stack.instances.get(i % 3);
            int a = Slots.slotOfTag("a:" + p.id());
            int[] signIn = {
                Slots.slotOfTag("ip:" + p.ip()),
                Slots.slotOfTag("l:mobile:" + p.acct().login()),
                a
            };
            loops.add(new Loops.SignInVerifyLoop(
                    at.name, at.httpPort, p.acct().login(), PASSWORD, p.ip(), signIn, new int[] {a}));
            kindOfLoop.put(i, p.kind());
        }

        LoadDriver.Run run = stack.driver.start(loops);
        Procs.sleep(3_000);
        long replicaKilled = System.nanoTime();
        stack.cluster.kill(deadReplica.port());
        Procs.sleep(15_000);
        long masterKilled = System.nanoTime();
        stack.cluster.kill(victim.port());
        long promoted = stack.cluster.awaitFailover(victim.port(), victimSlots, Duration.ofSeconds(40));
        Procs.sleep(18_000);
        List<Outcome> outcomes = run.stop();
        double promotedAfter = (promoted - masterKilled) / 1e9;

        List<Outcome> phaseA =
                outcomes.stream().filter(o -> o.endNs() < masterKilled).toList();
        List<Outcome> phaseB =
                outcomes.stream().filter(o -> o.endNs() >= masterKilled).toList();
        List<Outcome> clear =
                phaseB.stream().filter(o -> !o.touchesAny(victimSlots)).toList();
        List<Outcome> exposed = phaseB.stream()
                .filter(o -> o.touchesAny(victimSlots))
                .sorted(Comparator.comparingLong(Outcome::startNs))
                .toList();
        long settle = promoted + Duration.ofSeconds(15).toNanos();
        List<Outcome> exposedLate =
                exposed.stream().filter(o -> o.startNs() >= settle).toList();
        // The first moment after which every request on the victim's slots succeeded.
        long lastFailure = exposed.stream()
                .filter(o -> !o.ok())
                .mapToLong(Outcome::startNs)
                .max()
                .orElse(masterKilled);
        Map<String, List<Outcome>> groups = new LinkedHashMap<>();
        groups.put(
                "all alive (3 s)",
                phaseA.stream().filter(o -> o.endNs() < replicaKilled).toList());
        groups.put(
                "replica dead (15 s)",
                phaseA.stream().filter(o -> o.endNs() >= replicaKilled).toList());
        groups.put("master dead: keys off victim", clear);
        groups.put("master dead: victim's slots", exposed);
        groups.put("  .. started >= promotion + 15 s", exposedLate);
        for (String kind : List.of("account on victim", "login on victim", "ip on victim")) {
            groups.put(
                    "  .. loops with " + kind,
                    phaseB.stream()
                            .filter(o -> kind.equals(kindOfLoop.get(o.loop())))
                            .toList());
        }
        System.out.print(Report.table(
                "aDeadReplicaCostsNothing…: 60 loops (sign-in, 2 verifies) over A/B/C; replica :" + deadReplica.port()
                        + " killed, then master :" + victim.port() + " (slots " + Slots.ranges(victimSlots) + ")",
                groups,
                run.seconds()));
        System.out.printf(
                "replica killed at +%.1f s; master killed at +%.1f s; failover seen %.1f s after the kill; last failure on the "
                        + "victim's slots %.1f s after promotion; cluster now %s%nfailures:%n%s%n",
                (replicaKilled - run.startNs()) / 1e9,
                (masterKilled - run.startNs()) / 1e9,
                promotedAfter,
                (lastFailure - promoted) / 1e9,
                stack.cluster.describe(),
                Report.failures(phaseB, 12));
        if (phaseA.stream().anyMatch(o -> !o.ok())) {
            System.out.println("failures while only the replica was dead:\n" + Report.failures(phaseA, 12));
        }

        assertThat(failed(phaseA))
                .as("failed requests with a replica dead:%n%s", Report.failures(phaseA, 12))
                .isZero();
        assertThat(clear).as("requests on surviving masters' slots").isNotEmpty();
        assertThat(failed(clear))
                .as("failed requests whose keys all live on surviving masters:%n%s", Report.failures(clear, 12))
                .isZero();
        assertThat(failedOtherThan503(exposed))
                .as(
                        "failures on the dead master's slots other than 503 + Retry-After:%n%s",
                        Report.failures(exposed, 12))
                .isZero();
        assertThat(exposedLate)
                .as("requests on the victim's slots from promotion + 15 s")
                .isNotEmpty();
        assertThat(failed(exposedLate))
                .as(
                        "failed requests on the victim's slots 15 s or more after the promotion:%n%s",
                        Report.failures(exposedLate, 12))
                .isZero();
    }
}
