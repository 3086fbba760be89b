package dev.kordon.scale;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Kordon process as an operator runs it: {@code java -jar target/kordon.jar}, configured by
 * {@code KORDON_*} variables only. Output goes to a log file per start ({@code <name>-<n>.log}).
 */
final class Instance implements AutoCloseable {
    static final Path JAR = Path.of("target", "kordon.jar").toAbsolutePath();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int httpPort;
    final int adminPort;
    final String adminToken;
    private final Map<String, String> env;
    private final Path dir;
    private final List<Path> logs = new ArrayList<>();
    private Process process;

    Instance(String name, Path dir, Map<String, String> env) {
        this.name = name;
        this.dir = dir;
        this.env = new LinkedHashMap<>(env);
        this.httpPort = Integer.parseInt(env.get("KORDON_HTTP_PORT"));
        this.adminPort = Integer.parseInt(env.get("KORDON_ADMIN_PORT"));
        this.adminToken = env.get("KORDON_ADMIN_TOKEN");
    }

    /** Starts the process (again, after {@link #terminate}/{@link #kill}: same settings, next log file). */
    Instance start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        Files.createDirectories(dir);
        Path log = dir.resolve(name + "-" + (logs.size() + 1) + ".log");
        logs.add(log);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", JAR.toString());
        // Nothing of the caller's KORDON_* (KORDON_DEV above all) may leak in.
        pb.environment().keySet().removeIf(k -> k.startsWith("KORDON_"));
        pb.environment().putAll(env);
        pb.directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        process = Procs.start(pb);
        return this;
    }

    /** Polls {@code /health/ready} until 200; fails at once if the process exits. */
    void awaitReady(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited with " + process.exitValue() + " before it was ready:\n" + tail(40));
            }
            if (ready() == 200) {
                String log = log();
                if (log.contains("name no configuration key")) {
                    throw new IllegalStateException(
                            name + ": an environment variable the harness sets is unknown to Kordon:\n" + tail(40));
                }
                return;
            }
            Procs.sleep(200);
        }
        throw new IllegalStateException(name + " not ready within " + timeout.toSeconds() + " s:\n" + tail(40));
    }

    /** The status of {@code /health/ready}, or -1 when nothing answers (within 5 s: its own checks take up to 2 s). */
    int ready() {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(base() + "/health/ready"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String base() {
        return "http://127.0.0.1:" + httpPort;
    }

    String adminBase() {
        return "http://127.0.0.1:" + adminPort;
    }

    /** SIGTERM (the drain); returns {@link System#nanoTime()} when the signal was sent. */
    long terminate() {
        process.destroy();
        return System.nanoTime();
    }

    /** Waits for the process to exit; its status, or null if it is still running after {@code timeout}. */
    Integer waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A thread dump of the running process ({@code jcmd <pid> Thread.print}) into {@code <name>-threads-<n>.txt}; its path. */
    Path threadDump() {
        Path out = dir.resolve(name + "-threads-" + System.currentTimeMillis() + ".log");
        try {
            String jcmd =
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Process p = new ProcessBuilder(jcmd, Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** SIGKILL. */
    void kill() {
        Procs.kill(process);
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, wait, start again, wait until ready. */
    void restart(Duration timeout) throws IOException {
        terminate();
        if (waitFor(Duration.ofSeconds(60)) == null) {
            Procs.kill(process);
        }
        start();
        awaitReady(timeout);
    }

    /** The log of the current (or last) start. */
    String log() {
        return read(logs.get(logs.size() - 1));
    }

    /** The log of start number {@code n} (1-based). */
    String log(int n) {
        return read(logs.get(n - 1));
    }

    List<Path> logFiles() {
        return List.copyOf(logs);
    }

    String tail(int lines) {
        return Procs.tail(logs.get(logs.size() - 1), lines);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (process != null) {
            Procs.stop(process, Duration.ofSeconds(25));
        }
    }

    @Override
    public String toString() {
        return name + " (:" + httpPort + ")";
    }
}
