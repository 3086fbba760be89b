package dev.kordon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kordon.audit.Audit;
import dev.kordon.client.ClientRegistry;
import dev.kordon.client.ConfiguredClients;
import dev.kordon.config.ConfigException;
import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clients of the configuration, stored at start, and {@code clients ...} on the command line,
 * against the Postgres of a running Kordon whose secrets key the command line shares.
 */
class ClientsCliTest {
    static final String SECRETS_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    static final String GITOPS_SECRET = "gitops-secret-0123456789-abcdefghijklmnop";
    static Rig rig;
    static ClientRegistry registry;

    @TempDir
    static Path dir;

    @BeforeAll
    static void up() throws Exception {
        LogCapture.secret(GITOPS_SECRET);
        Path secretFile = dir.resolve("client-secret");
        // As a mounted Secret or `echo` writes it: a final newline is no part of the secret.
        Files.writeString(secretFile, GITOPS_SECRET + "\n");
        rig = Rig.builder()
                .set("secrets.key", SECRETS_KEY)
                .set(
                        "oidc.clients",
                        List.of(
                                Map.of(
                                        "client_id", "gitops-portal",
                                        "client_name", "Portal from Git",
                                        "redirect_uris", List.of("https://portal.example.by/cb"),
                                        "scope", "openid phone offline_access",
                                        "client_secret_file", secretFile.toString()),
                                Map.of(
                                        "client_id", "gitops-spa",
                                        "client_name", "SPA from Git",
                                        "token_endpoint_auth_method", "none",
                                        "redirect_uris", List.of("https://spa.example.by/cb"))))
                .start();
        registry = rig.running.wiring().oidcClients().registry();
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("KORDON_PG_URL", rig.config.pg().url());
        env.put("KORDON_REDIS_URL", dev.kordon.support.TestServers.redisUrl());
        env.put("KORDON_REDIS_KEY_PREFIX", rig.prefix);
        env.put("KORDON_ADMIN_TOKEN", Rig.ADMIN_TOKEN);
        env.put("KORDON_JWT_KEYS_DIR", "unused");
        env.put("KORDON_SECRETS_KEY", SECRETS_KEY);
        return env;
    }

    record Ran(int code, String out, String err) {}

