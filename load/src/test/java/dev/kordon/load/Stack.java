package dev.kordon.load;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/** The real servers Kordon needs, on loopback, started for one run and gone with it. */
final class Stack implements AutoCloseable {
    final EmbeddedPostgres postgres;
    final RedisServer redis;
    final int redisPort;
    final GreenMail smtp;

    private Stack(EmbeddedPostgres postgres, RedisServer redis, int redisPort, GreenMail smtp) {
        this.postgres = postgres;
        this.redis = redis;
        this.redisPort = redisPort;
        this.smtp = smtp;
    }

    static Stack start() throws IOException {
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        int redisPort = freePort();
        RedisServer redis = RedisServer.newRedisServer()
                .port(redisPort)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        redis.start();
        GreenMail smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        return new Stack(pg, redis, redisPort, smtp);
    }

    String pgUrl() {
        return "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    String redisUrl() {
        return "redis://127.0.0.1:" + redisPort;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        try {
            smtp.stop();
        } catch (RuntimeException ignored) {
            // stopping anyway
        }
        try {
            redis.stop();
        } catch (IOException | RuntimeException ignored) {
            // stopping anyway
        }
        try {
            postgres.close();
        } catch (IOException ignored) {
            // stopping anyway
        }
    }
}
