package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.gate.RecordingPortal.Seen;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bearer token through nginx: a valid one reaches the portal as Kordon's identity with the
 * Authorization header passed on, for a GET and a POST with its body; an altered or garbage one is a
 * 401 and the portal is not called.
 */
class ForwardAuthNginxTokenTest extends ForwardAuthNginxFixture {
    @Test
    void aBearerTokenReachesThePortalAsKordonsIdentityWithTheAuthorizationHeaderPassedOn() {
        needNginx();
        String at = accessToken();
        int before = portal.count();
        var r = viaNginx("/bills?month=5", headers("Authorization", "Bearer " + at, "Accept", JSON));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsString()).isEqualTo("portal: /bills?month=5");
        assertThat(portal.count()).isEqualTo(before + 1);
        Seen seen = portal.last();
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.uri()).isEqualTo("/bills?month=5");
        assertIdentity(seen);
        // The portal is the token's audience: it gets the header as sent and may verify it itself.
        assertThat(seen.one("Authorization")).isEqualTo("Bearer " + at);

        // A POST keeps its method and body; the check before it carries neither.
        var post = viaNginx(
                HttpMethod.POST,
                "/orders",
                headers("Authorization", "Bearer " + at, "Accept", JSON, "Content-Type", JSON),
                "{\"n\":1}");
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(portal.last().method()).isEqualTo("POST");
        assertThat(portal.last().body()).isEqualTo("{\"n\":1}");
        assertIdentity(portal.last());
    }

    @Test
    void anAlteredOrGarbageTokenIsA401AndThePortalIsNotCalled() {
        needNginx();
        String at = accessToken();
        String[] parts = at.split("\\.");
        List<String> bad = List.of(
                parts[0] + "." + flipMiddle(parts[1]) + "." + parts[2],
                parts[0] + "." + parts[1] + "." + flipMiddle(parts[2]),
                "garbage",
                "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        int before = portal.count();
        for (String token : bad) {
            var r = viaNginx("/bills", headers("Authorization", "Bearer " + token, "Accept", JSON));
            assertThat(r.statusCode()).as(token).isEqualTo(401);
            assertThat(r.getHeader("Location")).as(token).isNull();
        }
        assertThat(viaNginx("/bills", headers("Accept", JSON)).statusCode())
                .as("no credentials at all")
                .isEqualTo(401);
        assertThat(portal.count()).isEqualTo(before);
        // The real token still works: the refusals were about the alterations.
        assertThat(viaNginx("/bills", headers("Authorization", "Bearer " + at, "Accept", JSON))
                        .statusCode())
                .isEqualTo(200);
    }

    /** One character in the middle changed (the middle: every bit of it counts, unlike the last one's). */
    static String flipMiddle(String segment) {
        int i = segment.length() / 2;
        char c = segment.charAt(i);
        return segment.substring(0, i) + (c == 'A' ? 'B' : 'A') + segment.substring(i + 1);
    }
}
