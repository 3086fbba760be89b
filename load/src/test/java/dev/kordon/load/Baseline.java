package dev.kordon.load;

import dev.kordon.credential.PasswordHasher;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * The reference point of the benchmark: what this machine can do with Kordon's own classes and
 * nothing else in the way. It runs in a JVM of its own with no flags, like Kordon, on this module's
 * classes and Kordon's jar ({@link BaselineProcess}), so the hasher and the Vert.x measured are the
 * ones Kordon runs on, and Gatling's classpath never meets them:
 * <pre>
 * java -cp load/target/test-classes:target/kordon.jar dev.kordon.load.Baseline followed by one of
 * hash --memory-kib 19456 --iterations 2 --parallelism 1 --threads 2 --seconds 20
 *   → "hash-only rate=57.3/s threads=2 ...": password checks per second the hashing pool can at best deliver
 * hello --port 18090
 *   → a Vert.x router answering GET / with 200 "ok", one server per event loop; serves until killed
 * hashes --count 10000 --password X --memory-kib 19456 --iterations 2 --out FILE
 *   → FILE with one Argon2id hash (own salt each) per line, made on all cores
 * </pre>
 */
public final class Baseline {
    private Baseline() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        Map<String, String> opt = options(args);
        switch (args[0]) {
            case "hash" -> hashRate(opt);
            case "hello" ->
                hello(Integer.parseInt(opt.getOrDefault("port", "18090")), opt.getOrDefault("host", "127.0.0.1"));
            case "hashes" -> hashes(opt);
            default -> usage();
        }
    }

    /** verify() in a loop on as many threads as Kordon's hashing pool has; counts only after a warm-up. */
    static void hashRate(Map<String, String> opt) throws Exception {
        PasswordHasher hasher = hasher(opt);
        int threads = Integer.parseInt(opt.getOrDefault(
                "threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
        double seconds = Double.parseDouble(opt.getOrDefault("seconds", "20"));
        double warmup =
                Double.parseDouble(opt.getOrDefault("warmup", Double.toString(Math.min(5, Math.max(1, seconds / 4)))));
        String encoded = hasher.hash("Kordon-baseline");
        // Each thread hashes until the end of the window and counts what it finished inside it.
        long from = System.nanoTime() + (long) (warmup * 1e9);
        long until = from + (long) (seconds * 1e9);
        LongAdder done = new LongAdder();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(
                    () -> {
                        long now;
                        do {
                            if (!hasher.verify(encoded, "Kordon-baseline")) {
                                throw new IllegalStateException("the hasher does not verify its own hash");
                            }
                            now = System.nanoTime();
                            if (now >= from && now < until) {
                                done.increment();
                            }
                        } while (now < until);
                    },
                    "baseline-hash-" + i);
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        double elapsed = seconds;
        System.out.printf(
                Locale.ROOT,
                "hash-only rate=%.2f/s threads=%d verifies=%d seconds=%.1f %s%n",
                done.sum() / elapsed,
                threads,
                done.sum(),
                elapsed,
                hasher.parameters().replace(" ", ""));
    }

    /** The cheapest possible Vert.x answer, deployed the way Kordon deploys its HTTP verticle. */
    static void hello(int port, String host) throws Exception {
        Vertx vertx = Vertx.vertx();
        int instances = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
        vertx.deployVerticle(
                        () -> new VerticleBase() {
                            @Override
                            public Future<?> start() {
                                Router router = Router.router(vertx);
                                router.get("/")
                                        .handler(ctx -> ctx.response()
                                                .putHeader("Content-Type", "text/plain")
                                                .end("ok"));
                                return vertx.createHttpServer()
                                        .requestHandler(router)
                                        .listen(port, host);
                            }
                        },
                        new DeploymentOptions().setInstances(instances))
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        System.out.println("hello ready port=" + port + " instances=" + instances);
        Runtime.getRuntime().addShutdownHook(new Thread(vertx::close));
        Thread.currentThread().join();
    }

    /** Seeding hashes: each with its own salt, on every core, written one per line in order. */
    static void hashes(Map<String, String> opt) throws Exception {
        int count = Integer.parseInt(required(opt, "count"));
        String password = required(opt, "password");
        Path out = Path.of(required(opt, "out"));
        PasswordHasher hasher = hasher(opt);
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        List<java.util.concurrent.Future<String>> jobs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            jobs.add(pool.submit(() -> hasher.hash(password)));
        }
        StringBuilder lines = new StringBuilder(count * 100);
        for (java.util.concurrent.Future<String> job : jobs) {
            lines.append(job.get()).append('\n');
        }
        pool.shutdown();
        // Written whole, then renamed: a cut-short run never leaves a half file that looks reusable.
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(tmp, lines, StandardCharsets.US_ASCII);
        Files.move(
                tmp,
                out,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("hashes written count=" + count + " file=" + out);
    }

    private static PasswordHasher hasher(Map<String, String> opt) {
        return new PasswordHasher(
                Integer.parseInt(opt.getOrDefault("memory-kib", "19456")),
                Integer.parseInt(opt.getOrDefault("iterations", "2")),
                Integer.parseInt(opt.getOrDefault("parallelism", "1")));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opt = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                usage();
            }
            opt.put(args[i].substring(2), args[++i]);
        }
        return opt;
    }

    private static String required(Map<String, String> opt, String key) {
        String v = opt.get(key);
        if (v == null) {
            usage();
        }
        return v;
    }

    private static void usage() {
        System.err.println(
                "usage: Baseline hash --memory-kib M --iterations T --parallelism P --threads N --seconds S\n"
                        + "       Baseline hello --port P\n"
                        + "       Baseline hashes --count N --password X --memory-kib M --iterations T [--parallelism P] --out FILE");
        System.exit(2);
    }
}
