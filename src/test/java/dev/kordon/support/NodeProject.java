package dev.kordon.support;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A Node project of the tests (src/test/node/NAME: package.json, its package-lock.json, scripts),
 * copied under target/ and installed there with {@code npm ci}, so that src/ is never written to.
 * Without node and npm the tests that use one are skipped, unless KORDON_REQUIRE_BROWSER=true (CI
 * sets it, and .ci/run installs them), in which case they fail: these tests drive the browser too.
 */
public final class NodeProject {
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);

    public final Path dir;

    private NodeProject(Path dir) {
        this.dir = dir;
    }

    public static void requireNode() {
        boolean present = runs("node", "--version") && runs("npm", "--version");
        if (!present && "true".equals(System.getenv("KORDON_REQUIRE_BROWSER"))) {
            throw new IllegalStateException("node and npm are required (apt-get install nodejs npm)");
        }
        Assumptions.assumeTrue(present, "the relying-party tests need node and npm");
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The project copied to target/node/NAME, its locked packages installed unless they already are. */
    public static NodeProject prepare(String name) {
        requireNode();
        Path src = Path.of("src", "test", "node", name);
        Path dir = Path.of("target", "node", name).toAbsolutePath();
        try {
            Files.createDirectories(dir);
            Path lock = dir.resolve("package-lock.json");
            boolean installed = Files.isRegularFile(dir.resolve("node_modules/.package-lock.json"))
                    && Files.isRegularFile(lock)
                    && Arrays.equals(Files.readAllBytes(lock), Files.readAllBytes(src.resolve("package-lock.json")));
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, dir.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (!installed) {
                install(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new NodeProject(dir);
    }

    private static void install(Path dir) throws IOException {
        Path log = dir.resolve("npm-ci.log");
        Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            boolean done = p.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            if (!done || p.exitValue() != 0) {
                throw new IllegalStateException("npm ci in " + dir
                        + (done ? " failed" : " took over " + INSTALL_TIMEOUT) + ":\n" + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted during npm ci", e);
        }
    }

    /** {@code node SCRIPT ARGS...} in the project, with {@code env} added; stderr joins stdout. */
    public Script run(Map<String, String> env, List<String> command) {
        List<String> line = new java.util.ArrayList<>(command);
        line.add(0, "node");
        ProcessBuilder pb = new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            return new Script(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A running script that talks in lines: JSON objects on stdout, one line at a time on stdin. */
    public static final class Script implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuffer transcript = new StringBuffer();

        Script(Process process) {
            this.process = process;
            Thread reader = new Thread(this::read, "node-script-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    transcript.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException e) {
                transcript.append("(output unreadable: ").append(e.getMessage()).append(")\n");
            }
        }

        /** The next line that is a JSON object, within {@code wait}; other lines stay in the transcript only. */
        public JsonObject nextJson(Duration wait) {
            long deadline = System.nanoTime() + wait.toNanos();
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (line == null) {
                        throw new AssertionError(
                                "no JSON line from the script within " + wait + "; it wrote:\n" + transcript());
                    }
                    if (line.startsWith("{")) {
                        try {
                            return new JsonObject(line);
                        } catch (DecodeException notJson) {
                            // a log line that happens to start with a brace
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for the script", e);
            }
        }

        public void send(String line) {
            try {
                OutputStream in = process.getOutputStream();
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("the script's stdin; it wrote:\n" + transcript(), e);
            }
        }

        /** The exit code, once the script ended within {@code wait}; -1 if it is still running. */
        public int exitCode(Duration wait) {
            try {
                return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        public String transcript() {
            return transcript.toString();
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
