package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What nginx lets through to the portal besides Kordon's identity: forged X-Kordon-* headers never
 * get there, with a token, a session or neither; the browser's own cookies do, Kordon's session
 * cookie does not.
 */
class ForwardAuthNginxHeadersTest extends ForwardAuthNginxFixture {
    @Test
    void forgedIdentityHeadersNeverReachThePortal() {
        needNginx();
        String at = accessToken();
        String forgedSubject = UUID.randomUUID().toString();
        MultiMap forged = headers(
                "X-Kordon-Login",
                "+375290000000",
                "x-kordon-login",
                "+375290000001",
                "X-Kordon-Subject",
                forgedSubject,
                "X-Kordon-Role",
                "supervisor",
                "X-KORDON-ROLE",
                "supervisor");

        // With a valid token: the portal sees Kordon's values, once each, and none of the client's.
        var withToken = viaNginx(
                "/me", headers("Authorization", "Bearer " + at, "Accept", JSON).addAll(forged));
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertIdentity(portal.last());

        // With the session cookie: the same.
        Browser b = signedInBrowser("/profile");
        var withCookie = viaNginx(
                "/profile", headers("Accept", HTML, "Cookie", b.jar.header()).addAll(forged));
        assertThat(withCookie.statusCode()).isEqualTo(200);
        assertIdentity(portal.last());

        // Without credentials the request never reaches the portal, whatever it claims.
        int before = portal.count();
        var api = viaNginx("/me", headers("Accept", JSON).addAll(forged));
        assertThat(api.statusCode()).isEqualTo(401);
        var browser = viaNginx("/me", headers("Accept", HTML).addAll(forged));
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(portal.count()).isEqualTo(before);
    }

    @Test
    void thePortalGetsTheBrowsersCookiesButNotKordonsSessionCookie() {
        needNginx();
        Browser b = signedInBrowser("/settings");
        String session = b.jar.get("kordon-session");
        String csrf = b.jar.get("kordon-csrf");
        assertThat(session).isNotNull();
        assertThat(csrf).isNotNull();

        // Kordon's session cookie among the portal's own, the production name as well, and a
        // second step's token under way (all three go).
        var r = viaNginx(
                "/settings",
                headers(
                        "Accept",
                        HTML,
                        "Cookie",
                        "app-pref=dark; kordon-session=" + session + "; kordon-csrf=" + csrf
                                + "; __Host-kordon-session=another; note=kordon-session=keep; kordon-step=s1; theme=1"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertIdentity(portal.last());
        assertThat(portal.last().one("Cookie"))
                .isEqualTo("app-pref=dark; kordon-csrf=" + csrf + "; note=kordon-session=keep; theme=1");

        // Only Kordon's session cookie: the portal gets no Cookie header at all.
        var only = viaNginx("/settings", headers("Accept", HTML, "Cookie", "kordon-session=" + session));
        assertThat(only.statusCode()).isEqualTo(200);
        assertThat(portal.last().all("Cookie")).isEmpty();
        assertThat(portal.last().all("Authorization")).isEmpty();
        assertIdentity(portal.last());
    }
}
