package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.server.Problems;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Ports;
import dev.kordon.support.Rig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kordon as the portal's reverse proxy (proxy.routes), against real parts: a real Kordon, a real
 * upstream HTTP server started here that echoes what it received (and has a slow route, a
 * cookie-setting route, a WebSocket echo), a route to a port where nothing listens, and real
 * WebSocket connections.
 */
class PortalProxyTest {
    static final String PHONE = "+375293100002";
    static final String PASSWORD = LogCapture.secret("Portal-Proxy-Password-8");
    static final String HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    static final String JSON = "application/json";
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final Pattern RETURN = Pattern.compile("name=\"return\" value=\"([^\"]+)\"");
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
                .requestHandler(PortalProxyTest::portal)
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
        if (rig != null) {
            rig.close();
        }
        if (upstreamVertx != null) {
            Rig.await(upstreamVertx.close());
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

    /** A browser through the sign-in form, straight at Kordon: its cookie jar after signing in. */
    static String signInCookies(String returnUrl) {
        return signInCookies(returnUrl, "293100002");
    }

    static String signInCookies(String returnUrl, String login) {
        var page = get("/login?return=" + URLEncoder.encode(returnUrl, StandardCharsets.UTF_8), "Accept", HTML);
        assertThat(page.statusCode()).isEqualTo(200);
        String csrfCookie = page.cookies().stream()
                .filter(c -> c.startsWith("kordon-csrf="))
                .findFirst()
                .orElseThrow()
                .split(";")[0];
        Matcher csrf = CSRF.matcher(page.bodyAsString());
        Matcher ret = RETURN.matcher(page.bodyAsString());
        assertThat(csrf.find()).isTrue();
        assertThat(ret.find()).as("the sign-in form carries the return URL").isTrue();
        assertThat(ret.group(1).replace("&amp;", "&")).isEqualTo(returnUrl);
        var signIn = Rig.await(rig.http
                .request(HttpMethod.POST, port, "127.0.0.1", "/login")
                .followRedirects(false)
                .putHeader("Accept", HTML)
                .putHeader("Cookie", csrfCookie)
                .sendForm(MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf.group(1))
                        .add("mode", "password")
                        .add("category", "mobile")
                        .add("login", login)
                        .add("password", PASSWORD)
                        .add("return", returnUrl)));
        assertThat(signIn.statusCode()).isEqualTo(303);
        assertThat(signIn.getHeader("Location")).as("back where it was going").isEqualTo(returnUrl);
        String session = signIn.cookies().stream()
                .filter(c -> c.startsWith("kordon-session="))
                .findFirst()
                .orElseThrow()
                .split(";")[0];
        LogCapture.secret(session.substring(session.indexOf('=') + 1));
        return session + "; " + csrfCookie;
    }

    // ---- signed in

    @Test
    void aSignedInRequestReachesThePortalWithKordonsIdentityAndNotItsToken() {
        String at = accessToken();
        var r = send(
                HttpMethod.POST,
                "/portal/bills?month=5",
                "{\"pay\":12}",
                "Authorization",
                "Bearer " + at,
                "Accept",
                JSON,
                "Content-Type",
                JSON,
                "X-Forwarded-For",
                "203.0.113.9",
                "Forwarded",
                "for=203.0.113.9");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject echo = r.bodyAsJsonObject();
        assertThat(echo.getString("method")).isEqualTo("POST");
        assertThat(echo.getString("uri")).as("path and query unchanged").isEqualTo("/portal/bills?month=5");
        assertThat(echo.getString("body")).as("the body passes whole").isEqualTo("{\"pay\":12}");
        assertIdentity(r);
        assertThat(seen(r, "Authorization"))
                .as("Kordon's access token stays with Kordon")
                .isNull();
        assertThat(seen(r, "Host")).isEqualTo("127.0.0.1:" + upstreamPort);
        assertThat(seen(r, "X-Forwarded-For"))
                .as("an untrusted client's own list is not believed")
                .isEqualTo("127.0.0.1");
        assertThat(seen(r, "Forwarded")).isNull();
        assertThat(seen(r, "X-Forwarded-Proto")).isEqualTo("http");
        assertThat(seen(r, "X-Forwarded-Host")).isEqualTo("127.0.0.1:" + port);
        // The portal's own page policy, not Kordon's, and only one of them.
        assertThat(r.headers().getAll("Content-Security-Policy"))
                .containsExactly("default-src 'self' https://cdn.example.by");
    }

