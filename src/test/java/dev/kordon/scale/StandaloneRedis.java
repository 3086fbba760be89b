package dev.kordon.scale;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** One plain {@code redis-server} on loopback, for a class whose subject is not Redis. */
final class StandaloneRedis implements AutoCloseable {
    final int port = Procs.freePort();
    private Process process;

    static StandaloneRedis start(Path dir) throws Exception {
        StandaloneRedis r = new StandaloneRedis();
        Path d = Files.createDirectories(dir);
        Path conf = d.resolve("redis.conf");
        Files.writeString(
                conf,
                String.join(
                        "\n",
                        "port " + r.port,
                        "bind 127.0.0.1",
                        "protected-mode no",
                        "daemonize no",
                        "save \"\"",
                        "appendonly no",
                        "dir " + d,
                        "logfile " + d.resolve("redis.log"),
                        ""),
                StandardCharsets.UTF_8);
        r.process = Procs.start(new ProcessBuilder(RedisCluster.REDIS_SERVER, conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(d.resolve("stdout.log").toFile()));
        try {
            Procs.await("redis-server :" + r.port + " answers PING", Duration.ofSeconds(20), () -> {
                try {
                    return "PONG".equals(Resp.text(r.port, 1000, "PING"));
                } catch (RuntimeException e) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        Procs.stop(process, Duration.ofSeconds(5));
    }
}
