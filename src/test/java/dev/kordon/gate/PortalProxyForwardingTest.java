package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * What a signed-in request carries to the portal: Kordon's identity instead of its token, the
 * forwarded headers Kordon sets itself, the exact route prefix, and bodies far beyond the API's
 * limit, streamed both ways; identity headers a client forged never get there.
 */
class PortalProxyForwardingTest extends PortalProxyFixture {
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
                .containsExactlyInAnyOrder("x-kordon-subject", "x-kordon-login", "x-kordon-role", "x-kordon-acr");
    }
}
