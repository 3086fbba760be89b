package dev.kordon.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The operator's CAMARA SIM Swap service as the benchmark's Kordon sees it: an OAuth 2.0 token
 * endpoint for client credentials (client_secret_basic) and {@code POST /sim-swap/v2/check}, which
 * answers {@code {"swapped":false}} for every well-formed number after {@code latencyMs}, so every
 * code still goes out and the cost of asking is all that differs. A check without a token this
 * stand-in issued is a 401, so the count of answered checks proves Kordon asked for real.
 */
final class CamaraStandIn implements AutoCloseable {
    static final String CLIENT_ID = "kordon-bench";
    private static final Pattern CHECK_BODY =
            Pattern.compile("\\{\\s*\"phoneNumber\"\\s*:\\s*\"\\+\\d{7,15}\"\\s*,\\s*\"maxAge\"\\s*:\\s*\\d+\\s*}");

    final String secret;

    static {
        // Without it the JDK's server answers a keep-alive request only after the client's delayed
        // ACK (Nagle): some 40 ms each, which would be the stand-in's cost, not Kordon's.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final long latencyMs;
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    final AtomicLong tokensIssued = new AtomicLong();
    final AtomicLong checksAnswered = new AtomicLong();
    final AtomicLong refused = new AtomicLong();

    CamaraStandIn(long latencyMs) throws IOException {
        this.latencyMs = latencyMs;
        this.secret = random(32);
        // Enough threads that a slow answer holds one thread, not the queue.
        this.pool = Executors.newFixedThreadPool(latencyMs > 0 ? 256 : 4);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        server.setExecutor(pool);
        server.createContext("/oauth2/token", this::token);
        server.createContext("/sim-swap/v2/check", this::check);
        server.start();
    }

    String root() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void token(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String basic = "Basic "
                + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + secret).getBytes(StandardCharsets.UTF_8));
        if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))
                || !body.contains("grant_type=client_credentials")) {
            refused.incrementAndGet();
            answer(ex, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        String token = random(24);
        tokens.add(token);
        tokensIssued.incrementAndGet();
        answer(ex, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
    }

    private void check(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (auth == null || !auth.startsWith("Bearer ") || !tokens.contains(auth.substring(7))) {
            refused.incrementAndGet();
            answer(ex, 401, "{\"status\":401,\"code\":\"UNAUTHENTICATED\",\"message\":\"no valid token\"}");
            return;
        }
        if (!CHECK_BODY.matcher(body).matches()) {
            refused.incrementAndGet();
            answer(ex, 400, "{\"status\":400,\"code\":\"INVALID_ARGUMENT\",\"message\":\"bad body\"}");
            return;
        }
        if (latencyMs > 0) {
            try {
                Thread.sleep(latencyMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        checksAnswered.incrementAndGet();
        String correlator = ex.getRequestHeaders().getFirst("x-correlator");
        if (correlator != null) {
            ex.getResponseHeaders().set("x-correlator", correlator);
        }
        answer(ex, 200, "{\"swapped\":false}");
    }

    private static void answer(HttpExchange ex, int status, String json) throws IOException {
        byte[] out = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
