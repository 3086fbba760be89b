package dev.kordon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {
    private static final Path FILE = Path.of("conf", "kordon.yaml");
    private static final Map<String, String> REQUIRED = Map.of(
            "KORDON_ADMIN_TOKEN", "a-long-enough-admin-token-123456",
            "KORDON_JWT_KEYS_DIR", "/keys",
            "KORDON_SECRETS_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");

    private static Map<String, String> env(String... kv) {
        var m = new java.util.HashMap<>(REQUIRED);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void defaultsFromTheShippedFile() {
        KordonConfig c = KordonConfig.from(ConfigTree.load(FILE, env()));
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.admin().port()).isEqualTo(8081);
        assertThat(c.hash().memoryKib()).isEqualTo(19 * 1024);
        assertThat(c.hash().iterations()).isEqualTo(2);
        assertThat(c.hash().parallelism()).isEqualTo(1);
        assertThat(c.tokens().accessTtl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.tokens().refreshIdle()).isEqualTo(Duration.ofDays(7));
        assertThat(c.tokens().refreshAbsolute()).isEqualTo(Duration.ofDays(30));
        assertThat(c.tokens().verifyCache()).isEqualTo(50_000);
        assertThat(c.tariffs()).containsExactly("SIP-соединение");
        assertThat(c.phone().operatorCodes()).containsExactly("29", "44", "25", "33");
        assertThat(c.categories()).containsOnlyKeys("mobile", "internet");
        assertThat(c.cookieSecure()).isTrue();
        assertThat(c.dev()).isFalse();
    }

    @Test
    void environmentWins() {
        KordonConfig c = KordonConfig.from(ConfigTree.load(
                FILE,
                env(
                        "KORDON_HTTP_PORT", "9090",
                        "KORDON_PG_URL", "postgresql://u:p@db:5433/k",
                        "KORDON_REDIS_MODE", "cluster",
                        "KORDON_REDIS_URL", "redis://a:7000,redis://b:7001",
                        "KORDON_HASH_MEMORY_KIB", "65536",
                        "KORDON_PHONE_OPERATOR_CODES", "29,44",
                        "KORDON_SMTP_STARTTLS", "optional",
                        "KORDON_COOKIE_SECURE", "false")));
        assertThat(c.http().port()).isEqualTo(9090);
        assertThat(c.pg().url()).isEqualTo("postgresql://u:p@db:5433/k");
        assertThat(c.redis().mode()).isEqualTo(KordonConfig.RedisMode.CLUSTER);
        assertThat(c.redis().urls()).containsExactly("redis://a:7000", "redis://b:7001");
        assertThat(c.hash().memoryKib()).isEqualTo(65536);
        assertThat(c.phone().operatorCodes()).containsExactly("29", "44");
        assertThat(c.smtp().startTls()).isEqualTo(KordonConfig.StartTls.OPTIONAL);
        assertThat(c.cookieSecure()).isFalse();
    }

    @Test
    void hashMemoryDownToOwaspsSevenMibLine() {
        KordonConfig c = KordonConfig.from(
                ConfigTree.load(FILE, env("KORDON_HASH_MEMORY_KIB", "7168", "KORDON_HASH_ITERATIONS", "5")));
        assertThat(c.hash().memoryKib()).isEqualTo(7168);
        assertThat(c.hash().iterations()).isEqualTo(5);
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_HASH_MEMORY_KIB", "7167"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("hash.memory-kib");
    }

    @Test
    void aBadValueNamesTheKeyAndItsVariable() {
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_HTTP_PORT", "eighty"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.port")
                .hasMessageContaining("KORDON_HTTP_PORT")
                .hasMessageContaining("eighty");
        assertThatThrownBy(
                        () -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_TOKENS_ACCESS_TTL", "15 minutes"))))
                .hasMessageContaining("tokens.access-ttl");
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_REDIS_MODE", "ring"))))
                .hasMessageContaining("redis.mode")
                .hasMessageContaining("sentinel");
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_PG_URL", "mysql://x"))))
                .hasMessageContaining("KORDON_PG_URL");
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_SMTP_STARTTLS", "maybe"))))
                .hasMessageContaining("smtp.starttls");
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_TOKENS_VERIFY_CACHE", "-1"))))
                .hasMessageContaining("tokens.verify-cache");
    }

    @Test
    void aBadSecretOrCredentialInAUrlIsNamedButNeverShown() {
        assertThatThrownBy(
                        () -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_ADMIN_TOKEN", "almost-the-token"))))
                .hasMessageContaining("admin.token")
                .hasMessageContaining("16 characters")
                .hasMessageNotContaining("almost-the-token");
        assertThatThrownBy(() -> KordonConfig.from(
                        ConfigTree.load(FILE, env("KORDON_PG_URL", "mysql://kordon:pg-Secret-77@db:5432/kordon"))))
                .hasMessageContaining("KORDON_PG_URL")
                .hasMessageContaining("mysql://***@db:5432/kordon")
                .hasMessageNotContaining("pg-Secret-77");
    }

    @Test
    void aFileThatIsNotYamlIsPlacedByLineWithoutQuotingIt() throws Exception {
        Path file = Files.createTempFile("kordon-broken-", ".yaml");
        try {
            // An unclosed quote on the line of a password: the parser's own message would quote the line.
            Files.writeString(file, "http:\n  port: 8080\nsmtp:\n  password: \"Mail-Secret-42\n");
            assertThatThrownBy(() -> ConfigTree.load(file, Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("not valid YAML")
                    .hasMessageContaining(file.toString())
                    .hasMessageMatching("(?s).*line \\d+, column \\d+.*")
                    .hasMessageNotContaining("Mail-Secret-42");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void thePhoneRegionIsTheCountryCodesOwn() {
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_PHONE_REGION", "RU"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("phone.region")
                .hasMessageContaining("KORDON_PHONE_REGION");
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_PHONE_REGION", "XX"))))
                .hasMessageContaining("phone.region");
        KordonConfig russia = KordonConfig.from(ConfigTree.load(
                FILE,
                env(
                        "KORDON_PHONE_REGION",
                        "RU",
                        "KORDON_PHONE_COUNTRY_CODE",
                        "7",
                        "KORDON_PHONE_OPERATOR_CODES",
                        "91,92")));
        assertThat(russia.phone()).isEqualTo(new KordonConfig.Phone(7, "RU", List.of("91", "92")));
    }

    @Test
    void safeByDefaultOutsideDevMode() {
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, Map.of("KORDON_JWT_KEYS_DIR", "/k"))))
                .hasMessageContaining("KORDON_ADMIN_TOKEN");
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, Map.of("KORDON_ADMIN_TOKEN", "x".repeat(30)))))
                .hasMessageContaining("KORDON_JWT_KEYS_DIR");
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_SECRETS_KEY", ""))))
                .hasMessageContaining("KORDON_SECRETS_KEY");
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_SECRETS_KEY", "c2hvcnQ="))))
                .hasMessageContaining("secrets.key");
        KordonConfig dev = KordonConfig.from(ConfigTree.load(FILE, Map.of("KORDON_DEV", "true")));
        assertThat(dev.dev()).isTrue();
    }

    @Test
    void everyKeyOfTheFileHasAVariableNameIsReadAndIsCommented() throws Exception {
        ConfigTree tree = ConfigTree.load(FILE, Map.of());
        assertThat(tree.keys()).contains("http.port", "jwt.keys-dir", "hash.memory-kib", "redis.mode", "smtp.starttls");
        assertThat(ConfigTree.envName("jwt.keys-dir")).isEqualTo("KORDON_JWT_KEYS_DIR");
        // The contract's variables all map to keys of the shipped file.
        for (String var : List.of(
                "KORDON_HTTP_PORT",
                "KORDON_ADMIN_PORT",
                "KORDON_PG_URL",
                "KORDON_REDIS_URL",
                "KORDON_REDIS_MODE",
                "KORDON_SMTP_HOST",
                "KORDON_SMTP_PORT",
                "KORDON_SMTP_USER",
                "KORDON_SMTP_PASSWORD",
                "KORDON_SMTP_STARTTLS",
                "KORDON_MAIL_FROM",
                "KORDON_SMS_PROVIDER",
                "KORDON_SMS_HTTP_URL",
                "KORDON_JWT_ISSUER",
                "KORDON_JWT_AUDIENCE",
                "KORDON_JWT_KEYS_DIR",
                "KORDON_ADMIN_TOKEN",
                "KORDON_HASH_MEMORY_KIB",
                "KORDON_HASH_ITERATIONS",
                "KORDON_HASH_PARALLELISM",
                "KORDON_COOKIE_SECURE",
                "KORDON_PORTAL_URL",
                "KORDON_DEV")) {
            assertThat(tree.keys().stream().map(ConfigTree::envName)).as(var).contains(var);
        }
        // Every key is read: a setting nothing looks up would silently do nothing. (dev-accounts is
        // read by dev mode alone.)
        ConfigTree production = ConfigTree.load(FILE, env());
        KordonConfig.from(production);
        assertThat(production.unread()).containsExactly("dev-accounts");
        // Every key is commented, on its line or in the lines just above it: the file is the documentation.
        List<String> lines = Files.readAllLines(FILE);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.matches("\\s*[a-z0-9-]+:\\s*\\S.*") || line.trim().startsWith("#")) {
                continue; // a section header, a comment, a list item or a blank line
            }
            boolean commented = line.contains(" # ");
            for (int j = i - 1; j >= 0 && !commented && !lines.get(j).isBlank(); j--) {
                commented = lines.get(j).trim().startsWith("#");
            }
            assertThat(commented).as("line %d has no comment: %s", i + 1, line).isTrue();
        }
    }

    @Test
    void noPortalRoutesByDefaultAndThemInLongestPrefixOrderWhenSet() {
        KordonConfig shipped = KordonConfig.from(ConfigTree.load(FILE, env()));
        assertThat(shipped.proxy().routes()).isEmpty();
        assertThat(shipped.proxy().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(shipped.proxy().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        KordonConfig c = KordonConfig.from(ConfigTree.load(
                FILE,
                env(
                        "KORDON_PROXY_ROUTES",
                        "/portal=http://portal:3000, /portal/reports/=https://reports.internal/, /bills=http://[::1]:8080",
                        "KORDON_PROXY_TIMEOUT",
                        "2s")));
        assertThat(c.proxy().routes())
                .containsExactly(
                        new KordonConfig.Proxy.Route("/portal/reports", "https", "reports.internal", 443),
                        new KordonConfig.Proxy.Route("/portal", "http", "portal", 3000),
                        new KordonConfig.Proxy.Route("/bills", "http", "::1", 8080));
        assertThat(c.proxy().routes().get(2).origin()).isEqualTo("http://[::1]:8080");
        assertThat(c.proxy().timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void noAal2PrefixesByDefaultTheirTrailingSlashDroppedAndAPathThatIsNotPlainRefused() {
        assertThat(KordonConfig.from(ConfigTree.load(FILE, env())).proxy().aal2Prefixes())
                .isEmpty();
        KordonConfig c = KordonConfig.from(
                ConfigTree.load(FILE, env("KORDON_EDGE_AAL2_PREFIXES", "/admin/, /portal/settings, /")));
        assertThat(c.proxy().aal2Prefixes()).containsExactly("/admin", "/portal/settings", "/");
        for (String bad : List.of("admin", "/a/../b", "/a b", "/a?x", "/%61dmin")) {
            assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_EDGE_AAL2_PREFIXES", bad))))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("edge.aal2-prefixes");
        }
    }

    @Test
    void aPortalRouteThatWouldShadowKordonsOwnPathsIsRefused() {
        for (String prefix : List.of(
                "/",
                "/login",
                "/loginfo",
                "/api",
                "/api/v1/portal",
                "/auth",
                "/auth/verify/x",
                "/password",
                "/password/change",
                "/static",
                "/health",
                "/.well-known",
                "/openapi.yaml",
                "/dev",
                "/admin",
                "/metrics",
                "/register",
                "/logout",
                "portal",
                "/portal/../login",
                "/a b",
                "/portal/*",
                "/:id")) {
            assertThatThrownBy(() -> KordonConfig.from(
                            ConfigTree.load(FILE, env("KORDON_PROXY_ROUTES", prefix + "=http://portal:3000"))))
                    .as(prefix)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("proxy.routes")
                    .hasMessageContaining("KORDON_PROXY_ROUTES");
        }
        assertThatThrownBy(() -> KordonConfig.from(
                        ConfigTree.load(FILE, env("KORDON_PROXY_ROUTES", "/portal=http://a:1,/portal/=http://b:2"))))
                .hasMessageContaining("each prefix once");
    }

    @Test
    void aBadUpstreamUrlIsRefusedAndItsCredentialsAreNotShown() {
        for (String url : List.of(
                "",
                "portal:3000",
                "ftp://portal",
                "http://",
                "http://portal:3000/app",
                "http://portal:3000/?a=1",
                "http://portal:3000/#x",
                "http://portal:99999",
                "http://po rtal")) {
            assertThatThrownBy(() ->
                            KordonConfig.from(ConfigTree.load(FILE, env("KORDON_PROXY_ROUTES", "/portal=" + url))))
                    .as(url)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("proxy.routes");
        }
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_PROXY_ROUTES", "/portal"))))
                .hasMessageContaining("proxy.routes");
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(
                        FILE, env("KORDON_PROXY_ROUTES", "/portal=http://user:Portal-Secret-5@portal:3000"))))
                .hasMessageContaining("proxy.routes")
                .hasMessageNotContaining("Portal-Secret-5");
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_PROXY_TIMEOUT", "0s"))))
                .hasMessageContaining("proxy.timeout");
    }

    @Test
    void replicaAcksAreZeroByDefaultReadFromTheEnvironmentAndRefusedInDevMode() {
        assertThat(KordonConfig.from(ConfigTree.load(FILE, env())).dispatch().replicaAcks())
                .isZero();
        KordonConfig c = KordonConfig.from(ConfigTree.load(
                FILE, env("KORDON_DISPATCH_REPLICA_ACKS", "1", "KORDON_DISPATCH_REPLICA_WAIT", "250ms")));
        assertThat(c.dispatch().replicaAcks()).isEqualTo(1);
        assertThat(c.dispatch().replicaWait()).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> KordonConfig.from(ConfigTree.load(FILE, env("KORDON_DISPATCH_REPLICA_ACKS", "17"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dispatch.replica-acks");
        assertThatThrownBy(() -> KordonConfig.from(
                        ConfigTree.load(FILE, Map.of("KORDON_DEV", "true", "KORDON_DISPATCH_REPLICA_ACKS", "1"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dispatch.replica-acks")
                .hasMessageContaining("dev mode");
    }
}
