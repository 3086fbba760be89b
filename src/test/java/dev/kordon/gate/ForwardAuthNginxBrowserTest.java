package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.http.HttpMethod;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A browser through nginx: one that is not signed in is redirected to sign in with a safe return URL
 * (never one a client or a foreign host chose), signs in through the form, comes back to the page it
 * asked for and reaches the portal by its session cookie.
 */
class ForwardAuthNginxBrowserTest extends ForwardAuthNginxFixture {
    @Test
    void aBrowserIsSentToSignInAndBackAndThenReachesThePortalByItsSessionCookie() {
        needNginx();
        String path = "/bills/list?month=5&note=a%2Fb%26c";
        Browser b = signedInBrowser(path);
        int before = portal.count();
        var r = b.get(path);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(portal.count()).isEqualTo(before + 1);
        assertThat(portal.last().uri()).isEqualTo(path);
        assertIdentity(portal.last());
    }

    @Test
    void aBrowserThatIsNotSignedInIsRedirectedToLoginWithASafeReturnUrl() {
        needNginx();
        int before = portal.count();
        String path = "/bills?month=5&q=%D1%81%D1%87%D1%91%D1%82";
        var r = viaNginx(path, headers("Accept", HTML));
        assertThat(r.statusCode()).isEqualTo(302);
        String location = r.getHeader("Location");
        assertThat(location).isEqualTo(signInLocation(base, base + path));
        assertThat(URLDecoder.decode(location.substring(location.indexOf("return=") + 7), StandardCharsets.UTF_8))
                .isEqualTo(base + path);

        // A client's own X-Original-URL is replaced by nginx: the return URL is where it really asked.
        var spoofed = viaNginx(path, headers("Accept", HTML, "X-Original-URL", "https://evil.example/phish"));
        assertThat(spoofed.getHeader("Location")).isEqualTo(signInLocation(base, base + path));

        // A host that is neither the portal's nor a configured return origin gets no redirect at all.
        var other = Rig.await(rig.http
                .request(HttpMethod.GET, nginxPort, "127.0.0.1", "/bills")
                .followRedirects(false)
                .virtualHost("evil.example")
                .putHeader("Accept", HTML)
                .send());
        assertThat(other.statusCode()).isEqualTo(401);
        assertThat(other.getHeader("Location")).isNull();

        // The check itself is internal to nginx.
        assertThat(viaNginx("/_kordon/verify", headers("Accept", JSON)).statusCode())
                .isEqualTo(404);
        assertThat(portal.count()).isEqualTo(before);
    }
}
