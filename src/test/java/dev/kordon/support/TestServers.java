package dev.kordon.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import redis.embedded.RedisServer;

/**
 * The real servers the tests talk to, started once per test JVM: Postgres (embedded binaries) and
 * Redis (embedded redis-server). Each test rig gets its own fresh database and Redis key prefix.
 */
public final class TestServers {
    private static EmbeddedPostgres postgres;
    private static RedisServer redis;
    private static int redisPort;
    private static GreenMail smtp;

    private TestServers() {}

    public static synchronized void ensureStarted() {
        if (postgres != null) {
            return;
        }
        LogCapture.install();
        try {
            postgres = EmbeddedPostgres.builder().start();
            redisPort = freePort();
            redis = RedisServer.newRedisServer()
                    .port(redisPort)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            redis.start();
            smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            smtp.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                redis.stop();
                postgres.close();
            } catch (IOException ignored) {
                // the JVM is going away either way
            }
        }));
    }

    /** A new, empty database; its postgresql:// URL. */
    public static String freshDatabase() {
        ensureStarted();
        String name = "k_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/" + name;
    }

    public static String redisUrl() {
        ensureStarted();
        return "redis://127.0.0.1:" + redisPort;
    }

    /** The shared SMTP server of the test run; tests tell their mail apart by recipient. */
    public static GreenMail smtp() {
        ensureStarted();
        return smtp;
    }

    public static int freePort() {
        return Ports.free();
    }

    /** An IPv4 address of this machine that is not loopback: where another host would connect. */
    public static java.net.InetAddress nonLoopbackAddress() throws java.io.IOException {
        for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (var a : java.util.Collections.list(nic.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress()) {
                    return a;
                }
            }
        }
        throw new IllegalStateException("this machine has no non-loopback IPv4 address");
    }

    /** Whether a TCP connection to the address and port is accepted. */
    public static boolean accepts(java.net.InetAddress address, int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(address, port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
