package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.TestServers;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Debian's nginx running the nginx block of docs/edge.md exactly as written, with only its addresses
 * and TLS lines swapped for loopback ones; its configuration and logs are kept in the directory given.
 */
final class DocumentedNginx implements AutoCloseable {
    static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final Process process;

    private DocumentedNginx(Process process) {
        this.process = process;
    }

    static boolean installed() {
        return Files.isExecutable(NGINX);
    }

    /** docs/edge.md's nginx block, exactly; the test only points it at its own ports. */
    static String readmeNginx() throws IOException {
        String readme = Files.readString(Path.of("docs", "edge.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("\n## Behind nginx / Traefik / Envoy\n");
        assertThat(section).as("docs/edge.md's forward-auth section").isPositive();
        int start = readme.indexOf("```nginx\n", section);
        assertThat(start).as("its nginx block").isPositive();
        start += "```nginx\n".length();
        return readme.substring(start, readme.indexOf("\n```\n", start) + 1);
    }

    /** Replaces text that must be in the documented block exactly once, so the page cannot drift unnoticed. */
    static String once(String text, String from, String to) {
        assertThat(text.split(Pattern.quote(from), -1).length - 1)
                .as("occurrences of «" + from.strip() + "»")
                .isEqualTo(1);
        return text.replace(from, to);
    }

    /**
     * nginx on 127.0.0.1:{@code port} in front of Kordon's and the portal's ports, returned once it
     * listens; {@code dir} (absolute) holds its configuration, temporary files and logs.
     */
    static DocumentedNginx start(Path dir, int port, int kordonPort, int portalPort) throws Exception {
        Files.createDirectories(dir);
        String site = readmeNginx();
        site = once(site, "server 127.0.0.1:8080;", "server 127.0.0.1:" + kordonPort + ";");
        site = once(site, "server 127.0.0.1:3000;", "server 127.0.0.1:" + portalPort + ";");
        site = once(site, "listen 443 ssl;", "listen 127.0.0.1:" + port + ";");
        site = once(site, "    ssl_certificate     /etc/ssl/certs/my.example.by.pem;\n", "");
        site = once(site, "    ssl_certificate_key /etc/ssl/private/my.example.by.key;\n", "");
        StringBuilder temps = new StringBuilder();
        for (String t : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            Files.createDirectories(dir.resolve("temp").resolve(t));
            temps.append("  ")
                    .append(t)
                    .append("_temp_path ")
                    .append(dir.resolve("temp").resolve(t))
                    .append(";\n");
        }
        Files.deleteIfExists(dir.resolve("error.log"));
        Files.deleteIfExists(dir.resolve("access.log"));
        // As root the workers would otherwise run as nobody, who cannot write this directory.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(
                conf,
                user
                        + "daemon off;\n"
                        + "master_process on;\n"
                        + "worker_processes 1;\n"
                        + "pid " + dir.resolve("nginx.pid") + ";\n"
                        + "error_log " + dir.resolve("error.log") + " warn;\n"
                        + "events { worker_connections 256; }\n"
                        + "http {\n"
                        + "  access_log " + dir.resolve("access.log") + ";\n"
                        + temps
                        + site
                        + "}\n",
                StandardCharsets.UTF_8);
        Process nginx = new ProcessBuilder(
                        NGINX.toString(),
                        "-e",
                        dir.resolve("error.log").toString(),
                        "-p",
                        dir + "/",
                        "-c",
                        conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        DocumentedNginx started = new DocumentedNginx(nginx);
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!TestServers.accepts(loopback, port)) {
                if (!nginx.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("nginx did not start: "
                            + Files.readString(dir.resolve("stdout.log"))
                            + (Files.exists(dir.resolve("error.log"))
                                    ? Files.readString(dir.resolve("error.log"))
                                    : ""));
                }
                Thread.sleep(50);
            }
        } catch (Exception e) {
            started.close();
            throw e;
        }
        return started;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
