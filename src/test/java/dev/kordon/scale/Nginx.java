package dev.kordon.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real nginx in front of the instances: round-robin over their HTTP ports with keep-alive
 * upstream connections, X-Forwarded-For appended, and the next upstream tried on a connect error
 * or timeout (which nginx does for a POST only while the request has not been sent).
 */
final class Nginx implements AutoCloseable {
    static final String BINARY = "/usr/sbin/nginx";

    private final Path dir;
    private final int port;
    private final List<Integer> upstreamPorts;
    private final Set<Integer> down = new HashSet<>();
    private Process process;

    private Nginx(Path dir, int port, List<Integer> upstreamPorts) {
        this.dir = dir;
        this.port = port;
        this.upstreamPorts = List.copyOf(upstreamPorts);
    }

    static Nginx start(Path dir, List<Integer> upstreamPorts) throws Exception {
        Files.createDirectories(dir);
        Nginx n = new Nginx(dir, Procs.freePort(), upstreamPorts);
        for (String t : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            Files.createDirectories(dir.resolve("temp").resolve(t));
        }
        n.writeConf();
        Path conf = dir.resolve("nginx.conf");
        n.process = Procs.start(new ProcessBuilder(
                        BINARY, "-e", dir.resolve("error.log").toString(), "-p", dir.toString(), "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()));
        try {
            Procs.await("nginx listening on :" + n.port, Duration.ofSeconds(15), () -> {
                if (!n.process.isAlive()) {
                    throw new IllegalStateException("nginx exited: " + Procs.tail(dir.resolve("stdout.log"), 20) + "\n"
                            + Procs.tail(dir.resolve("error.log"), 20));
                }
                return Procs.listening(n.port);
            });
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /**
     * Takes an upstream out of the rotation ({@code down}) or puts it back, and returns once new
     * workers run the new configuration: what an ingress does when the endpoints controller removes
     * a terminating pod or adds a ready one. The old workers finish what they have in flight.
     */
    void route(int upstreamPort, boolean on) throws IOException {
        if (on) {
            down.remove(upstreamPort);
        } else {
            down.add(upstreamPort);
        }
        writeConf();
        Set<Long> before = workers();
        Process reload = new ProcessBuilder(
                        BINARY,
                        "-e",
                        dir.resolve("error.log").toString(),
                        "-p",
                        dir.toString(),
                        "-c",
                        dir.resolve("nginx.conf").toString(),
                        "-s",
                        "reload")
                .redirectErrorStream(true)
                .start();
        try {
            if (!reload.waitFor(10, TimeUnit.SECONDS) || reload.exitValue() != 0) {
                throw new IllegalStateException("nginx -s reload failed: "
                        + new String(reload.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Procs.await(
                "nginx workers on the new configuration",
                Duration.ofSeconds(10),
                () -> workers().stream().anyMatch(w -> !before.contains(w)));
    }

    /** Every upstream back in rotation (a no-op when none is out). */
    void routeAll() throws IOException {
        for (int p : List.copyOf(down)) {
            route(p, true);
        }
    }

    private Set<Long> workers() {
        return process.toHandle().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    private void writeConf() throws IOException {
        Path conf = dir.resolve("nginx.conf");
        StringBuilder servers = new StringBuilder();
        for (int p : upstreamPorts) {
            servers.append("    server 127.0.0.1:")
                    .append(p)
                    .append(down.contains(p) ? " down" : "")
                    .append(";\n");
        }
        // As root the workers would otherwise run as nobody, who cannot write this directory.
        String user = "0".equals(uid()) ? "user root;\n" : "";
        Files.writeString(
                conf,
                user
                        + "daemon off;\n"
                        + "master_process on;\n"
                        + "worker_processes 1;\n"
                        + "pid " + dir.resolve("nginx.pid") + ";\n"
                        + "error_log " + dir.resolve("error.log") + " warn;\n"
                        + "events { worker_connections 2048; }\n"
                        + "http {\n"
                        + "  log_format upstream '$msec $remote_addr \"$request\" $status up=$upstream_addr upstatus=$upstream_status "
                        + "rt=$request_time urt=$upstream_response_time';\n"
                        + "  access_log " + dir.resolve("access.log") + " upstream;\n"
                        + "  client_body_temp_path " + dir.resolve("temp/client_body") + ";\n"
                        + "  proxy_temp_path " + dir.resolve("temp/proxy") + ";\n"
                        + "  fastcgi_temp_path " + dir.resolve("temp/fastcgi") + ";\n"
                        + "  uwsgi_temp_path " + dir.resolve("temp/uwsgi") + ";\n"
                        + "  scgi_temp_path " + dir.resolve("temp/scgi") + ";\n"
                        // No keep-alive towards the clients: a reload closes a worker's idle client
                        // connections, which races a client's next request on them (nginx's own
                        // edge, not Kordon's). Towards the instances connections are kept alive.
                        + "  keepalive_timeout 0;\n"
                        + "  upstream kordon {\n"
                        + servers
                        + "    keepalive 16;\n"
                        + "  }\n"
                        + "  server {\n"
                        + "    listen 127.0.0.1:" + port + ";\n"
                        + "    location / {\n"
                        + "      proxy_pass http://kordon;\n"
                        + "      proxy_http_version 1.1;\n"
                        + "      proxy_set_header Connection \"\";\n"
                        + "      proxy_set_header Host $host;\n"
                        + "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
                        + "      proxy_next_upstream error timeout;\n"
                        + "      proxy_connect_timeout 2s;\n"
                        + "      proxy_send_timeout 15s;\n"
                        + "      proxy_read_timeout 15s;\n"
                        + "    }\n"
                        + "  }\n"
                        + "}\n",
                StandardCharsets.UTF_8);
    }

    int port() {
        return port;
    }

    /** Access-log lines whose status is not 200 (for the report of a failed run). */
    List<String> notOkLines() {
        try {
            return Files.readAllLines(dir.resolve("access.log"), StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.contains("\" 200 "))
                    .toList();
        } catch (IOException e) {
            return List.of("(no access log: " + e.getMessage() + ")");
        }
    }

    String errorLogTail(int lines) {
        return Procs.tail(dir.resolve("error.log"), lines);
    }

    private static String uid() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    static void requireInstalled() {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is needed for the scale-out tests (apt-get install nginx)");
        }
    }

    @Override
    public void close() {
        Procs.stop(process, Duration.ofSeconds(5));
    }
}
