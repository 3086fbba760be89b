package dev.kordon.scale;

import dev.kordon.scale.Accounts.Acct;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The cluster topology: three instances ("a", "b", "c") on one Postgres database and a six-node
 * Redis Cluster (three masters, three replicas), nginx round-robin in front, a load driver, and
 * {@link #SCALE_ACCOUNTS} accounts that sign in with {@link #PASSWORD}. The instances run with the
 * shipped verified-token cache, as in production. {@link #ensureHealthy} makes it whole again
 * before each test, whatever the one before it killed.
 */
final class ClusterStack extends ScaleStack {
    static final int SCALE_ACCOUNTS = 300;

    RedisCluster cluster;
    String jdbcUrl;
    final List<Instance> instances = new ArrayList<>();
    Nginx nginx;
    LoadDriver driver;
    final List<Acct> scale = new ArrayList<>();

    /**
     * The scale accounts' password hashes, one Argon2id hash with its own salt each: made once per
     * run, while the first stack starts, and written into each stack's database.
     */
    private static CompletableFuture<List<String>> scaleHashes;

    ClusterStack(String name) throws IOException {
        super(name);
    }

    private static synchronized CompletableFuture<List<String>> scaleHashes() {
        if (scaleHashes == null) {
            scaleHashes = CompletableFuture.supplyAsync(
                    () -> Accounts.hashes(SCALE_ACCOUNTS, PASSWORD, HASH_MEMORY_KIB, HASH_ITERATIONS));
        }
        return scaleHashes;
    }

    void start() throws Exception {
        long t0 = System.nanoTime();
        CompletableFuture<List<String>> hashes = scaleHashes();
        cluster = start(() -> RedisCluster.start(work.resolve("cluster")));
        long backing = System.nanoTime();
        String db = freshDatabase();
        jdbcUrl = jdbc(db);
        for (String n : List.of("a", "b", "c")) {
            instances.add(instance(n, environment(pgUrl(db), "cluster", cluster.urls(), Map.of())));
        }
        for (Instance i : instances) {
            i.start();
        }
        for (int i = 0; i < SCALE_ACCOUNTS; i++) {
            scale.add(new Acct(String.format("+37525%07d", 1_000_000 + i), "scale-" + i + "@org.by"));
        }
        instances.get(0).awaitReady(Duration.ofSeconds(120));
        // The accounts go in through a's admin API while b and c finish starting.
        CompletableFuture<Void> provisioned = CompletableFuture.runAsync(() -> {
            try {
                Accounts.importCsv(instances.get(0), scale);
                Accounts.setHashes(jdbcUrl, scale.stream().map(Acct::login).toList(), hashes.join());
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        for (Instance i : instances) {
            i.awaitReady(Duration.ofSeconds(120));
        }
        try {
            provisioned.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        long ready = System.nanoTime();
        nginx = client(Nginx.start(
                work.resolve("nginx"), instances.stream().map(i -> i.httpPort).toList()));
        driver = client(new LoadDriver(256));
        warmUp();
        System.out.printf(
                "%n%s: stack up in %.1f s (Postgres and Redis %.1f s, instances and accounts %.1f s, warm-up %.1f s): "
                        + "instances %s, nginx :%d, Redis Cluster %s%n",
                name,
                (System.nanoTime() - t0) / 1e9,
                (backing - t0) / 1e9,
                (ready - backing) / 1e9,
                (System.nanoTime() - ready) / 1e9,
                instances,
                nginx.port(),
                cluster.describe());
    }

    /**
     * Sign-ins and token checks on every instance before any test: the first test of a class would
     * otherwise meet cold JVMs, which the tests after it find warmed up by it.
     */
    private void warmUp() {
        List<LoadDriver.Call> signIns = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            Instance at = instances.get(i % 3);
            signIns.add(
                    Loops.signIn(at.name, at.httpPort, scale.get(i).login(), PASSWORD, "127.40.0." + (i + 1), null));
        }
        List<LoadDriver.Answered> answers = new ArrayList<>(driver.all(signIns));
        List<LoadDriver.Call> verifies = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i).outcome().ok()) {
                String token =
                        secret(answers.get(i).response().bodyAsJsonObject().getString("access_token"));
                Instance at = instances.get(i % 3);
                verifies.add(Loops.verify(at.name, at.httpPort, token, "127.40.0." + (i + 1), null));
                verifies.add(Loops.verify(at.name, at.httpPort, token, "127.40.0." + (i + 1), null));
            }
        }
        answers.addAll(driver.all(verifies));
        System.out.printf(
                "%s: warm-up: %d requests, %d failed%n",
                name,
                answers.size(),
                answers.stream().filter(a -> !a.outcome().ok()).count());
    }

    /**
     * The whole stack before a test begins, so that each test answers for itself. A Redis node an
     * earlier test killed is started again, and the cluster awaited healthy. An instance not ready
     * (200 within 10 s) gets a thread dump in its directory and is started again (all such at once).
     * What was mended is printed.
     */
    void ensureHealthy(String test) throws IOException {
        List<Integer> restarted = cluster.restartDead();
        if (!restarted.isEmpty()) {
            System.out.printf("%n!! %s: Redis nodes %s were down at the start; started again%n", test, restarted);
        }
        cluster.awaitHealthy(Duration.ofSeconds(60));
        List<Instance> stuck = inParallel(instances, i -> {
                    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    int status = i.alive() ? i.ready() : -1;
                    while (i.alive() && status != 200 && System.nanoTime() < end) {
                        Procs.sleep(200);
                        status = i.ready();
                    }
                    if (status != 200) {
                        System.out.printf(
                                "%n!! %s: %s not ready at the start (/health/ready %d); threads: %s; starting it again%n",
                                test, i, status, i.alive() ? i.threadDump() : "(not running)");
                    }
                    return status != 200 ? i : null;
                })
                .stream()
                .filter(Objects::nonNull)
                .toList();
        for (Instance i : stuck) {
            if (i.alive()) {
                i.kill();
            }
            i.start();
        }
        for (Instance i : stuck) {
            i.awaitReady(Duration.ofSeconds(120));
        }
    }

    /** {@code f} on every instance at once (one thread each); the results in the instances' order. */
    static <T> List<T> inParallel(List<Instance> list, Function<Instance, T> f) {
        ExecutorService pool = Executors.newFixedThreadPool(list.size());
        try {
            List<Future<T>> futures =
                    list.stream().map(i -> pool.submit(() -> f.apply(i))).toList();
            List<T> out = new ArrayList<>();
            for (Future<T> fu : futures) {
                out.add(fu.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code kordon_outbox_deliveries_total{kind="mail",outcome="sent"}} of each instance (admin port). */
    Map<String, Double> mailsSent() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Instance i : instances) {
            Http.Answer r = Http.get(i.adminBase() + "/metrics", null);
            double v = 0;
            for (String line : r.body().split("\n")) {
                if (line.startsWith("kordon_outbox_deliveries_total{")
                        && line.contains("kind=\"mail\"")
                        && line.contains("outcome=\"sent\"")) {
                    v += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            out.put(i.name, v);
        }
        return out;
    }

    /** XLEN of the outbox stream, asked of the master that serves its slot. */
    long outboxLength() {
        String key = "kordon:outbox";
        return (Long) Resp.once(cluster.masterOf(Slots.slotOf(key)), 2_000, "XLEN", key);
    }
}
