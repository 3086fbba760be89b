package dev.kordon.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Sentinel setup: one Redis master, two replicas and three sentinels (quorum 2), all
 * {@code redis-server} processes on loopback. The master can be killed (SIGKILL) and the
 * sentinels' announcement of the new one timed.
 */
final class RedisSentinels implements AutoCloseable {
    static final String MASTER_NAME = "mymaster";
    private static final int TIMEOUT_MS = 1000;

    /** One process: a data node or a sentinel. */
    record Server(String role, int port, Process process, Path dir) {}

    private final Path dir;
    private final List<Server> data = new ArrayList<>();
    private final List<Server> sentinels = new ArrayList<>();
    private int masterPort;

    private RedisSentinels(Path dir) {
        this.dir = dir;
    }

    static RedisSentinels start(Path dir) throws Exception {
        RedisSentinels s = new RedisSentinels(dir);
        try {
            s.masterPort = Procs.freePort();
            s.data.add(s.startData("master", s.masterPort, null));
            s.data.add(s.startData("replica", Procs.freePort(), s.masterPort));
            s.data.add(s.startData("replica", Procs.freePort(), s.masterPort));
            for (Server d : s.data) {
                Procs.await("redis-server :" + d.port + " answers PING", Duration.ofSeconds(20), () -> s.pings(d.port));
            }
            Procs.await("both replicas in sync with the master", Duration.ofSeconds(30), () -> {
                String repl = s.info(s.masterPort, "replication");
                return repl != null && repl.contains("connected_slaves:2") && count(repl, "state=online") == 2;
            });
            for (int i = 0; i < 3; i++) {
                s.sentinels.add(s.startSentinel(Procs.freePort()));
            }
            Procs.await(
                    "every sentinel sees 2 replicas and 2 other sentinels", Duration.ofSeconds(40), s::sentinelsReady);
            return s;
        } catch (Exception e) {
            s.close();
            throw e;
        }
    }

    private Server startData(String role, int port, Integer replicaOf) throws IOException {
        Path d = Files.createDirectories(dir.resolve(role + "-" + port));
        List<String> lines = new ArrayList<>(List.of(
                "port " + port,
                "bind 127.0.0.1",
                "protected-mode no",
                "daemonize no",
                "save \"\"",
                "appendonly no",
                "dir " + d,
                "logfile " + d.resolve("redis.log")));
        if (replicaOf != null) {
            lines.add("replicaof 127.0.0.1 " + replicaOf);
        }
        Path conf = d.resolve("redis.conf");
        Files.writeString(conf, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        Process p = Procs.start(new ProcessBuilder(RedisCluster.REDIS_SERVER, conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(d.resolve("stdout.log").toFile()));
        return new Server(role, port, p, d);
    }

    private Server startSentinel(int port) throws IOException {
        Path d = Files.createDirectories(dir.resolve("sentinel-" + port));
        Path conf = d.resolve("sentinel.conf");
        // Sentinel rewrites its file as it learns: it must be its own and writable.
        Files.writeString(
                conf,
                String.join(
                        "\n",
                        "port " + port,
                        "bind 127.0.0.1",
                        "protected-mode no",
                        "daemonize no",
                        "dir " + d,
                        "logfile " + d.resolve("sentinel.log"),
                        "sentinel resolve-hostnames no",
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
                        "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                        "sentinel failover-timeout " + MASTER_NAME + " 5000",
                        "sentinel parallel-syncs " + MASTER_NAME + " 1",
                        ""),
                StandardCharsets.UTF_8);
        Process p = Procs.start(new ProcessBuilder(RedisCluster.REDIS_SERVER, conf.toString(), "--sentinel")
                .redirectErrorStream(true)
                .redirectOutput(d.resolve("stdout.log").toFile()));
        return new Server("sentinel", port, p, d);
    }

    private boolean pings(int port) {
        try {
            return "PONG".equals(Resp.text(port, TIMEOUT_MS, "PING"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String info(int port, String section) {
        try {
            return Resp.text(port, TIMEOUT_MS, "INFO", section);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private boolean sentinelsReady() {
        for (Server s : sentinels) {
            Map<String, String> m = master(s.port);
            if (m == null
                    || !"2".equals(m.get("num-slaves"))
                    || !"2".equals(m.get("num-other-sentinels"))
                    || !"master".equals(m.get("flags"))) {
                return false;
            }
        }
        return true;
    }

    /** SENTINEL MASTER mymaster as a map, or null when the sentinel does not answer. */
    private Map<String, String> master(int sentinelPort) {
        try {
            @SuppressWarnings("unchecked")
            List<Object> flat = (List<Object>) Resp.once(sentinelPort, TIMEOUT_MS, "SENTINEL", "MASTER", MASTER_NAME);
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                m.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
            }
            return m;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The sentinels' URLs, as Kordon takes them (comma-separated). */
    List<String> sentinelUrls() {
        return sentinels.stream().map(s -> "redis://127.0.0.1:" + s.port).toList();
    }

    int masterPort() {
        return masterPort;
    }

    /** SIGKILL of the master; returns {@link System#nanoTime()} just before the signal. */
    long killMaster() {
        Server master =
                data.stream().filter(d -> d.port == masterPort).findFirst().orElseThrow();
        // Taken before the signal: a request cut by the kill must not count as one ended before it.
        long at = System.nanoTime();
        Procs.kill(master.process);
        return at;
    }

    /**
     * Polls {@code SENTINEL get-master-addr-by-name} on every sentinel until one names a master
     * other than the killed one; returns {@link System#nanoTime()} of that answer (the moment the
     * new master was announced, to within the polling period of 20 ms).
     */
    long awaitPromotion(Duration timeout) {
        int old = masterPort;
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (Server s : sentinels) {
                try {
                    @SuppressWarnings("unchecked")
                    List<Object> addr =
                            (List<Object>) Resp.once(s.port, 300, "SENTINEL", "get-master-addr-by-name", MASTER_NAME);
                    int port = Integer.parseInt(String.valueOf(addr.get(1)));
                    if (port != old) {
                        long at = System.nanoTime();
                        masterPort = port;
                        return at;
                    }
                } catch (RuntimeException e) {
                    // this sentinel is busy; ask the next
                }
            }
            Procs.sleep(20);
        }
        throw new IllegalStateException("no new master announced within " + timeout.toSeconds() + " s");
    }

    /** What every sentinel names as the master now, by port. */
    List<Integer> announcedMasters() {
        List<Integer> out = new ArrayList<>();
        for (Server s : sentinels) {
            try {
                @SuppressWarnings("unchecked")
                List<Object> addr = (List<Object>)
                        Resp.once(s.port, TIMEOUT_MS, "SENTINEL", "get-master-addr-by-name", MASTER_NAME);
                out.add(Integer.parseInt(String.valueOf(addr.get(1))));
            } catch (RuntimeException e) {
                out.add(-1);
            }
        }
        return out;
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        for (Server s : sentinels) {
            Procs.stop(s.process, Duration.ofSeconds(5));
        }
        for (Server d : data) {
            Procs.stop(d.process, Duration.ofSeconds(5));
        }
    }
}
