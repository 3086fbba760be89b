package dev.kordon.scale;

import static dev.kordon.scale.ClusterStack.SCALE_ACCOUNTS;
import static dev.kordon.scale.Report.failed;
import static dev.kordon.scale.Report.failedOtherThan503;
import static dev.kordon.scale.ScaleStack.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.scale.LoadDriver.Answered;
import dev.kordon.scale.LoadDriver.Call;
import dev.kordon.scale.LoadDriver.Fail;
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
 * 200 concurrent requests per instance (verify and sign-in) for 60 s on three instances and a Redis
 * Cluster: no client timeout, no broken answer, 503 + Retry-After rare, and no instance stuck
 * afterwards. Client addresses are chosen through X-Forwarded-For. The stack is {@link ClusterStack}'s.
 */
class ClusterLoadIT {
    static ClusterStack stack;

    @BeforeAll
    static void start() throws Exception {
        ScaleStack.requireTools();
        stack = new ClusterStack("ClusterLoadIT");
        stack.start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void twoHundredConcurrentVerifyAndSignInPerInstanceForSixtySecondsOnACluster() {
        // Access tokens of 150 accounts, each signed in on one of the three instances.
        List<Call> firstSignIns = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            Instance at = stack.instances.get(i % 3);
            firstSignIns.add(Loops.signIn(
                    at.name, at.httpPort, stack.scale.get(i).login(), PASSWORD, "127.60.0." + (i + 1), null));
        }
        List<Answered> first = stack.driver.all(firstSignIns);
        List<Outcome> firstOutcomes = first.stream().map(Answered::outcome).toList();
        assertThat(failed(firstOutcomes))
                .as(
                        "150 sign-ins at once (50 per instance) before the load; failures:%n%s",
                        Report.failures(firstOutcomes, 12))
                .isZero();
        List<String> tokens = first.stream()
                .map(x -> stack.secret(x.response().bodyAsJsonObject().getString("access_token")))
                .toList();

        // Per instance: 180 loops verify (a token from any instance), 20 loops sign in (5 accounts each, all distinct).
        List<Loop> loops = new ArrayList<>();
        int signInLoop = 0;
        for (int inst = 0; inst < 3; inst++) {
            Instance at = stack.instances.get(inst);
            for (int j = 0; j < 200; j++) {
                String xff = "127.61." + inst + "." + (j + 1);
                if (j % 10 == 0) {
                    int k = signInLoop++;
                    List<String> mine = IntStream.range(0, 5)
                            .mapToObj(r -> stack.scale.get(k + 60 * r).login())
                            .toList();
                    loops.add(new Loops.SignInLoop(at.name, at.httpPort, mine, PASSWORD, xff));
                } else {
                    loops.add(new Loops.VerifyLoop(
                            at.name, at.httpPort, tokens.get((inst * 200 + j) % tokens.size()), xff));
                }
            }
        }
        // The same load for 10 s first, not counted in the rarity bound below: instances that just started
        // compile their hot paths meanwhile, and 600 loops at once on cold JVMs push a few Redis replies
        // past their 2 s deadline (every such 503 of two failed CI runs fell in the load's first 4-11 s).
        // What they answer then must still have the documented shape.
        LoadDriver.Run warm = stack.driver.start(loops);
        Procs.sleep(10_000);
        List<Outcome> warming = warm.stop();
        String warmFailures = Report.failures(warming, 12);
        System.out.printf("warm-up: %d requests, %d 503s%n%s%n", warming.size(), failed(warming), warmFailures);
        assertThat(warming.stream().filter(o -> o.fail() != Fail.NONE).count())
                .as("client timeouts or connection errors in the warm-up; failures:%n%s", warmFailures)
                .isZero();
        assertThat(failedOtherThan503(warming))
                .as("answers other than 200 or 503 + Retry-After in the warm-up; failures:%n%s", warmFailures)
                .isZero();

        LoadDriver.Run run = stack.driver.start(loops);
        Procs.sleep(60_000);
        List<Outcome> outcomes = run.stop();
        double seconds = run.seconds();

        // Afterwards: every instance ready again within 10 s, and a fresh sign-in works on each.
        Map<String, String> after = new java.util.TreeMap<>();
        ClusterStack.inParallel(stack.instances, i -> {
            long t = System.nanoTime();
            int status = i.ready();
            while (System.nanoTime() - t < Duration.ofSeconds(10).toNanos() && status != 200) {
                Procs.sleep(100);
                status = i.ready();
            }
            Answered fresh = stack.driver.once(Loops.signIn(
                    i.name, i.httpPort, stack.scale.get(SCALE_ACCOUNTS - 1).login(), PASSWORD, "127.62.0.1", null));
            String state = "ready " + status + ", sign-in "
                    + (fresh.outcome().ok() ? "200" : fresh.outcome().describe());
            if (status != 200 || !fresh.outcome().ok()) {
                System.out.println(i + " is stuck; its threads: " + i.threadDump());
            }
            synchronized (after) {
                after.put(i.name, state);
            }
            return null;
        });

        Map<String, List<Outcome>> groups = new LinkedHashMap<>(
                Report.by(outcomes, o -> o.call().target() + " " + o.call().kind()));
        groups.put(
                "all verify",
                outcomes.stream()
                        .filter(o -> o.call().kind().equals(Loops.VERIFY))
                        .toList());
        groups.put(
                "all sign-in",
                outcomes.stream()
                        .filter(o -> o.call().kind().equals(Loops.SIGN_IN))
                        .toList());
        groups.put("all", outcomes);
        System.out.print(Report.table(
                "twoHundredConcurrent…: 600 loops (540 verify, 60 sign-in) for 60 s, direct to each instance",
                groups,
                seconds));
        long shed = outcomes.stream()
                .filter(o -> o.call().kind().equals(Loops.SIGN_IN)
                        && o.status() == 503
                        && "code=overloaded".equals(o.detail()))
                .count();
        String failures = Report.failures(outcomes, 12);
        System.out.printf(
                "requests/s %.0f, p99 %.1f ms; sign-ins shed (503 overloaded): %d; afterwards %s%nfailures:%n%s%n",
                outcomes.size() / seconds, Report.p99(outcomes), shed, after, failures);

        assertThat(outcomes.stream().filter(o -> o.fail() == Fail.TIMEOUT).count())
                .as("client timeouts (10 s) among %d requests; failures:%n%s", outcomes.size(), failures)
                .isZero();
        assertThat(outcomes.stream().filter(o -> o.fail() == Fail.CONNECTION).count())
                .as("connection errors among %d requests; failures:%n%s", outcomes.size(), failures)
                .isZero();
        assertThat(groups.get("all verify")).as("verifies").isNotEmpty();
        assertThat(groups.get("all sign-in")).as("sign-ins").isNotEmpty();
        assertThat(shed)
                .as("sign-ins shed with 503 overloaded (hash.max-wait 30 s)")
                .isZero();
        // Three JVMs, six Redis nodes and 600 loops share two cores: p99 is seconds, and a command whose
        // reply waits behind a busy event loop may pass its 2 s deadline. Such a request must be refused
        // in the documented shape (503 + Retry-After), never hang or break, and stay rare.
        assertThat(failedOtherThan503(outcomes))
                .as("answers other than 200 or 503 + Retry-After; failures:%n%s", failures)
                .isZero();
        assertThat(failed(outcomes))
                .as("503s among %d requests (at most 1 in 1,000); failures:%n%s", outcomes.size(), failures)
                .isLessThanOrEqualTo(outcomes.size() / 1000);
        assertThat(after)
                .as("each instance afterwards")
                .allSatisfy((k, v) -> assertThat(v).isEqualTo("ready 200, sign-in 200"));
    }
}
