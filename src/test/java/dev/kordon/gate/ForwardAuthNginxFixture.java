package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.gate.RecordingPortal.Seen;
import dev.kordon.support.CookieJar;
import dev.kordon.support.Ports;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * Forward auth through nginx: the nginx configuration of docs/edge.md, as written (only addresses and
 * TLS lines swapped for loopback ones), in Debian's nginx in front of the Kordon of
 * {@link ForwardAuthFixture} and a portal that records every request it receives. Each class keeps
 * nginx's configuration and logs under target/forward-auth-nginx/CLASS/.
 */
abstract class ForwardAuthNginxFixture extends ForwardAuthFixture {
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final Pattern RETURN = Pattern.compile("name=\"return\" value=\"([^\"]+)\"");

    static RecordingPortal portal;
    static DocumentedNginx nginx;

    @BeforeAll
    static void startNginx(TestInfo test) throws Exception {
        portal = RecordingPortal.start(Ports.free());
        if (DocumentedNginx.installed()) {
            Path dir = Path.of(
                            "target",
                            "forward-auth-nginx",
                            test.getTestClass().orElseThrow().getSimpleName())
                    .toAbsolutePath();
            nginx = DocumentedNginx.start(dir, nginxPort, rig.running.httpPort(), portal.port);
        } else if ("true".equals(System.getenv("KORDON_REQUIRE_SCALE_OUT"))) {
            throw new IllegalStateException(
                    DocumentedNginx.NGINX + " is needed for the forward-auth tests (apt-get install nginx)");
        }
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.close();
            nginx = null;
        }
        if (portal != null) {
            portal.close();
            portal = null;
        }
    }

    static void needNginx() {
        Assumptions.assumeTrue(
                nginx != null,
                "forward-auth nginx tests skipped: no " + DocumentedNginx.NGINX
                        + " (KORDON_REQUIRE_SCALE_OUT=true makes this a failure)");
    }

    /** A request through nginx. */
    static HttpResponse<Buffer> viaNginx(HttpMethod method, String path, MultiMap headers, String body) {
        var req = rig.http.request(method, nginxPort, "127.0.0.1", path).followRedirects(false);
        req.putHeaders(headers);
        return Rig.await(body == null ? req.send() : req.sendBuffer(Buffer.buffer(body)));
    }

    static HttpResponse<Buffer> viaNginx(String path, MultiMap headers) {
        return viaNginx(HttpMethod.GET, path, headers, null);
    }

    /** A browser with a cookie jar, walking through nginx. */
    static final class Browser {
        final CookieJar jar = new CookieJar();

        HttpResponse<Buffer> get(String path) {
            return jar.keep(viaNginx(path, headers("Accept", HTML, "Cookie", jar.header())));
        }

        HttpResponse<Buffer> post(String path, MultiMap form) {
            var req = rig.http
                    .request(HttpMethod.POST, nginxPort, "127.0.0.1", path)
                    .followRedirects(false)
                    .putHeader("Accept", HTML)
                    .putHeader("Cookie", jar.header());
            return jar.keep(Rig.await(req.sendForm(form)));
        }
    }

    /** Sends a browser that is not signed in to the page and through the sign-in form; returns the browser. */
    static Browser signedInBrowser(String path) {
        Browser b = new Browser();
        String original = base + path;
        int before = portal.count();
        var first = b.get(path);
        assertThat(first.statusCode()).isEqualTo(302);
        assertThat(first.getHeader("Location")).isEqualTo(signInLocation(base, original));
        assertThat(portal.count())
                .as("the portal is not called for a browser that is not signed in")
                .isEqualTo(before);

        var page = b.get(first.getHeader("Location").substring(base.length()));
        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.bodyAsString();
        Matcher csrf = CSRF.matcher(html);
        Matcher ret = RETURN.matcher(html);
        assertThat(csrf.find()).isTrue();
        assertThat(ret.find()).as("the sign-in form carries the return URL").isTrue();
        String carried = ret.group(1).replace("&amp;", "&");
        assertThat(carried).isEqualTo(original);

        var signIn = b.post(
                "/login",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf.group(1))
                        .add("mode", "password")
                        .add("category", "mobile")
                        .add("login", "293100001")
                        .add("password", PASSWORD)
                        .add("return", carried));
        assertThat(signIn.statusCode()).isEqualTo(303);
        assertThat(signIn.getHeader("Location")).as("back where it was going").isEqualTo(original);
        assertThat(b.jar).containsKey("kordon-session");
        return b;
    }

    static void assertIdentity(Seen seen) {
        assertThat(seen.one("X-Kordon-Subject")).isEqualTo(subject);
        assertThat(seen.one("X-Kordon-Login")).isEqualTo(PHONE);
        assertThat(seen.one("X-Kordon-Role")).isEqualTo("administrator");
        assertThat(seen.one("X-Kordon-Acr")).as("a password alone").isEqualTo("aal1");
    }
}
