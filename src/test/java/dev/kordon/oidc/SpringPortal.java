package dev.kordon.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Spring Boot portal of src/test/spring-rp, built with the project's own Maven wrapper into
 * target/spring-rp (so src/ is never written to) and run as a child process with the README's
 * Spring Security block as its only configuration. Its output goes to a file, for the diagnosis of a
 * failure, with the client secret masked.
 */
final class SpringPortal implements AutoCloseable {
    static final Path SOURCES = Path.of("src", "test", "spring-rp");
    static final Path OUT = Path.of("target", "spring-rp").toAbsolutePath();
    static final Path JAR = OUT.resolve("spring-rp.jar");
    /** The first build downloads Spring Boot and its plugins from Maven Central. */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

    private static final String SECTION = "\n## Kordon as an OpenID provider\n";
    private static final String FIRST_LINE = "spring.security.oauth2.client:";

    private final Process process;
    private final Path log;
    private final String secret;
    private final Thread reaper;

    private SpringPortal(Process process, Path log, String secret) {
        this.process = process;
        this.log = log;
        this.secret = secret;
        // A failed or interrupted run must not leave the portal listening.
        this.reaper = new Thread(process::destroyForcibly, "spring-portal-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** The README's Spring Security block, as written: the one ```yaml block of its OpenID section that starts so. */
    static String readmeBlock() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int from = readme.indexOf(SECTION);
        assertThat(from)
                .as("the README's section «Kordon as an OpenID provider»")
                .isPositive();
        int to = readme.indexOf("\n## ", from + 1);
        String section = readme.substring(from, to < 0 ? readme.length() : to);
        List<String> blocks = new ArrayList<>();
        String fence = "```yaml\n";
        for (int i = section.indexOf(fence); i >= 0; i = section.indexOf(fence, i + 1)) {
            int start = i + fence.length();
            String block = section.substring(start, section.indexOf("\n```\n", start) + 1);
            if (block.startsWith(FIRST_LINE)) {
                blocks.add(block);
            }
        }
        assertThat(blocks).as("the section's Spring Security block").hasSize(1);
        return blocks.get(0);
    }

    /**
     * The portal's jar, built unless it is newer than every file of its project. A build that fails
     * fails the test with Maven's own words: Spring Security is what this test is about.
     */
    static Path build() throws IOException {
        if (Files.isRegularFile(JAR) && newest(SOURCES).compareTo(Files.getLastModifiedTime(JAR)) < 0) {
            return JAR;
        }
        Files.createDirectories(OUT);
        Path buildLog = OUT.resolve("build.log");
        Process p = new ProcessBuilder(
                        Path.of("mvnw").toAbsolutePath().toString(),
                        "-B",
                        "-q",
                        "-f",
                        SOURCES.resolve("pom.xml").toString(),
                        "package",
                        "-DskipTests",
                        "-Drp.build=" + OUT)
                .redirectErrorStream(true)
                .redirectOutput(buildLog.toFile())
                .start();
        try {
            boolean done = p.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            if (!done || p.exitValue() != 0 || !Files.isRegularFile(JAR)) {
                throw new AssertionError("./mvnw -f " + SOURCES + "/pom.xml package "
                        + (done ? "failed (exit " + p.exitValue() + ")" : "took over " + BUILD_TIMEOUT) + ":\n"
                        + Files.readString(buildLog));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted while building " + SOURCES, e);
        }
        return JAR;
    }

    private static FileTime newest(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            FileTime newest = FileTime.fromMillis(0);
            // A build by hand into the project's own target/ is not a source.
            for (Path f : files.filter(
                            f -> Files.isRegularFile(f) && !dir.relativize(f).startsWith("target"))
                    .toList()) {
                FileTime t = Files.getLastModifiedTime(f);
                newest = t.compareTo(newest) > 0 ? t : newest;
            }
            return newest;
        }
    }

    /**
     * {@code java -jar} on {@code config} alone; the command line sets only what a test must: the
     * issuer (the test's Kordon), the port, and loopback as the address (a test opens no port to the
     * network). The secret goes by the environment variable the README's block reads.
     */
    static SpringPortal start(Path jar, Path config, String issuer, int port, String secret) throws IOException {
        Path log = OUT.resolve("portal-" + port + ".log");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        jar.toString(),
                        "--spring.config.location=file:" + config.toAbsolutePath(),
                        "--spring.security.oauth2.client.provider.kordon.issuer-uri=" + issuer,
                        "--server.port=" + port,
                        "--server.address=127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("KORDON_CLIENT_SECRET", secret);
        return new SpringPortal(pb.start(), log, secret);
    }

    /** Waits until the portal accepts connections on {@code port}; fails with its output if it ends or takes too long. */
    void awaitListening(int port, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the Spring portal ended (exit " + process.exitValue() + ")\n" + output());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                sleep(200);
            }
        }
        throw new AssertionError("the Spring portal did not listen on " + port + " within " + wait + "\n" + output());
    }

    /** What the portal wrote so far, the secret masked should Spring ever print it. */
    String output() {
        try {
            String text = Files.readString(log);
            return "Spring portal output (" + log + "):\n" + text.replace(secret, "<client secret>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
