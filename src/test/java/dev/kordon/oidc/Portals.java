package dev.kordon.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kordon.support.Await;
import dev.kordon.support.Ports;
import dev.kordon.support.Rig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Portals' back-channel logout listeners, on one real HTTP server: each client's path keeps the
 * logout tokens it took and answers as told (200 unless a test plans refusals or a redirect).
 */
final class Portals implements AutoCloseable {
    private record Taken(String client, String token) {}

    private final HttpServer server;
    private final int port;
    private final List<Taken> taken = new ArrayList<>();
    private final Map<String, Integer> attempts = new HashMap<>();
    private final Map<String, Deque<Integer>> planned = new HashMap<>();
    private final Map<String, String> redirects = new HashMap<>();

    Portals() throws IOException {
        port = Ports.free();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/bc/", this::handle);
        server.start();
    }

    String uri(String client) {
        return "http://127.0.0.1:" + port + "/bc/" + client;
    }

    /** The next answers of {@code client}'s listener, then 200s again. */
    synchronized void answer(String client, Integer... statuses) {
        planned.computeIfAbsent(client, c -> new ArrayDeque<>()).addAll(List.of(statuses));
    }

    /** {@code client}'s listener answers every POST with a 302 to {@code location}. */
    synchronized void redirect(String client, String location) {
        redirects.put(client, location);
    }

    synchronized int attempts(String client) {
        return attempts.getOrDefault(client, 0);
    }

    /** Logout tokens {@code client} took for {@code sub} and no test has looked at yet. */
    synchronized long received(String client, String sub) {
        return taken.stream()
                .filter(t -> t.client().equals(client)
                        && sub.equals(claims(t.token()).getString("sub")))
                .count();
    }

    static void quiet(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The next logout token {@code client} took for {@code sub} (waiting up to 20 s), checked as a
     * client must (Back-Channel Logout 1.0 §2.6): RS256 under a key of Kordon's JWKS, {@code typ}
     * logout+jwt, iss, aud, sub, the event, a jti, a short life, and no nonce. Its claims.
     */
    JsonObject verified(Rig rig, String client, String sub) {
        Taken t = Await.until(Duration.ofSeconds(20), () -> next(client, sub), x -> x != null);
        assertThat(t).as("a logout token for %s about %s", client, sub).isNotNull();
        String[] parts = t.token().split("\\.");
        JsonObject header = json(parts[0]);
        assertThat(header.getString("alg")).isEqualTo("RS256");
        assertThat(header.getString("typ")).isEqualTo("logout+jwt");
        assertThat(verifies(rig, header.getString("kid"), parts))
                .as("signed by a key of the JWKS")
                .isTrue();
        JsonObject claims = json(parts[1]);
        long now = System.currentTimeMillis() / 1000;
        assertThat(claims.getString("iss")).isEqualTo(OidcBrowser.ISSUER);
        assertThat(claims.getString("aud")).isEqualTo(client);
        assertThat(claims.getString("sub")).isEqualTo(sub);
        assertThat(claims.getJsonObject("events").containsKey("http://schemas.openid.net/event/backchannel-logout"))
                .isTrue();
        assertThat(claims.getString("jti")).isNotBlank();
        assertThat(claims.getLong("iat")).isBetween(now - 30, now + 5);
        assertThat(claims.getLong("exp") - claims.getLong("iat")).isBetween(1L, 300L);
        assertThat(claims.containsKey("nonce")).isFalse();
        return claims;
    }

    private synchronized Taken next(String client, String sub) {
        for (Taken t : taken) {
            if (t.client().equals(client) && sub.equals(claims(t.token()).getString("sub"))) {
                taken.remove(t);
                return t;
            }
        }
        return null;
    }

    private void handle(HttpExchange ex) throws IOException {
        String client = ex.getRequestURI().getPath().substring("/bc/".length());
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int status;
        String location;
        synchronized (this) {
            attempts.merge(client, 1, Integer::sum);
            Deque<Integer> plan = planned.get(client);
            Integer next = plan == null ? null : plan.poll();
            location = redirects.get(client);
            status = location != null ? 302 : next != null ? next : 200;
            if (status == 200 && "POST".equals(ex.getRequestMethod())) {
                taken.add(new Taken(
                        client, OidcBrowser.query("http://portal/?" + body).get("logout_token")));
            }
        }
        if (location != null) {
            ex.getResponseHeaders().set("Location", location);
        }
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    private static JsonObject claims(String token) {
        return json(token.split("\\.")[1]);
    }

    private static JsonObject json(String part) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
    }

    private static boolean verifies(Rig rig, String kid, String[] parts) {
        JsonObject jwks = rig.get("/.well-known/jwks.json", null).bodyAsJsonObject();
        for (Object o : jwks.getJsonArray("keys")) {
            JsonObject k = (JsonObject) o;
            if (!"RSA".equals(k.getString("kty")) || !k.getString("kid").equals(kid)) {
                continue;
            }
            try {
                Base64.Decoder b64 = Base64.getUrlDecoder();
                PublicKey key = KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(
                                new BigInteger(1, b64.decode(k.getString("n"))),
                                new BigInteger(1, b64.decode(k.getString("e")))));
                Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initVerify(key);
                rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                return rsa.verify(b64.decode(parts[2]));
            } catch (java.security.GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }
        return false;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