    @Test
    void theExactPrefixIsServedAndAPathThatOnlyLooksLikeItIsNot() {
        String at = accessToken();
        var exact = get("/portal", "Authorization", "Bearer " + at);
        assertThat(exact.statusCode()).isEqualTo(200);
        assertThat(exact.bodyAsJsonObject().getString("uri")).isEqualTo("/portal");
        int before = calls.get();
        var lookalike = get("/portalx/a", "Authorization", "Bearer " + at);
        assertThat(lookalike.statusCode()).isEqualTo(404);
        assertThat(calls.get()).isEqualTo(before);
        // Dot segments are resolved first: this is Kordon's own health check, never the portal.
        var dotted = get("/portal/../health/live", "Authorization", "Bearer " + at);
        assertThat(dotted.bodyAsJsonObject().getString("status")).isEqualTo("UP");
        assertThat(calls.get()).isEqualTo(before);
    }

    @Test
    void bodiesFarBeyondTheApisLimitStreamBothWays() {
        byte[] upload = new byte[256 * 1024];
        new java.util.Random(7).nextBytes(upload);
        var r = Rig.await(rig.http
                .request(HttpMethod.POST, port, "127.0.0.1", "/portal/big")
                .putHeader("Authorization", "Bearer " + accessToken())
                .putHeader("Content-Type", "application/octet-stream")
                .sendBuffer(Buffer.buffer(upload)));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().length()).isEqualTo(32 * upload.length);
        assertThat(r.body().getBytes(31 * upload.length, 32 * upload.length)).isEqualTo(upload);
    }

    @Test
    void forgedIdentityHeadersNeverReachThePortal() {
        String at = accessToken();
        var r = get(
                "/portal/profile",
                "Authorization",
                "Bearer " + at,
                "X-Kordon-Login",
                "+375440000000",
                "x-kordon-role",
                "supervisor",
                "X-KORDON-SUBJECT",
                "00000000-0000-0000-0000-000000000000",
                "X-Kordon-Tariff",
                "free");
        assertThat(r.statusCode()).isEqualTo(200);
        assertIdentity(r);
        assertThat(r.bodyAsJsonObject().getJsonObject("headers").fieldNames())
                .filteredOn(n -> n.startsWith("x-kordon-"))
                .containsExactlyInAnyOrder("x-kordon-subject", "x-kordon-login", "x-kordon-role");
    }

    @Test
    void aBrowserThatIsNotSignedInIsSentToSignInAndBackThenReachesThePortalWithoutKordonsCookies() {
        String original = base + "/portal/home?tab=2";
        int before = calls.get();
        var first = get("/portal/home?tab=2", "Accept", HTML);
        assertThat(first.statusCode()).isEqualTo(302);
        assertThat(first.getHeader("Location"))
                .isEqualTo("/login?return=" + URLEncoder.encode(original, StandardCharsets.UTF_8));
        assertThat(calls.get())
                .as("the portal is not called for a browser that is not signed in")
                .isEqualTo(before);

        String jar = signInCookies(original);
        var r = get("/portal/home?tab=2", "Accept", HTML, "Cookie", "app-pref=dark; " + jar + "; theme=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertIdentity(r);
        assertThat(seen(r, "Cookie"))
                .as("the portal's cookies pass, Kordon's session and CSRF cookies do not")
                .isEqualTo("app-pref=dark; theme=1");
        var only = get("/portal/home", "Accept", HTML, "Cookie", jar);
        assertThat(only.statusCode()).isEqualTo(200);
        assertThat(seen(only, "Cookie")).isNull();
    }

    @Test
    void aBrowserIsNeverSentBackToAForeignHost() {
        var r = Rig.await(rig.http
                .request(HttpMethod.GET, port, "127.0.0.1", "/portal/home")
                .followRedirects(false)
                .virtualHost("evil.example.com")
                .putHeader("Accept", HTML)
                .send());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.getHeader("Location")).isEqualTo("/login");
    }

    @Test
    void anApiClientThatIsNotSignedInGets401ProblemAndThePortalIsNotCalled() {
        int before = calls.get();
        var r = send(
                HttpMethod.POST, "/portal/bills", "{}", "Accept", JSON, "Content-Type", JSON, "Accept-Language", "en");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.getHeader("Content-Type")).isEqualTo(Problems.MEDIA_TYPE);
        assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer").doesNotContain("error=");
        assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("unauthorized");
        assertThat(r.bodyAsJsonObject().getInteger("status")).isEqualTo(401);
        assertThat(calls.get()).isEqualTo(before);
    }

    @Test
    void anAlteredOrRevokedTokenIs401AndThePortalIsNotCalled() {
        String at = accessToken();
        char last = at.charAt(at.length() - 1);
        String altered = at.substring(0, at.length() - 1) + (last == 'A' ? 'B' : 'A');
        int before = calls.get();
        var r = get("/portal/bills", "Authorization", "Bearer " + altered, "Accept", JSON);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer").contains("error=\"invalid_token\"");
        assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("unauthorized");
        assertThat(calls.get()).as("the altered token never reaches the portal").isEqualTo(before);

        assertThat(get("/portal/bills", "Authorization", "Bearer " + at).statusCode())
                .isEqualTo(200);
        assertThat(rig.postBearer("/api/v1/logout", at).statusCode()).isEqualTo(204);
        before = calls.get();
        assertThat(get("/portal/bills", "Authorization", "Bearer " + at).statusCode())
                .as("after logout")
                .isEqualTo(401);
        assertThat(calls.get()).isEqualTo(before);
    }

    @Test
    void aDisabledAccountsTokenAndSessionAreRefusedAtOnce() {
        String phone = "+375293100003";
        rig.account(phone, PASSWORD);
        String at = rig.login(phone, PASSWORD).bodyAsJsonObject().getString("access_token");
        String jar = signInCookies(base + "/portal/home", "293100003");
        assertThat(get("/portal/home", "Authorization", "Bearer " + at).statusCode())
                .isEqualTo(200);
        assertThat(get("/portal/home", "Accept", HTML, "Cookie", jar).statusCode())
                .isEqualTo(200);

        assertThat(rig.admin(HttpMethod.POST, "/admin/v1/accounts/mobile/" + phone + "/disable", null, Rig.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(204);
        int before = calls.get();
        assertThat(get("/portal/home", "Authorization", "Bearer " + at, "Accept", JSON)
                        .statusCode())
                .isEqualTo(401);
        var browser = get("/portal/home", "Accept", HTML, "Cookie", jar);
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.getHeader("Location")).startsWith("/login?return=");
        assertThat(calls.get()).isEqualTo(before);
    }

    // ---- headers

    @Test
    void hopByHopHeadersStayOnTheirHopBothWays() throws Exception {
        String at = LogCapture.secret(accessToken());
        String request = "GET /portal/headers HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + at
                + "\r\nConnection: close, X-Hop-Secret\r\nX-Hop-Secret: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                + "Trailer: X-Sum\r\nProxy-Authorization: Basic cDpw\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\n"
                + "X-Client-Kept: 1\r\n\r\n";
        String answer = raw(request);
        assertThat(answer).startsWith("HTTP/1.1 200");
        JsonObject echo = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertThat(echo.getJsonObject("headers").fieldNames())
                .contains("x-client-kept", "x-kordon-subject")
                .doesNotContain(
                        "x-hop-secret",
                        "keep-alive",
                        "te",
                        "trailer",
                        "proxy-authorization",
                        "proxy-connection",
                        "upgrade",
                        "authorization");

        var r = get("/portal/hop", "Authorization", "Bearer " + at);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("X-Kept")).isEqualTo("1");
        assertThat(r.headers().names())
                .map(n -> n.toLowerCase(java.util.Locale.ROOT))
                .doesNotContain("x-hop-secret", "keep-alive", "proxy-authenticate");
    }

    @Test
    void aClientThatExpectsContinueUploadsOnlyOnceSignedIn() throws Exception {
        String at = LogCapture.secret(accessToken());
        String head = "POST /portal/upload HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 5\r\nExpect: 100-continue\r\n";
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write((head + "Authorization: Bearer " + at + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(answer(s.getInputStream())).startsWith("HTTP/1.1 100 Continue");
            s.getOutputStream().write("hello".getBytes(StandardCharsets.ISO_8859_1));
            String answer = answer(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200");
            JsonObject echo = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertThat(echo.getString("body")).isEqualTo("hello");
            assertThat(echo.getJsonObject("headers").fieldNames()).doesNotContain("expect");
        }
        int before = calls.get();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write((head + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(answer(s.getInputStream()))
                    .as("refused before any byte of the body")
                    .startsWith("HTTP/1.1 401");
        }
        assertThat(calls.get()).isEqualTo(before);
    }

    /** One request over a plain socket, headers exactly as written; the answer, read to its Content-Length. */
    static String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return answer(s.getInputStream());
        }
    }

    /** The next answer on a connection: its head, and its body to the Content-Length (none for a 1xx). */
    static String answer(InputStream in) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int length = -1;
        int bodyAt = -1;
        while (bodyAt < 0 || all.size() < bodyAt + length) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            all.write(b);
            String sofar = all.toString(StandardCharsets.ISO_8859_1);
            if (bodyAt < 0 && sofar.endsWith("\r\n\r\n")) {
                bodyAt = all.size();
                Matcher m = Pattern.compile("(?im)^content-length: *(\\d+)").matcher(sofar);
                length = m.find() && !sofar.startsWith("HTTP/1.1 1") ? Integer.parseInt(m.group(1)) : 0;
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theTraceGoesOnAsAChildSpanAndTheRequestIdGoesUpstream() {
        String at = accessToken();
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parentSpan = "00f067aa0ba902b7";
        var r = get(
                "/portal/trace",
                "Authorization",
                "Bearer " + at,
                "traceparent",
                "00-" + trace + "-" + parentSpan + "-01",
                "X-Request-Id",
                "from-the-client");
        assertThat(r.statusCode()).isEqualTo(200);
        String child = seen(r, "traceparent");
        assertThat(child).matches("00-" + trace + "-[0-9a-f]{16}-01").doesNotContain(parentSpan);
        String id = r.getHeader("X-Request-Id");
        assertThat(id).as("no trusted proxy: Kordon's own id").matches("[0-9a-f]{32}");
        assertThat(seen(r, "X-Request-Id")).isEqualTo(id);
    }

    @Test
    void thePortalCannotPlantOrClearKordonsCookies() {
        var r = get("/portal/cookies", "Authorization", "Bearer " + accessToken());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.cookies()).containsExactly("app=1; Path=/", "theme=dark");
    }

    @Test
    void aRedirectToTheUpstreamsOwnOriginStaysOnKordonsHost() {
        var r = get("/portal/redirect", "Authorization", "Bearer " + accessToken());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.getHeader("Location")).isEqualTo("/portal/there?x=1");
    }

    // ---- upstream failures

    @Test
    void anUpstreamThatIsDownIsA502Problem() {
        var r = get("/gone/x", "Authorization", "Bearer " + accessToken(), "Accept-Language", "en");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.getHeader("Content-Type")).isEqualTo(Problems.MEDIA_TYPE);
        JsonObject p = r.bodyAsJsonObject();
        assertThat(p.getString("code")).isEqualTo("bad_gateway");
        assertThat(p.getString("type")).isEqualTo("urn:kordon:problem:bad_gateway");
        assertThat(p.getInteger("status")).isEqualTo(502);
        assertThat(p.getString("title")).isEqualTo("Portal unavailable");
        assertThat(r.getHeader("X-Request-Id")).isNotBlank();
    }

    @Test
    void aSlowUpstreamIsA504ProblemWithinTheTimeout() {
        String at = accessToken();
        long start = System.nanoTime();
        var r = get("/portal/slow", "Authorization", "Bearer " + at);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("PortalProxyTest: 504 after " + elapsedMs + " ms (proxy.timeout " + TIMEOUT_MS + " ms)");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.getHeader("Content-Type")).isEqualTo(Problems.MEDIA_TYPE);
        assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("gateway_timeout");
        assertThat(elapsedMs).isBetween(TIMEOUT_MS - 50, TIMEOUT_MS + 1000);
        // Kordon is still itself meanwhile and after.
        assertThat(get("/portal/after", "Authorization", "Bearer " + at).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aBrowserIsShownAPageNotAProblemWhenThePortalIsDownOrSlow() {
        String at = accessToken();
        var down = get("/gone/x", "Authorization", "Bearer " + at, "Accept", HTML, "Accept-Language", "en");
        assertThat(down.statusCode()).isEqualTo(502);
        assertThat(down.getHeader("Content-Type")).startsWith("text/html");
        assertThat(down.bodyAsString())
                .contains("<html")
                .contains("Portal unavailable. The portal could not be reached.")
                .doesNotContain("urn:kordon:problem");
        var slow = get("/portal/slow", "Authorization", "Bearer " + at, "Accept", HTML, "Accept-Language", "en");
        assertThat(slow.statusCode()).isEqualTo(504);
        assertThat(slow.getHeader("Content-Type")).startsWith("text/html");
        assertThat(slow.bodyAsString())
                .contains("Portal did not answer in time.")
                .doesNotContain("urn:kordon:problem");
    }

    // ---- WebSocket

    static Future<WebSocket> webSocket(WebSocketClient client, String bearer) {
        var options =
                new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/portal/ws");
        if (bearer != null) {
            options.addHeader("Authorization", "Bearer " + bearer);
        }
        return client.connect(options);
    }

    @Test
    void aWebSocketPassesThroughSignedInAndOutlivesTheAnswerTimeout() throws Exception {
        String at = accessToken();
        handshakes.clear();
        WebSocketClient client = rig.vertx.createWebSocketClient();
        try {
            BlockingQueue<String> got = new ArrayBlockingQueue<>(8);
            WebSocket ws = Rig.await(webSocket(client, at));
            ws.textMessageHandler(got::add);
            Rig.await(ws.writeTextMessage("hello"));
            assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("echo:hello");
            MultiMap handshake = handshakes.poll(5, TimeUnit.SECONDS);
            assertThat(handshake).isNotNull();
            assertThat(handshake.get("X-Kordon-Subject")).isEqualTo(subject);
            assertThat(handshake.get("X-Kordon-Login")).isEqualTo(PHONE);
            assertThat(handshake.get("Authorization")).isNull();
            // Silent for longer than proxy.timeout: an open WebSocket is not an answer being waited for.
            Thread.sleep(TIMEOUT_MS + 500);
            Rig.await(ws.writeTextMessage("still there"));
            assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("echo:still there");
            Rig.await(ws.close());
        } finally {
            Rig.await(client.close());
        }
    }

    @Test
    void aWebSocketThatIsNotSignedInIsRefusedAndNeverReachesThePortal() throws Exception {
        handshakes.clear();
        WebSocketClient client = rig.vertx.createWebSocketClient();
        try {
            Promise<Throwable> refused = Promise.promise();
            webSocket(client, null).onComplete(ar -> refused.complete(ar.cause()));
            Throwable err = Rig.await(refused.future());
            assertThat(err).isInstanceOf(UpgradeRejectedException.class);
            assertThat(((UpgradeRejectedException) err).getStatus()).isEqualTo(401);
            assertThat(handshakes.poll(300, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            Rig.await(client.close());
        }
    }
}
