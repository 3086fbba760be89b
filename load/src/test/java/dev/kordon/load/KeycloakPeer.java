package dev.kordon.load;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The peer for {@code load/run --peer keycloak}: Keycloak's own distribution from Maven Central,
 * unpacked under load/target/peer (never committed), run in dev mode on loopback with the JDK it
 * asks for, its Argon2 provider set to the same parameters as Kordon's run, one realm with a public
 * client allowing direct access grants and {@code users} users. The stored credential of a user is
 * read back through the admin API to prove the parameters took.
 */
final class KeycloakPeer implements AutoCloseable {
    static final String VERSION = System.getenv().getOrDefault("KEYCLOAK_VERSION", "26.7.3");
    static final String REALM = "bench";
    static final String CLIENT = "bench";
    /** Usernames are bench-user-0, bench-user-1, …: Keycloak wants at least three characters. */
    static final String USER_PREFIX = "bench-user-";

    private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CRED = Pattern.compile("\"credentialData\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    final Process process;
    final String baseUrl;
    final Path log;
    private final String adminPassword;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KeycloakPeer(Process process, String baseUrl, Path log, String adminPassword) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
        this.adminPassword = adminPassword;
    }

    /** Starts {@code kc.sh start-dev} on loopback with Argon2id m/t/p as given; a fresh dev database each time. */
    static KeycloakPeer start(Path home, int port, int managementPort, int memoryKib, int iterations, Path log)
            throws Exception {
        deleteTree(home.resolve("data"));
        byte[] pw = new byte[12];
        new SecureRandom().nextBytes(pw);
        String adminPassword = HexFormat.of().formatHex(pw);
        ProcessBuilder pb = new ProcessBuilder(
                "bash",
                home.resolve("bin/kc.sh").toString(),
                "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--http-management-port=" + managementPort,
                "--spi-password-hashing--argon2--memory=" + memoryKib,
                "--spi-password-hashing--argon2--iterations=" + iterations,
                "--spi-password-hashing--argon2--parallelism=1",
                "--spi-password-hashing--argon2--type=id");
        pb.environment()
                .keySet()
                .removeIf(k -> k.startsWith("KC_") || k.startsWith("KEYCLOAK_") || k.equals("JAVA_OPTS"));
        pb.environment().put("JAVA_HOME", KeycloakDistribution.javaHome().toString());
        pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        pb.directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        KeycloakPeer peer = new KeycloakPeer(p, "http://127.0.0.1:" + port, log, adminPassword);
        peer.awaitReady(Duration.ofSeconds(300));
        return peer;
    }

