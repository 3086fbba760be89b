package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.LogCapture;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The headers on their way through, both ways: hop-by-hop headers stay on their hop (checked on a raw
 * socket), Expect: 100-continue is answered only once signed in, the trace goes on as a child span
 * with the request id, the portal cannot set Kordon's cookies, and its redirects to its own origin
 * stay on Kordon's host.
 */
class PortalProxyHeadersTest extends PortalProxyFixture {
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
}
