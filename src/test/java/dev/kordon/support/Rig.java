package dev.kordon.support;

import dev.kordon.Main;
import dev.kordon.account.Account;
import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import dev.kordon.credential.PasswordHasher;
import dev.kordon.keys.SigningKeys;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One running Kordon for a test class: its own Vert.x, a fresh database, its own Redis key prefix,
 * ports picked at start. Calls block the test thread (never an event loop) until the answer.
 */
public final class Rig implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
    public static final String TARIFF = "SIP-соединение";

    public final Vertx vertx;
    public final KordonConfig config;
    public final Main.Running running;
    public final SigningKeys keys;
    public final WebClient http;
    private boolean httpClosed;
    public final String prefix;

    private Rig(Vertx vertx, KordonConfig config, Main.Running running, SigningKeys keys, String prefix) {
        this.vertx = vertx;
        this.config = config;
        this.running = running;
        this.keys = keys;
        this.prefix = config.redis().keyPrefix();
        this.http = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(256));
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Rig start() {
        return builder().start();
    }

    /** Test overrides on top of conf/kordon.yaml; cheap hash parameters unless a test sets them. */
    public static final class Builder {
        private final Map<String, Object> overrides = new LinkedHashMap<>();
        private SigningKeys keys;

        Builder() {
            overrides.put("hash.memory-kib", 8192);
            overrides.put("hash.iterations", 1);
            // Tests sign in far more often from one address than any person; the throttle tests set their own limits.
            overrides.put("login.per-ip", 1_000_000);
            overrides.put("login.per-account-ip", 1_000_000);
            overrides.put("login.delay-after", 100);
            overrides.put("login.lock-after", 100);
            overrides.put("sending.per-ip-hour", 1_000_000);
            overrides.put("sending.sms-per-minute", 1_000_000);
            overrides.put("recovery.per-hour", 1000);
            overrides.put("recovery.per-day", 1000);
            overrides.put("sms-code.per-day", 1000);
            overrides.put("sms-code.max-failures", 1000);
            // One line per request would drown the test log; the access log's own tests turn it on.
            overrides.put("log.access", false);
        }

        public Builder set(String key, Object value) {
            overrides.put(key, value);
            return this;
        }

        public Builder keys(SigningKeys keys) {
            this.keys = keys;
            return this;
        }

        public Rig start() {
            String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
            ConfigTree tree = ConfigTree.load(Path.of("conf", "kordon.yaml"), Map.of())
                    .with("http.port", 0)
                    .with("admin.port", 0)
                    .with("http.instances", 2)
                    .with("admin.token", ADMIN_TOKEN)
                    .with("jwt.keys-dir", "unused")
                    .with("pg.url", TestServers.freshDatabase())
                    .with("redis.url", TestServers.redisUrl())
                    .with("redis.key-prefix", prefix)
                    .with("secrets.key", java.util.Base64.getEncoder().encodeToString(randomKey()))
                    .with("smtp.host", "127.0.0.1")
                    .with("smtp.port", TestServers.smtp().getSmtp().getPort())
                    .with("smtp.starttls", "disabled")
                    .with("dispatch.poll", "100ms");
            for (Map.Entry<String, Object> e : overrides.entrySet()) {
                tree = tree.with(e.getKey(), e.getValue());
            }
            KordonConfig config = KordonConfig.from(tree);
            try {
                SigningKeys k = keys != null ? keys : SigningKeys.generate("test-" + prefix);
                dev.kordon.ops.Metrics metrics = new dev.kordon.ops.Metrics();
                Vertx vertx = metrics.newVertx(new io.vertx.core.VertxOptions());
                Main.Running running = await(Main.start(vertx, metrics, config, k, null));
                return new Rig(vertx, config, running, k, prefix);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return key;
    }

    public static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- HTTP helpers

    public Future<HttpResponse<Buffer>> postAsync(String path, JsonObject body, MultiMap headers) {
        var req = http.request(HttpMethod.POST, running.httpPort(), "127.0.0.1", path);
        if (headers != null) {
            req.putHeaders(headers);
        }
        remember(body);
        return req.sendJsonObject(body).map(Rig::remember);
    }

    /** Every password, code and token a test sends or is issued joins the leak scan of {@link #close}. */
    private static final List<String> SECRET_FIELDS = List.of(
            "password",
            "current_password",
            "new_password",
            "confirm_password",
            "code",
            "access_token",
            "refresh_token",
            "change_token");

    private static void remember(JsonObject json) {
        if (json != null) {
            SECRET_FIELDS.forEach(f -> {
                if (json.getValue(f) instanceof String value) {
                    LogCapture.secret(value);
                }
            });
        }
    }

    private static HttpResponse<Buffer> remember(HttpResponse<Buffer> response) {
        String type = response.getHeader("Content-Type");
        if (type != null && type.startsWith("application/json") && response.body() != null) {
            try {
                remember(response.bodyAsJsonObject());
            } catch (RuntimeException notAnObject) {
                // an array or a malformed body carries no token
            }
        }
        return response;
    }

    public HttpResponse<Buffer> post(String path, JsonObject body) {
        return await(postAsync(path, body, null));
    }

    public HttpResponse<Buffer> post(String path, JsonObject body, MultiMap headers) {
        return await(postAsync(path, body, headers));
    }

    public HttpResponse<Buffer> postRaw(String path, String contentType, Buffer body) {
        var req = http.request(HttpMethod.POST, running.httpPort(), "127.0.0.1", path);
        if (contentType != null) {
            req.putHeader("Content-Type", contentType);
        }
        return await(req.sendBuffer(body));
    }

    public HttpResponse<Buffer> get(String path, String bearer) {
        var req = http.request(HttpMethod.GET, running.httpPort(), "127.0.0.1", path);
        if (bearer != null) {
            req.putHeader("Authorization", "Bearer " + LogCapture.secret(bearer));
        }
        return await(req.send().map(Rig::remember));
    }

    public HttpResponse<Buffer> postBearer(String path, String bearer) {
        var req = http.request(HttpMethod.POST, running.httpPort(), "127.0.0.1", path);
        req.putHeader("Authorization", "Bearer " + LogCapture.secret(bearer));
        return await(req.send().map(Rig::remember));
    }

    public HttpResponse<Buffer> admin(HttpMethod method, String path, JsonObject body, String token) {
        var req = http.request(method, running.adminPort(), "127.0.0.1", path);
        if (token != null) {
            req.putHeader("Authorization", "Bearer " + token);
        }
        return await(body == null ? req.send() : req.sendJsonObject(body));
    }

    public Future<HttpResponse<Buffer>> loginAsync(String login, String password) {
        return postAsync(
                "/api/v1/login/password",
                new JsonObject().put("category", "mobile").put("login", login).put("password", password),
                null);
    }

    public HttpResponse<Buffer> login(String login, String password) {
        return await(loginAsync(login, password));
    }

    // ---- data helpers

    /** An active mobile account on the allowed tariff; with a password when one is given. */
    public Account account(String phone, String password) {
        return account("mobile", phone, TARIFF, "active", password);
    }

    public Account account(String category, String login, String tariff, String status, String password) {
        return account(category, login, tariff, status, password, "org@example.by");
    }

    public Account account(String category, String login, String tariff, String status, String password, String email) {
        var services = running.wiring();
        Account a = await(services.accounts().upsert(category, login, tariff, email, "subscriber", status))
                .account();
        if (password != null) {
            LogCapture.secret(password);
            String hash = new PasswordHasher(
                            config.hash().memoryKib(),
                            config.hash().iterations(),
                            config.hash().parallelism())
                    .hash(password);
            await(services.accounts().setHash(a.id(), hash));
        }
        return await(services.accounts().findById(a.id())).orElseThrow();
    }

    @Override
    public void close() {
        // The client's idle keep-alive connections go first: the stop's drain then has none to wait for.
        httpClosed = true;
        http.close();
        await(running.stop());
        closeStopped();
    }

    /** For a test that stopped Kordon itself: the client goes, and the leak scan still runs. */
    public void closeStopped() {
        if (!httpClosed) {
            httpClosed = true;
            http.close();
        }
        // Every class that ran Kordon checks the whole log so far for every secret issued so far.
        List<String> leaks = LogCapture.leakedLines();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " secret(s) found in the logs of the test run: " + leaks);
        }
    }
}
