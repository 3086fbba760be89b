package dev.kordon.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kordon as the README runs it: {@code java -jar target/kordon.jar}, no JVM flags, configured by
 * KORDON_* variables only (production mode, not dev mode).
 */
final class KordonProcess implements AutoCloseable {
    final Process process;
    final Path log;
    final String baseUrl;
    final Map<String, String> env;

    private KordonProcess(Process process, Path log, String baseUrl, Map<String, String> env) {
        this.process = process;
        this.log = log;
        this.baseUrl = baseUrl;
        this.env = env;
    }

    static KordonProcess start(Path jar, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", jar.toString());
        // Nothing from the caller's KORDON_* (KORDON_DEV above all) may leak in.
        pb.environment().keySet().removeIf(k -> k.startsWith("KORDON_"));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        return new KordonProcess(p, log, "http://127.0.0.1:" + env.get("KORDON_HTTP_PORT"), env);
    }

    /** Production settings: fresh secrets, a fresh ES256 key, the harness's servers. */
    static Map<String, String> environment(
            Path workDir,
            int httpPort,
            int adminPort,
            String pgUrl,
            String redisUrl,
            String smtpHost,
            int smtpPort,
            String smsUrl,
            Map<String, String> overrides)
            throws Exception {
        Path keys = Files.createDirectories(workDir.resolve("jwt-keys"));
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        String pem = pem(gen.generateKeyPair().getPrivate().getEncoded());
        Files.writeString(keys.resolve("bench.pem"), pem, StandardCharsets.US_ASCII);
        // OpenID Connect is off without an RSA key (ID tokens are RS256): the OIDC code-flow scenario needs one.
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Files.writeString(
                keys.resolve("bench-id.pem"),
                pem(rsa.generateKeyPair().getPrivate().getEncoded()),
                StandardCharsets.US_ASCII);
        byte[] secret = new byte[32];
        SecureRandom random = new SecureRandom();
        random.nextBytes(secret);
        byte[] admin = new byte[24];
        random.nextBytes(admin);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KORDON_HTTP_PORT", Integer.toString(httpPort));
        env.put("KORDON_ADMIN_PORT", Integer.toString(adminPort));
        env.put("KORDON_ADMIN_TOKEN", Base64.getUrlEncoder().withoutPadding().encodeToString(admin));
        env.put("KORDON_SECRETS_KEY", Base64.getEncoder().encodeToString(secret));
        env.put("KORDON_JWT_KEYS_DIR", keys.toString());
        env.put("KORDON_PG_URL", pgUrl);
        env.put("KORDON_REDIS_URL", redisUrl);
        env.put("KORDON_SMTP_HOST", smtpHost);
        env.put("KORDON_SMTP_PORT", Integer.toString(smtpPort));
        env.put("KORDON_SMTP_STARTTLS", "disabled");
        env.put("KORDON_SMS_PROVIDER", "http");
        env.put("KORDON_SMS_HTTP_URL", smsUrl);
        env.put("KORDON_COOKIE_SECURE", "false");
        env.put("KORDON_HTTP_TRUSTED_PROXIES", "127.0.0.1");
        env.putAll(overrides);
        return env;
    }

    private static String pem(byte[] pkcs8) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";
    }

    void awaitReady(Duration timeout) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Kordon exited with " + process.exitValue() + " before it was ready:\n" + tail(40));
            }
            try {
                HttpResponse<Void> r = client.send(
                        HttpRequest.newBuilder(URI.create(baseUrl + "/health/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Kordon not ready within " + timeout.toSeconds() + " s:\n" + tail(40));
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Vert.x's "Thread ... has been blocked for ..." warnings in Kordon's log. */
    long blockedWarnings() throws IOException {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains("has been blocked")).count();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
