package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.server.Problems;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A portal that is down is a 502 and one that does not answer a 504 within proxy.timeout, as a problem
 * for an API client and as a page for a browser; Kordon goes on serving meanwhile.
 */
class PortalProxyUpstreamFailureTest extends PortalProxyFixture {
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
        System.out.println(
                "PortalProxyUpstreamFailureTest: 504 after " + elapsedMs + " ms (proxy.timeout " + TIMEOUT_MS + " ms)");
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
}
