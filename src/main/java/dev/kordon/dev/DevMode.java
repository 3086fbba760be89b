package dev.kordon.dev;

import dev.kordon.config.ConfigException;
import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import dev.kordon.credential.Credentials;
import dev.kordon.flow.Subscribers;
import dev.kordon.keys.SigningKeys;
import dev.kordon.token.BrowserSessions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * What Kordon asks of dev mode ({@code dev: true}). Everything outside this package names only this
 * interface: the one implementation, {@link DevStack}, needs the embedded Postgres, Redis and SMTP
 * sink, which the runnable jar brings (target/dev-lib) and the production image does not.
 */
public interface DevMode {
    /** The classes dev mode cannot start without: the three embedded servers. */
    List<String> SERVERS = List.of(
            "io.zonky.test.db.postgres.embedded.EmbeddedPostgres",
            "redis.embedded.RedisServer",
            "com.icegreen.greenmail.util.GreenMail");

    /**
     * Starts the embedded servers; when they are not on the class path (the production image), fails
     * with a {@link ConfigException} that says what to run instead, before anything links to them.
     */
    static DevMode start() throws IOException, GeneralSecurityException {
        requireServers(DevMode.class.getClassLoader());
        return DevStack.start();
    }

    /** Fails with what to run instead when a class loader lacks any of {@link #SERVERS}. */
    static void requireServers(ClassLoader loader) {
        List<String> missing = SERVERS.stream()
                .filter(name -> {
                    try {
                        Class.forName(name, false, loader);
                        return false;
                    } catch (ClassNotFoundException | LinkageError e) {
                        return true;
                    }
                })
                .toList();
        if (!missing.isEmpty()) {
            throw new ConfigException(
                    "dev mode (dev: true, KORDON_DEV=true) needs the embedded Postgres, Redis and SMTP sink,"
                            + " and this build does not carry them (missing " + String.join(", ", missing)
                            + "); the production image"
                            + " leaves them out. Run dev mode from the runnable jar: ./mvnw -q -DskipTests package && KORDON_DEV=true"
                            + " java -jar target/kordon.jar (it finds them in target/dev-lib)");
        }
    }

    /** Points the configuration at the embedded servers and relaxes what only HTTPS needs. */
    ConfigTree apply(ConfigTree tree);

    /** A key made at start; tokens die with the process. */
    SigningKeys signingKeys();

    /** The demo accounts. */
    Future<Void> seed(KordonConfig config, Subscribers subscribers, BrowserSessions sessions, Credentials credentials);

    /** Each SMS the log provider "sent", text included, for {@code /dev/outbox} only. */
    void recordSms(JsonObject message);

    /** {@code /dev/outbox} and the stand-in portal page. */
    void routes(Router router);

    void printBanner(int httpPort, int adminPort);

    void stop();
}