    /** The JVM serving Keycloak (kc.sh execs it; should a wrapper stay, its java child), for its RSS. */
    long jvmPid() {
        return process.descendants()
                .filter(h -> h.info().command().orElse("").endsWith("/java"))
                .findFirst()
                .orElse(process.toHandle())
                .pid();
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ":\n" + tail(40));
            }
            try {
                if (send(
                                        HttpRequest.newBuilder(URI.create(baseUrl + "/realms/master"))
                                                .GET(),
                                        null)
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Keycloak not ready within " + timeout.toSeconds() + " s:\n" + tail(40));
    }

    private String token;
    private long tokenAt;

    /** An admin token, fetched again after 30 s: admin-cli's tokens live a minute, creating users takes longer. */
    private synchronized String adminToken() throws Exception {
        if (token == null || System.nanoTime() - tokenAt > 30_000_000_000L) {
            token = freshAdminToken();
            tokenAt = System.nanoTime();
        }
        return token;
    }

    private String freshAdminToken() throws Exception {
        HttpResponse<String> r = send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/realms/master/protocol/openid-connect/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "grant_type=password&client_id=admin-cli&username=admin&password=" + adminPassword)),
                null);
        Matcher m = TOKEN.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("Keycloak admin token: " + r.statusCode() + " " + r.body());
        }
        return m.group(1);
    }

    /**
     * The realm (brute-force detection off, Argon2 as its hash), the public client with direct access
     * grants, and {@code users} users with {@code password}; returns the stored credential's data of
     * one of them as the admin API shows it.
     */
    String setUp(int users, String password) throws Exception {
        expect(
                admin(
                        adminToken(),
                        "POST",
                        "/admin/realms",
                        "{\"realm\":\"" + REALM + "\",\"enabled\":true,"
                                + "\"bruteForceProtected\":false,\"passwordPolicy\":\"hashAlgorithm(argon2)\",\"sslRequired\":\"none\"}"),
                201,
                "realm");
        expect(
                admin(
                        adminToken(),
                        "POST",
                        "/admin/realms/" + REALM + "/clients",
                        "{\"clientId\":\"" + CLIENT + "\",\"enabled\":true,"
                                + "\"publicClient\":true,\"directAccessGrantsEnabled\":true,\"standardFlowEnabled\":false}"),
                201,
                "client");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<HttpResponse<String>>> made = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                int n = i;
                String name = USER_PREFIX + n;
                made.add(pool.submit(() -> admin(
                        adminToken(),
                        "POST",
                        "/admin/realms/" + REALM + "/users",
                        "{\"username\":\"" + name
                                + "\",\"enabled\":true,\"email\":\"" + name
                                + "@example.by\",\"emailVerified\":true,\"firstName\":\"Bench\","
                                + "\"lastName\":\"User" + n + "\",\"credentials\":[{\"type\":\"password\",\"value\":\""
                                + password
                                + "\",\"temporary\":false}]}")));
            }
            for (Future<HttpResponse<String>> f : made) {
                expect(f.get(), 201, "user");
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        String fresh = adminToken();
        HttpResponse<String> found =
                admin(fresh, "GET", "/admin/realms/" + REALM + "/users?exact=true&username=" + USER_PREFIX + "0", null);
        Matcher id = ID.matcher(found.body());
        if (!id.find()) {
            throw new IllegalStateException("Keycloak user " + USER_PREFIX + "0 not found: " + found.body());
        }
        HttpResponse<String> creds =
                admin(fresh, "GET", "/admin/realms/" + REALM + "/users/" + id.group(1) + "/credentials", null);
        Matcher data = CRED.matcher(creds.body());
        if (!data.find()) {
            throw new IllegalStateException("no credentialData for " + USER_PREFIX + "0: " + creds.body());
        }
        String credentialData = data.group(1).replace("\\\"", "\"");
        // Warm the token endpoint up, and prove a sign-in works before any storm.
        HttpResponse<String> signIn = send(
                HttpRequest.newBuilder(URI.create(tokenUrl()))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "grant_type=password&client_id=" + CLIENT + "&username=" + USER_PREFIX + "0&password="
                                        + URLEncoder.encode(password, StandardCharsets.UTF_8))),
                null);
        expect(signIn, 200, "sign-in");
        return credentialData;
    }

    /** Whether the stored credential is Argon2id with exactly these parameters. */
    static boolean matches(String credentialData, int memoryKib, int iterations) {
        String d = credentialData.replace(" ", "");
        // Keycloak keeps the iterations as hashIterations, the rest as additionalParameters.
        return d.contains("\"algorithm\":\"argon2\"")
                && d.contains("\"memory\":[\"" + memoryKib + "\"]")
                && d.matches(".*\"hashIterations\":" + iterations + "[,}].*")
                && d.contains("\"parallelism\":[\"1\"]")
                && d.contains("\"type\":[\"id\"]");
    }

    String tokenPath() {
        return "/realms/" + REALM + "/protocol/openid-connect/token";
    }

    String tokenUrl() {
        return baseUrl + tokenPath();
    }

    private HttpResponse<String> admin(String token, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60));
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(HttpRequest.Builder b, String ignored) throws Exception {
        return client.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> r, int status, String what) {
        if (r.statusCode() != status) {
            throw new IllegalStateException("Keycloak " + what + ": " + r.statusCode() + " " + r.body());
        }
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
