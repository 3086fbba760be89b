package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kordon's side of Traefik, Envoy and nginx, asked directly as each proxy asks it (no nginx runs
 * here): Traefik's X-Forwarded-* headers, Envoy's path suffix with any method, and nginx's
 * X-Original-URL, each answered with the way to sign in for a browser and with the identity once signed in.
 */
class ForwardAuthProtocolsTest extends ForwardAuthFixture {
    @Test
    void traefikStyleChecksGetTheRedirectThemselves() {
        MultiMap traefik = headers(
                "X-Forwarded-Proto",
                "https",
                "X-Forwarded-Host",
                "my.example.by",
                "X-Forwarded-Uri",
                "/bills?month=5",
                "X-Forwarded-Method",
                "GET");
        var browser = toKordon(
                HttpMethod.GET,
                "/auth/verify",
                MultiMap.caseInsensitiveMultiMap().addAll(traefik).add("Accept", HTML));
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.getHeader("Location"))
                .isEqualTo(signInLocation("https://my.example.by", "https://my.example.by/bills?month=5"));
        assertThat(browser.getHeader("Cache-Control")).isEqualTo("no-store");

        // An API client gets the 401; a host Kordon would not return to, or a URI that is not a path, gets no redirect.
        assertThat(toKordon(
                                HttpMethod.GET,
                                "/auth/verify",
                                MultiMap.caseInsensitiveMultiMap()
                                        .addAll(traefik)
                                        .add("Accept", JSON))
                        .statusCode())
                .isEqualTo(401);
        var elsewhere = toKordon(
                HttpMethod.GET,
                "/auth/verify",
                headers(
                        "X-Forwarded-Proto",
                        "https",
                        "X-Forwarded-Host",
                        "evil.example",
                        "X-Forwarded-Uri",
                        "/",
                        "Accept",
                        HTML));
        assertThat(elsewhere.statusCode()).isEqualTo(401);
        assertThat(elsewhere.getHeader("Location")).isNull();
        var notAPath = toKordon(
                HttpMethod.GET,
                "/auth/verify",
                headers(
                        "X-Forwarded-Proto",
                        "https",
                        "X-Forwarded-Host",
                        "my.example.by",
                        "X-Forwarded-Uri",
                        "@evil.example/",
                        "Accept",
                        HTML));
        assertThat(notAPath.statusCode()).isEqualTo(401);
        assertThat(notAPath.getHeader("Location")).isNull();

        String at = accessToken();
        var ok = toKordon(
                HttpMethod.GET,
                "/auth/verify",
                MultiMap.caseInsensitiveMultiMap()
                        .addAll(traefik)
                        .add("Accept", HTML)
                        .add("Authorization", "Bearer " + at));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.getHeader("X-Kordon-Subject")).isEqualTo(subject);
    }

    @Test
    void envoyStyleChecksAreAnsweredAtThePathSuffixWithAnyMethod() {
        var browser = Rig.await(rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/auth/verify/bills?month=5")
                .followRedirects(false)
                .putHeader("Host", "my.example.by")
                .putHeader("X-Forwarded-Proto", "https")
                .putHeader("Accept", HTML)
                .send());
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.getHeader("Location"))
                .isEqualTo(signInLocation("https://my.example.by", "https://my.example.by/bills?month=5"));

        String at = accessToken();
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PUT)) {
            var ok = toKordon(method, "/auth/verify/orders/7", headers("Authorization", "Bearer " + at));
            assertThat(ok.statusCode()).as(method.name()).isEqualTo(200);
            assertThat(ok.getHeader("X-Kordon-Subject")).isEqualTo(subject);
            assertThat(ok.getHeader("X-Kordon-Login")).isEqualTo(PHONE);
            assertThat(ok.getHeader("X-Kordon-Role")).isEqualTo("administrator");
            assertThat(toKordon(method, "/auth/verify/orders/7", headers("Accept", JSON))
                            .statusCode())
                    .as(method.name())
                    .isEqualTo(401);
        }
    }

    @Test
    void nginxStyleChecksGetA401CarryingTheWayToSignIn() {
        var r = toKordon(
                HttpMethod.GET, "/auth/verify", headers("X-Original-URL", base + "/bills?a=1&b=2", "Accept", HTML));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.getHeader("Location")).isEqualTo(signInLocation(base, base + "/bills?a=1&b=2"));
        // Without any hint of the original URL: the plain 401, as before.
        var plain = toKordon(HttpMethod.GET, "/auth/verify", headers("Accept", HTML));
        assertThat(plain.statusCode()).isEqualTo(401);
        assertThat(plain.getHeader("Location")).isNull();
        assertThat(plain.getHeader("Content-Type")).startsWith("application/problem+json");
    }
}
