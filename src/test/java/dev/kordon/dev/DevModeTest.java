package dev.kordon.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kordon.Main;
import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import dev.kordon.ops.Metrics;
import dev.kordon.support.LogEvents;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's first command, minus the process: embedded servers, demo accounts, the outbox. */
class DevModeTest {
    @Test
    void devModeNeedsNoSetupSignsTheDemoAccountInAndListensOnLoopbackOnly() throws Exception {
        DevStack dev = DevStack.start();
        Vertx vertx = Vertx.vertx();
        try {
            ConfigTree tree = dev.apply(ConfigTree.load(Path.of("conf", "kordon.yaml"), Map.of("KORDON_DEV", "true")))
                    .with("http.port", 0)
                    .with("admin.port", 0);
            KordonConfig config = KordonConfig.from(tree);
            assertThat(config.cookieSecure()).isFalse();
            Main.Running running = Rig.await(Main.start(vertx, new Metrics(), config, dev.signingKeys(), dev));
            Rig.await(dev.seed(
                    config, running.wiring().subscribers(), running.wiring().browserSessions(), running.credentials()));
            // The README's demo logins, made from the shipped phone settings.
            assertThat(dev.demoPhone()).isEqualTo("+375291234567");
            assertThat(dev.newPhone()).isEqualTo("+375441234567");
            WebClient client = WebClient.create(vertx);

            var login =
                    Rig.await(client.request(HttpMethod.POST, running.httpPort(), "127.0.0.1", "/api/v1/login/password")
                            .sendJsonObject(new JsonObject()
                                    .put("category", "mobile")
                                    .put("login", dev.demoPhone())
                                    .put("password", DevStack.DEMO_PASSWORD)));
            assertThat(login.statusCode()).isEqualTo(200);
            String at = login.bodyAsJsonObject().getString("access_token");
            var me = Rig.await(client.request(HttpMethod.GET, running.httpPort(), "127.0.0.1", "/api/v1/me")
                    .putHeader("Authorization", "Bearer " + at)
                    .send());
            assertThat(me.bodyAsJsonObject().getString("login")).isEqualTo(dev.demoPhone());

            var fresh = Rig.await(client.request(
                            HttpMethod.GET,
                            running.adminPort(),
                            "127.0.0.1",
                            "/admin/v1/accounts/mobile/" + dev.newPhone())
                    .putHeader("Authorization", "Bearer " + DevStack.ADMIN_TOKEN)
                    .send());
            assertThat(fresh.bodyAsJsonObject().getBoolean("has_password")).isFalse();

            var loopback = java.net.InetAddress.getLoopbackAddress();
            var external = TestServers.nonLoopbackAddress();
            assertThat(TestServers.accepts(loopback, running.httpPort())).isTrue();
            assertThat(TestServers.accepts(loopback, running.adminPort())).isTrue();
            assertThat(TestServers.accepts(external, running.httpPort()))
                    .as("public port from " + external)
                    .isFalse();
            assertThat(TestServers.accepts(external, running.adminPort()))
                    .as("admin port from " + external)
                    .isFalse();

            // «Забыли пароль?» for the new demo account: the mail shows up in /dev/outbox, decoded.
            var recovery = Rig.await(
                    client.request(HttpMethod.POST, running.httpPort(), "127.0.0.1", "/api/v1/password/recovery")
                            .sendJsonObject(new JsonObject()
                                    .put("category", "mobile")
                                    .put("login", dev.newPhone())
                                    .put("channel", "email")));
            assertThat(recovery.statusCode()).isEqualTo(202);
            io.vertx.core.json.JsonArray mail = new io.vertx.core.json.JsonArray();
            for (long end = System.nanoTime() + 10_000_000_000L; mail.isEmpty() && System.nanoTime() < end; ) {
                var outbox = Rig.await(client.request(HttpMethod.GET, running.httpPort(), "127.0.0.1", "/dev/outbox")
                        .send());
                assertThat(outbox.statusCode()).isEqualTo(200);
                mail = outbox.bodyAsJsonObject().getJsonArray("mail");
                if (mail.isEmpty()) {
                    Thread.sleep(100);
                }
            }
            assertThat(mail).as("mail in /dev/outbox").hasSize(1);
            JsonObject letter = mail.getJsonObject(0);
            assertThat(letter.getJsonArray("to").getString(0)).contains("new@example.by");
            assertThat(letter.getString("subject")).isEqualTo("Восстановление данных для доступа в Личный кабинет");
            assertThat(letter.getString("text")).containsPattern("Временный пароль: \\S{10}");
            Rig.await(running.stop());
        } finally {
            dev.stop();
        }
    }

    @Test
    void devModeKeepsInitdbAndPostgresOutputOffTheConsoleAndInItsOwnFile() throws Exception {
        LogEvents log = LogEvents.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
        DevStack dev = DevStack.start();
        try {
            List<String> lines = log.events().stream()
                    .map(r -> r.getLoggerName() + ": " + r.getFormattedMessage())
                    .toList();
            assertThat(lines)
                    .as("log lines while dev mode started its servers")
                    .hasSizeLessThanOrEqualTo(4)
                    .noneMatch(l -> l.startsWith("io.zonky"))
                    .noneMatch(l -> l.contains("initdb") || l.contains("database system"));
            String pgLog = java.nio.file.Files.readString(dev.postgresLog());
            assertThat(pgLog)
                    .contains("Success. You can now start the database server")
                    .contains("database system is ready to accept connections");
        } finally {
            log.close();
            dev.stop();
        }
    }

    @Test
    void withoutTheEmbeddedServersDevModeSaysWhatToRunInstead() throws Exception {
        // What the production image is to dev mode: Kordon's classes without the dev stack.
        try (var bare = new java.net.URLClassLoader(new java.net.URL[0], ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> DevMode.requireServers(bare))
                    .isInstanceOf(dev.kordon.config.ConfigException.class)
                    .hasMessageContaining("KORDON_DEV=true java -jar target/kordon.jar")
                    .hasMessageContaining("io.zonky.test.db.postgres.embedded.EmbeddedPostgres")
                    .hasMessageContaining("redis.embedded.RedisServer")
                    .hasMessageContaining("com.icegreen.greenmail.util.GreenMail");
        }
        DevMode.requireServers(DevModeTest.class.getClassLoader());
    }
}
