package dev.kordon.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.SmsProviderStub;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * What every scale-out class runs Kordon on: one Postgres, an SMTP server that can go down, an SMS
 * provider stand-in, a signing key and a secrets key; and the {@code java -jar} instances started
 * on them, each configured as {@link #environment} says. Made in a class's {@code @BeforeAll},
 * closed in its {@code @AfterAll}: every process stops, their logs are kept under
 * {@code target/scale-out/}, and no secret a test was issued may appear in them.
 */
class ScaleStack implements AutoCloseable {
    static final String PASSWORD = "Granite-Harbor-4417";
    static final int HASH_MEMORY_KIB = 7168;
    static final int HASH_ITERATIONS = 1;
    static final Duration DRAIN_DELAY = Duration.ofSeconds(2);
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
    static final Pattern TEMP = Mailbox.TEMP_PASSWORD;
    static final Pattern SMS_CODE = Pattern.compile("Личный кабинет: (\\d{6})");

    final String name;
    final Path work;
    EmbeddedPostgres postgres;
    Smtp smtp;
    SmsProviderStub sms;
    private final Set<String> secrets = ConcurrentHashMap.newKeySet();
    private final List<Instance> kordons = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> backends = new CopyOnWriteArrayList<>();
    private Path keysDir;
    private String secretsKey;

    /**
     * Redis and nginx from Debian, and the packaged jar. Without the tools the class is skipped with
     * a notice, as the browser tests are; with KORDON_REQUIRE_SCALE_OUT=true (CI) that is a failure.
     */
    static void requireTools() {
        try {
            RedisCluster.requireInstalled();
            Nginx.requireInstalled();
        } catch (RuntimeException missing) {
            if ("true".equals(System.getenv("KORDON_REQUIRE_SCALE_OUT"))) {
                throw missing;
            }
            Assumptions.abort("scale-out tests skipped: " + missing.getMessage()
                    + " (KORDON_REQUIRE_SCALE_OUT=true makes this a failure)");
        }
        assertThat(Instance.JAR).as("the packaged jar (./mvnw package)").exists();
    }

    /** A stack named for its class; {@code start} starts it, {@link #close} stops what did start. */
    ScaleStack(String name) throws java.io.IOException {
        this.name = name;
        this.work = Procs.tempDir("kordon-" + name + "-");
    }

    /**
     * Postgres, SMTP, the SMS stand-in and the keys; meanwhile, on another thread, {@code redis}
     * (this stack's Redis, which waits on nothing of this): returns it, closed with the stack.
     */
    <T extends AutoCloseable> T start(Callable<T> redis) throws Exception {
        CompletableFuture<T> forming = CompletableFuture.supplyAsync(() -> {
            try {
                return redis.call();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        Exception failed = null;
        try {
            startBacking();
        } catch (Exception e) {
            failed = e;
        }
        try {
            T started = backend(forming.join());
            if (failed == null) {
                return started;
            }
        } catch (CompletionException e) {
            Exception cause = e.getCause() instanceof Exception c ? c : e;
            if (failed == null) {
                throw cause;
            }
            failed.addSuppressed(cause);
        }
        throw failed;
    }

    private void startBacking() throws Exception {
        postgres = EmbeddedPostgres.builder()
                .setPgBinaryResolver(ScaleStack::postgresBinaries)
                .start();
        smtp = new Smtp(Procs.freePort());
        smtp.start();
        sms = new SmsProviderStub();
        keysDir = Files.createDirectories(work.resolve("jwt-keys"));
        writeSigningKey(keysDir.resolve("scale-2026.pem"));
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        secretsKey = Base64.getEncoder().encodeToString(secret);
        secrets.add(PASSWORD);
    }

    /** A Kordon instance on this stack, not started yet; its logs join the leak scan. */
    Instance instance(String instanceName, Map<String, String> env) {
        Instance i = new Instance(instanceName, work.resolve("instances"), env);
        kordons.add(i);
        return i;
    }

    /** Something in front of Kordon (nginx, the load driver): closed before the instances, last first. */
    <T extends AutoCloseable> T client(T c) {
        clients.add(c);
        return c;
    }

    /** Something behind Kordon (Redis): closed after the instances, last first, before Postgres. */
    <T extends AutoCloseable> T backend(T c) {
        backends.add(c);
        return c;
    }

    /** The environment of one instance: production mode, this stack, small Argon2, fast retries. */
    Map<String, String> environment(String pgUrl, String redisMode, List<String> redisUrls, Map<String, String> extra) {
        byte[] admin = new byte[24];
        new SecureRandom().nextBytes(admin);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KORDON_HTTP_PORT", Integer.toString(Procs.freePort()));
        env.put("KORDON_ADMIN_PORT", Integer.toString(Procs.freePort()));
        env.put("KORDON_ADMIN_TOKEN", Base64.getUrlEncoder().withoutPadding().encodeToString(admin));
        env.put("KORDON_JWT_KEYS_DIR", keysDir.toString());
        env.put("KORDON_SECRETS_KEY", secretsKey);
        env.put("KORDON_PG_URL", pgUrl);
        env.put("KORDON_REDIS_MODE", redisMode);
        env.put("KORDON_REDIS_URL", String.join(",", redisUrls));
        env.put("KORDON_REDIS_COMMAND_TIMEOUT", "2s");
        env.put("KORDON_SMTP_HOST", "127.0.0.1");
        env.put("KORDON_SMTP_PORT", Integer.toString(smtp.port));
        env.put("KORDON_SMTP_STARTTLS", "disabled");
        env.put("KORDON_SMS_PROVIDER", "http");
        env.put("KORDON_SMS_HTTP_URL", sms.url());
        env.put("KORDON_COOKIE_SECURE", "false");
        env.put("KORDON_HTTP_TRUSTED_PROXIES", "127.0.0.1");
        env.put("KORDON_HTTP_DRAIN_DELAY", DRAIN_DELAY.toSeconds() + "s");
        env.put("KORDON_HTTP_SHUTDOWN_GRACE", SHUTDOWN_GRACE.toSeconds() + "s");
        env.put("KORDON_HASH_MEMORY_KIB", Integer.toString(HASH_MEMORY_KIB));
        env.put("KORDON_HASH_ITERATIONS", Integer.toString(HASH_ITERATIONS));
        // Three JVMs, six Redis nodes and the load share two cores, so a hash here takes many times its
        // real cost; these tests assert that no request is lost, which needs every burst sign-in admitted.
        env.put("KORDON_HASH_MAX_WAIT", "30s");
        // Throttles keyed by client address and login stay on, with room for the load these tests make;
        // the password path of one login is tightened so that its delay and lock show within seconds.
        env.put("KORDON_LOGIN_PER_IP", "1000000");
        env.put("KORDON_LOGIN_PER_ACCOUNT_IP", "1000000");
        env.put("KORDON_LOGIN_DELAY_AFTER", "3");
        env.put("KORDON_LOGIN_DELAY_BASE", "1s");
        env.put("KORDON_LOGIN_DELAY_MAX", "1s");
        env.put("KORDON_LOGIN_LOCK_AFTER", "6");
        env.put("KORDON_SENDING_PER_IP_HOUR", "1000000");
        env.put("KORDON_SENDING_SMS_PER_MINUTE", "1000000");
        env.put("KORDON_RECOVERY_PER_HOUR", "1000");
        env.put("KORDON_RECOVERY_PER_DAY", "1000");
        env.put("KORDON_DISPATCH_RETRY_BASE", "500ms");
        env.put("KORDON_DISPATCH_RETRY_MAX", "2s");
        env.put("KORDON_DISPATCH_SEND_TIMEOUT", "5s");
        env.put("KORDON_DISPATCH_CLAIM_AFTER", "10s");
        env.put("KORDON_DISPATCH_POLL", "200ms");
        env.putAll(extra);
        return env;
    }

    String freshDatabase() throws Exception {
        String db = "scale_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
        return db;
    }

    String pgUrl(String db) {
        return "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/" + db;
    }

    String jdbc(String db) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + db + "?user=postgres&password=postgres";
    }

    /** {@code value}, remembered for the leak scan when it is long enough to be a secret. */
    String secret(String value) {
        if (value != null && value.length() >= 6) {
            secrets.add(value);
        }
        return value;
    }

    /** How many mails each account's address got; the temporary passwords in them join the leak scan. */
    Map<String, Integer> mailsPerRecipient(List<Accounts.Acct> accounts) {
        Map<String, Integer> perRecipient = new LinkedHashMap<>();
        for (Accounts.Acct d : accounts) {
            List<Mailbox.Mail> got = Mailbox.to(smtp.server(), d.email());
            perRecipient.put(d.email(), got.size());
            got.forEach(mail -> {
                Matcher x = TEMP.matcher(mail.text());
                if (x.find()) {
                    secret(x.group(1));
                }
            });
        }
        return perRecipient;
    }

    /**
     * The instances get SIGTERM all at once (each takes its drain delay to go), then everything
     * stops in order, the logs are kept and scanned; the scan's findings fail the class.
     */
    @Override
    public void close() {
        long t0 = System.nanoTime();
        List<String> leaks = new ArrayList<>();
        Path kept = Path.of(
                        "target",
                        "scale-out",
                        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + name)
                .toAbsolutePath();
        try {
            kordons.stream().filter(Instance::alive).forEach(i -> quietly(i::terminate));
            // Each group in the reverse of its start: the last one up is the first one down.
            List<AutoCloseable> order = new ArrayList<>(clients);
            java.util.Collections.reverse(order);
            order.addAll(kordons);
            List<AutoCloseable> behind = new ArrayList<>(backends);
            java.util.Collections.reverse(behind);
            order.addAll(behind);
            order.addAll(java.util.Arrays.asList(smtp, sms, postgres));
            for (AutoCloseable c : order) {
                if (c != null) {
                    quietly(c::close);
                }
            }
            quietly(() -> leaks.addAll(leaks()));
            quietly(() -> Procs.keepLogs(work, kept));
            System.out.printf(
                    "%s: stack down in %.1f s; logs of the run: %s%n", name, (System.nanoTime() - t0) / 1e9, kept);
        } finally {
            Procs.killAll();
            Procs.deleteTree(work);
        }
        assertThat(leaks)
                .as("secrets found in the instances' logs (kept in %s)", kept)
                .isEmpty();
    }

    /**
     * The secrets issued to or used by the tests that appear in any instance's log. Every access
     * token begins alike, so the secrets are grouped by their first characters: a log without a
     * group's prefix holds none of its secrets, and is not searched for each of them.
     */
    private List<String> leaks() throws Exception {
        Map<String, List<String>> byPrefix =
                secrets.stream().collect(java.util.stream.Collectors.groupingBy(s -> s.substring(0, 6)));
        List<String> found = new ArrayList<>();
        for (Instance i : kordons) {
            for (Path log : i.logFiles()) {
                String text = Files.readString(log, StandardCharsets.UTF_8);
                for (Map.Entry<String, List<String>> group : byPrefix.entrySet()) {
                    if (!text.contains(group.getKey())) {
                        continue;
                    }
                    for (String s : group.getValue()) {
                        if (LogCapture.appears(text, s)) {
                            found.add(log.getFileName() + ": a secret of " + s.length() + " chars");
                        }
                    }
                }
            }
        }
        return found;
    }

    /**
     * The embedded Postgres binaries. Under failsafe they are on the class path twice (their own jar
     * and its copy in target/dev-lib, which the packaged kordon.jar names for dev mode): the same
     * archive, so the first one.
     */
    static java.io.InputStream postgresBinaries(String system, String hardware) throws java.io.IOException {
        String arch = hardware.toLowerCase(java.util.Locale.ROOT).replace("amd64", "x86_64");
        String file = "postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-" + arch + ".txz";
        java.net.URL url = ScaleStack.class.getClassLoader().getResource(file);
        if (url == null) {
            throw new java.io.FileNotFoundException(file + " on the class path");
        }
        return url.openStream();
    }

    /** A PKCS#8 P-256 key, as {@code openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256} writes it. */
    static void writeSigningKey(Path file) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(gen.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }

    interface Step {
        void run() throws Exception;
    }

    static void quietly(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            System.out.println("cleanup: " + e);
        }
    }
}
