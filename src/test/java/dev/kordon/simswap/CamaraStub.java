package dev.kordon.simswap;

import dev.kordon.support.Rig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the operator's CAMARA SIM Swap service: a real HTTP server with {@code POST
 * /sim-swap/v2/check} and its OAuth 2.0 token endpoint (client credentials, by a client secret or a
 * private_key_jwt assertion), the spec's error shapes, slow and dead modes, and counts of calls.
 */
final class CamaraStub implements AutoCloseable {
    static final String CLIENT_ID = "kordon";
    static final String SECRET = "camara-client-secret-0123456789abcdef";

    enum Mode {
        NORMAL,
        /** Answers after {@link #delayMs}. */
        SLOW,
        /** Closes the connection without a word. */
        DEAD,
        /** Answers {@link #status} with the spec's error body. */
        STATUS,
        /** 200 with a body that is not the spec's. */
        MALFORMED
    }

    private static final Map<Integer, String> CODES = Map.of(
            400, "OUT_OF_RANGE",
            401, "UNAUTHENTICATED",
            403, "PERMISSION_DENIED",
            404, "IDENTIFIER_NOT_FOUND",
            422, "SERVICE_NOT_APPLICABLE",
            429, "TOO_MANY_REQUESTS",
            500, "INTERNAL",
            503, "UNAVAILABLE");

    final Set<String> swapped = ConcurrentHashMap.newKeySet();
    final AtomicInteger checks = new AtomicInteger();
    final AtomicInteger tokens = new AtomicInteger();
    final List<String> correlators = new CopyOnWriteArrayList<>();
    final List<JsonObject> assertions = new CopyOnWriteArrayList<>();
    final List<JsonObject> bodies = new CopyOnWriteArrayList<>();
    volatile Mode mode = Mode.NORMAL;
    volatile int status = 503;
    volatile long delayMs;
    volatile long expiresIn = 3600;
    /** Set: the token endpoint takes private_key_jwt assertions signed by this key, not the secret. */
    volatile PublicKey assertionKey;

    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    CamaraStub() {
        server = Rig.await(vertx.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(body -> {
                    if (req.path().equals("/oauth/token")) {
                        token(req, body);
                    } else if (req.path().equals("/sim-swap/v2/check")) {
                        check(req, body);
                    } else {
                        req.response().setStatusCode(404).end();
                    }
                }))
                .listen(0, "127.0.0.1"));
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/sim-swap/v2";
    }

    String tokenUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/oauth/token";
    }

    /** Every token issued so far stops working: the next check meets 401. */
    void revokeTokens() {
        live.clear();
    }

    private void token(HttpServerRequest req, Buffer body) {
        tokens.incrementAndGet();
        Map<String, String> form = new HashMap<>();
        for (String pair : body.toString().split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
        }
        boolean scoped = List.of(form.getOrDefault("scope", "").split(" ")).contains("sim-swap:check");
        if (!"client_credentials".equals(form.get("grant_type")) || !scoped || !authenticated(req, form)) {
            json(req, 401, new JsonObject().put("error", "invalid_client"));
            return;
        }
        String token = UUID.randomUUID().toString();
        live.add(token);
        json(
                req,
                200,
                new JsonObject()
                        .put("access_token", token)
                        .put("token_type", "Bearer")
                        .put("expires_in", expiresIn)
                        .put("scope", "sim-swap:check"));
    }

    private boolean authenticated(HttpServerRequest req, Map<String, String> form) {
        if (assertionKey == null) {
            String basic = "Basic "
                    + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
            return basic.equals(req.getHeader("Authorization"));
        }
        String jwt = form.get("client_assertion");
        if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))
                || jwt == null) {
            return false;
        }
        try {
            String[] parts = jwt.split("\\.");
            boolean ec = assertionKey instanceof ECPublicKey;
            Signature s = Signature.getInstance(ec ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
            s.initVerify(assertionKey);
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!s.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return false;
            }
            JsonObject claims =
                    new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            assertions.add(claims);
            return CLIENT_ID.equals(claims.getString("iss"))
                    && CLIENT_ID.equals(claims.getString("sub"))
                    && tokenUrl().equals(claims.getString("aud"))
                    && claims.getLong("exp") > System.currentTimeMillis() / 1000;
        } catch (Exception e) {
            return false;
        }
    }

    private void check(HttpServerRequest req, Buffer body) {
        checks.incrementAndGet();
        correlators.add(String.valueOf(req.getHeader("x-correlator")));
        switch (mode) {
            case DEAD -> {
                req.connection().close();
                return;
            }
            case STATUS -> {
                error(req, status);
                return;
            }
            case MALFORMED -> {
                req.response()
                        .setStatusCode(200)
                        .putHeader("Content-Type", "application/json")
                        .end("{\"swapped\":\"perhaps\"");
                return;
            }
            case SLOW -> {
                vertx.setTimer(Math.max(1, delayMs), t -> answer(req, body));
                return;
            }
            default -> answer(req, body);
        }
    }

    private void answer(HttpServerRequest req, Buffer body) {
        String auth = req.getHeader("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || !live.contains(auth.substring(7))) {
            error(req, 401);
            return;
        }
        JsonObject ask = body.toJsonObject();
        bodies.add(ask);
        Integer maxAge = ask.getInteger("maxAge");
        if (maxAge == null || maxAge < 1 || maxAge > 2400) {
            error(req, 400);
            return;
        }
        json(req, 200, new JsonObject().put("swapped", swapped.contains(ask.getString("phoneNumber"))));
    }

    private void error(HttpServerRequest req, int code) {
        json(
                req,
                code,
                new JsonObject()
                        .put("status", code)
                        .put("code", CODES.getOrDefault(code, "INTERNAL"))
                        .put("message", "stand-in says " + code));
    }

    private static void json(HttpServerRequest req, int code, JsonObject body) {
        if (!req.response().closed()) {
            req.response()
                    .setStatusCode(code)
                    .putHeader("Content-Type", "application/json")
                    .end(body.encode());
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        Rig.await(vertx.close());
    }
}