    static Ran run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        all[0] = "--conf";
        all[1] = "conf/kordon.yaml";
        System.arraycopy(args, 0, all, 2, args.length);
        int code = Cli.run(
                all,
                env(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static long audited(String event, String clientId) {
        return Rig.await(rig.running
                        .wiring()
                        .pg()
                        .preparedQuery(
                                "SELECT count(*) AS n FROM audit_events WHERE event = $1 AND detail->>'client_id' = $2")
                        .execute(Tuple.of(event, clientId)))
                .iterator()
                .next()
                .getLong("n");
    }

    @Test
    void theConfiguredClientsAreStoredAtStartWithTheSecretFilesKeyedHash() {
        var portal = Rig.await(registry.find("gitops-portal")).orElseThrow();
        assertThat(portal.name()).isEqualTo("Portal from Git");
        assertThat(portal.scopes()).containsExactlyInAnyOrder("openid", "phone", "offline_access");
        assertThat(Rig.await(registry.secretMatches("gitops-portal", GITOPS_SECRET)))
                .isTrue();
        assertThat(Rig.await(registry.secretMatches("gitops-portal", GITOPS_SECRET + "\n")))
                .isFalse();
        assertThat(Rig.await(registry.find("gitops-spa")).orElseThrow().isPublic())
                .isTrue();
        String stored = Rig.await(rig.running
                        .wiring()
                        .pg()
                        .query("SELECT secret_hash FROM oidc_clients WHERE client_id = 'gitops-portal'")
                        .execute())
                .iterator()
                .next()
                .getString("secret_hash");
        assertThat(stored).doesNotContain(GITOPS_SECRET);
        assertThat(audited(Audit.CLIENT_SAVED, "gitops-portal")).isEqualTo(1);

        // A restart with the same configuration changes nothing, so it writes no audit event.
        Rig.await(new ConfiguredClients(rig.running.wiring().oidcClients())
                .upsert(rig.vertx.fileSystem(), rig.config.oidcClients()));
        assertThat(audited(Audit.CLIENT_SAVED, "gitops-portal")).isEqualTo(1);
    }

    @Test
    void aBadConfiguredEntryFailsNamingTheEntry() throws Exception {
        ConfiguredClients gitops = new ConfiguredClients(rig.running.wiring().oidcClients());
        Map<String, Object> good = Map.of(
                "client_id",
                "fine",
                "client_name",
                "Fine",
                "token_endpoint_auth_method",
                "none",
                "redirect_uris",
                List.of("https://fine.example.by/cb"));
        Map<String, Object> badUri = new HashMap<>(good);
        badUri.put("client_id", "broken");
        badUri.put("redirect_uris", List.of("http://broken.example.by/cb"));
        assertThat(failure(gitops, List.of(good, badUri)))
                .contains("oidc.clients[1] (client_id broken)")
                .contains("redirect_uris");
        Map<String, Object> noFile = new HashMap<>(good);
        noFile.put("token_endpoint_auth_method", "client_secret_basic");
        assertThat(failure(gitops, List.of(noFile)))
                .contains("oidc.clients[0] (client_id fine)")
                .contains("client_secret_file");
        Path shortSecret = dir.resolve("short");
        Files.writeString(shortSecret, "too-short");
        noFile.put("client_secret_file", shortSecret.toString());
        assertThat(failure(gitops, List.of(noFile))).contains("oidc.clients[0]").doesNotContain("too-short");
        noFile.put("client_secret_file", dir.resolve("absent").toString());
        assertThat(failure(gitops, List.of(noFile))).contains("cannot read");
        assertThat(failure(gitops, List.of(good, good))).contains("more than once");
        // Nothing of a refused configuration was stored, not even the good entry before the bad one.
        assertThat(Rig.await(registry.find("fine"))).isEmpty();
    }

    private static String failure(ConfiguredClients gitops, List<Map<String, Object>> entries) {
        try {
            Rig.await(gitops.upsert(rig.vertx.fileSystem(), entries));
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + entries);
    }

    @Test
    void putShowsTheSecretOnceThenShowListAndDeleteWork() throws Exception {
        Path file = dir.resolve("cli-client.json");
        Files.writeString(
                file,
                new JsonObject()
                        .put("client_name", "Portal from the command line")
                        .put("redirect_uris", List.of("https://cli.example.by/cb"))
                        .put("scope", "openid email")
                        .encode());
        Ran put = run("clients", "put", "cli-portal", "--file", file.toString());
        assertThat(put.code()).as(put.err()).isZero();
        assertThat(put.out()).contains("created client cli-portal");
        String secret = secretIn(put.out());
        LogCapture.secret(secret);
        assertThat(Rig.await(registry.secretMatches("cli-portal", secret))).isTrue();

        Ran show = run("clients", "show", "cli-portal");
        assertThat(show.code()).isZero();
        assertThat(new JsonObject(show.out()).getString("scope")).isEqualTo("openid email");
        assertThat(show.out()).doesNotContain(secret).doesNotContain("\"client_secret\"");

        Ran rotated = run("clients", "put", "cli-portal", "--file", file.toString(), "--rotate-secret");
        assertThat(rotated.code()).as(rotated.err()).isZero();
        String second = secretIn(rotated.out());
        LogCapture.secret(second);
        assertThat(Rig.await(registry.secretMatches("cli-portal", secret))).isFalse();
        assertThat(audited(Audit.CLIENT_SECRET_ROTATED, "cli-portal")).isEqualTo(1);

        assertThat(run("clients", "list").out()).contains("cli-portal\tclient_secret_basic\t");
        Ran deleted = run("clients", "delete", "cli-portal");
        assertThat(deleted.code()).isZero();
        assertThat(Rig.await(registry.find("cli-portal"))).isEmpty();
        assertThat(audited(Audit.CLIENT_DELETED, "cli-portal")).isEqualTo(1);
        Ran gone = run("clients", "show", "cli-portal");
        assertThat(gone.code()).isEqualTo(Cli.NO_ACCOUNT);
        assertThat(gone.err()).contains("no such client");
    }

    @Test
    void noClientsByDefaultAndAValueThatIsNoListOfMappingsIsRefusedNamingTheKey() {
        Map<String, String> env = env();
        Path conf = Path.of("conf", "kordon.yaml");
        assertThat(KordonConfig.from(ConfigTree.load(conf, env)).oidcClients()).isEmpty();
        env.put("KORDON_OIDC_CLIENTS", "portal");
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(conf, env)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("oidc.clients (KORDON_OIDC_CLIENTS)")
                .hasMessageContaining("a list of mappings");
    }

    @Test
    void aBadFileOrWrongArgumentsAreUsageErrors() throws Exception {
        Path file = dir.resolve("bad-client.json");
        Files.writeString(
                file, new JsonObject().put("client_name", "No redirects").encode());
        Ran refused = run("clients", "put", "cli-bad", "--file", file.toString());
        assertThat(refused.code()).isEqualTo(Cli.USAGE);
        assertThat(refused.err()).contains("redirect_uris");
        assertThat(run("clients", "put", "cli-bad").code()).isEqualTo(Cli.USAGE);
        assertThat(run("clients", "rename", "x").code()).isEqualTo(Cli.USAGE);
        assertThat(Rig.await(registry.find("cli-bad"))).isEmpty();
    }

    private static String secretIn(String out) {
        Matcher m =
                Pattern.compile("\"client_secret\" : \"([A-Za-z0-9_-]{43})\"").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }
}
