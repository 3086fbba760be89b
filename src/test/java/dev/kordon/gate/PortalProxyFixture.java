package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.LogCapture;
import dev.kordon.support.Ports;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Kordon as the portal's reverse proxy (proxy.routes), against real parts: a real Kordon, a real
 * upstream HTTP server started here that echoes what it received (and has a slow route, a
 * cookie-setting route, a WebSocket echo), a route to a port where nothing listens, and real
 * WebSocket connections. Each {@code PortalProxy*Test} class gets a Kordon and an upstream of its own.
 */
abstract class PortalProxyFixture {
    static final String PHONE = "+375293100002";
    static final String PASSWORD = LogCapture.secret("Portal-Proxy-Password-8");
    static final String HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    static final String JSON = "application/json";
    static final long TIMEOUT_MS = 1000;

    static Rig rig;
    static String subject;
    static Vertx upstreamVertx;
    static HttpServer upstream;
    static int upstreamPort;
    static int port;
    static String base;
    static final AtomicInteger calls = new AtomicInteger();
    static final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
    static final BlockingQueue<MultiMap> handshakes = new ArrayBlockingQueue<>(16);

    @BeforeAll
    static void up() {
        upstreamPort = Ports.free();
        upstreamVertx = Vertx.vertx();
        upstream = Rig.await(upstreamVertx
                .createHttpServer()
                .requestHandler(PortalProxyFixture::portal)
                .webSocketHandler(ws -> {
                    handshakes.add(MultiMap.caseInsensitiveMultiMap().addAll(ws.headers()));
                    ws.textMessageHandler(text -> ws.writeTextMessage("echo:" + text));
                })
                .listen(upstreamPort, "127.0.0.1"));
        port = Ports.free();
        base = "http://127.0.0.1:" + port;
        rig = Rig.builder()
                .set("http.port", port)
                .set("portal.url", base + "/")
                .set("cookie.secure", false)
                .set(
                        "proxy.routes",
                        List.of("/portal=http://127.0.0.1:" + upstreamPort, "/gone=http://127.0.0.1:" + Ports.free()))
                .set("proxy.timeout", TIMEOUT_MS + "ms")
                .set("proxy.connect-timeout", "1s")
                .start();
        subject = rig.account(PHONE, PASSWORD).id().toString();
    }

    @AfterAll
    static void down() {
        held.forEach(r -> r.connection().close());
        held.clear();
        handshakes.clear();
        if (rig != null) {
            rig.close();
            rig = null;
        }
        if (upstreamVertx != null) {
            Rig.await(upstreamVertx.close());
            upstreamVertx = null;
        }
    }

    /** The stand-in portal: echoes what it got, except on its few special paths. */
    static void portal(HttpServerRequest req) {
        calls.incrementAndGet();
        String path = req.path();
        if (path.equals("/portal/slow")) {
            held.add(req);
            return;
        }
        if (path.equals("/portal/cookies")) {
            req.response()
                    .headers()
                    .add("Set-Cookie", "app=1; Path=/")
                    .add("Set-Cookie", "kordon-session=planted; Path=/")
                    .add("Set-Cookie", "__Host-kordon-session=planted; Path=/; Secure")
                    .add("Set-Cookie", "theme=dark");
            req.response().end("cookies");
            return;
        }
        if (path.equals("/portal/hop")) {
            req.response()
                    .putHeader("Connection", "X-Hop-Secret")
                    .putHeader("X-Hop-Secret", "1")
                    .putHeader("Keep-Alive", "timeout=5")
                    .putHeader("Proxy-Authenticate", "Basic realm=portal")
                    .putHeader("X-Kept", "1")
                    .end("hop");
            return;
        }
        if (path.equals("/portal/big")) {
            // Sent in pieces, with no length announced: the answer streams through.
            req.body().onSuccess(body -> {
                var response = req.response().setChunked(true).putHeader("Content-Type", "application/octet-stream");
                for (int i = 0; i < 32; i++) {
                    response.write(body);
                }
                response.end();
            });
            return;
        }
        if (path.equals("/portal/redirect")) {
            req.response()
                    .setStatusCode(302)
                    .putHeader("Location", "http://127.0.0.1:" + upstreamPort + "/portal/there?x=1")
                    .end();
            return;
        }
        req.body().onSuccess(body -> {
            JsonObject headers = new JsonObject();
            req.headers().forEach((name, value) -> {
                String n = name.toLowerCase(java.util.Locale.ROOT);
                JsonArray values = headers.getJsonArray(n, new JsonArray());
                headers.put(n, values.add(value));
            });
            req.response()
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Content-Security-Policy", "default-src 'self' https://cdn.example.by")
                    .end(new JsonObject()
                            .put("method", req.method().name())
                            .put("uri", req.uri())
                            .put("headers", headers)
                            .put("body", body.toString())
                            .encode());
        });
    }

    // ---- clients

    static HttpResponse<Buffer> get(String path, String... headers) {
        return send(HttpMethod.GET, path, null, headers);
    }

    static HttpResponse<Buffer> send(HttpMethod method, String path, String body, String... headers) {
        var req = rig.http.request(method, port, "127.0.0.1", path).followRedirects(false);
        for (int i = 0; i < headers.length; i += 2) {
            req.putHeader(headers[i], headers[i + 1]);
        }
        return Rig.await(body == null ? req.send() : req.sendBuffer(Buffer.buffer(body)));
    }

    static String accessToken() {
        return rig.login(PHONE, PASSWORD).bodyAsJsonObject().getString("access_token");
    }

    /** One header as the portal received it: exactly one value, or null when it got none. */
    static String seen(HttpResponse<Buffer> echo, String name) {
        JsonArray values =
                echo.bodyAsJsonObject().getJsonObject("headers").getJsonArray(name.toLowerCase(java.util.Locale.ROOT));
        if (values == null) {
            return null;
        }
        assertThat(values).as(name + " reaches the portal once").hasSize(1);
        return values.getString(0);
    }

    static void assertIdentity(HttpResponse<Buffer> echo) {
        assertThat(seen(echo, "X-Kordon-Subject")).isEqualTo(subject);
        assertThat(seen(echo, "X-Kordon-Login")).isEqualTo(PHONE);
        assertThat(seen(echo, "X-Kordon-Role")).isEqualTo("subscriber");
    }
}
