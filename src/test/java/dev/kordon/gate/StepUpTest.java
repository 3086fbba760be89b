package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Ports;
import dev.kordon.support.Rig;
import dev.kordon.support.SecondSteps;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * edge.aal2-prefixes ({@code /admin}, {@code /portal/admin}) at {@code /auth/verify} as Traefik,
 * nginx and Envoy ask it, and in the portal proxy: a sign-in below aal2 under a prefix gets RFC
 * 9470's 401 for a bearer and a 403 page for a browser; aal2 passes and says so in X-Kordon-Acr; a
 * path outside, {@code /administrator} included, passes; no spelling of a path under the prefix
 * slips past it. The tokens and sessions are Kordon's own, issued by its parts for an amr.
 */
class StepUpTest {
    static final String HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    static Rig rig;
    static Account account;
    static Vertx upstreamVertx;
    static final List<String> reached = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void up() {
        int upstreamPort = Ports.free();
        upstreamVertx = Vertx.vertx();
        Rig.await(upstreamVertx
                .createHttpServer()
                .requestHandler(req -> {
                    reached.add(req.path() + " acr=" + req.getHeader("X-Kordon-Acr"));
                    req.response().end("portal");
                })
                .listen(upstreamPort, "127.0.0.1"));
        rig = Rig.builder()
                .set("portal.url", "https://my.example.by/")
                .set("cookie.secure", false)
                .set("edge.aal2-prefixes", List.of("/admin", "/portal/admin/"))
                .set("proxy.routes", List.of("/portal=http://127.0.0.1:" + upstreamPort))
                .start();
        account = rig.account("+375293300001", LogCapture.secret("Step-Up-Password-2"));
    }

    @AfterAll
    static void down() {
        rig.close();
        Rig.await(upstreamVertx.close());
    }

    @Test
    void aBearerBelowAal2UnderAPrefixGetsRfc9470sChallengeAndOutsideItPasses() {
        String aal1 = bearer("pwd");
        for (String path : List.of("/admin", "/admin/", "/admin/users?page=2")) {
            HttpResponse<Buffer> refused = traefik(path, aal1, null);
            assertThat(refused.statusCode()).as(path).isEqualTo(401);
            assertThat(refused.getHeader("WWW-Authenticate"))
                    .as(path)
                    .contains("error=\"insufficient_user_authentication\"", "acr_values=\"aal2\"");
            assertThat(refused.getHeader("X-Kordon-Subject")).isNull();
        }
        for (String path : List.of("/bills", "/administrator", "/admins/x", "/", "/x/admin")) {
            HttpResponse<Buffer> passed = traefik(path, aal1, null);
            assertThat(passed.statusCode()).as(path).isEqualTo(200);
            assertThat(passed.getHeader("X-Kordon-Acr")).isEqualTo("aal1");
        }
        // SMS sign-ins are aal1 too.
        assertThat(traefik("/admin/x", bearer("sms"), null).statusCode()).isEqualTo(401);
    }

    @Test
    void aSecondStepOfAnyKindPassesUnderThePrefixAndTheHeaderSaysAal2() {
        for (String second : List.of("otp", "hwk", "rec")) {
            HttpResponse<Buffer> passed = traefik("/admin/users", bearer("pwd", second), null);
            assertThat(passed.statusCode()).as(second).isEqualTo(200);
            assertThat(passed.getHeader("X-Kordon-Acr")).isEqualTo("aal2");
            assertThat(passed.getHeader("X-Kordon-Subject"))
                    .isEqualTo(account.id().toString());
        }
    }

    @Test
    void noSpellingOfAPathUnderThePrefixSlipsPast() {
        String aal1 = bearer("pwd");
        for (String path : List.of(
                "/public/../admin/x",
                "/public/%2e%2e/admin",
                "/public/..%2fadmin",
                "/public/%252e%252e/admin",
                "/%61dmin/x",
                "/ADMIN/x",
                "//admin",
                "/./admin",
                "/admin;jsessionid=1/x",
                "/public\\..\\admin")) {
            assertThat(traefik(path, aal1, null).statusCode()).as(path).isEqualTo(401);
        }
        // nginx says the whole URL, Envoy appends the path to its check's own.
        assertThat(toKordon("/auth/verify", aal1, null, "X-Original-URL", "https://my.example.by/x/../admin/")
                        .statusCode())
                .isEqualTo(401);
        assertThat(toKordon("/auth/verify/admin/x", aal1, null, "Host", "my.example.by")
                        .statusCode())
                .isEqualTo(401);
        assertThat(toKordon("/auth/verify/bills", aal1, null, "Host", "my.example.by")
                        .statusCode())
                .isEqualTo(200);
        // A check that does not say where the request was going is held to aal2 while prefixes are set.
        assertThat(toKordon("/auth/verify", aal1, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aBrowserSessionBelowAal2GetsAPageThatLeadsToSigningInAgainOrSettingUpASecondStep() {
        HttpResponse<Buffer> page = traefik("/admin/users", null, session("pwd"), "Accept", HTML);
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.getHeader("Content-Type")).startsWith("text/html");
        assertThat(page.bodyAsString())
                .contains("Нужен второй шаг", "href=\"/login/security\"")
                .contains("/login?return=https%3A%2F%2Fmy.example.by%2Fadmin%2Fusers");

        HttpResponse<Buffer> stepped = traefik("/admin/users", null, session("pwd", "otp"), "Accept", HTML);
        assertThat(stepped.statusCode()).isEqualTo(200);
        assertThat(stepped.getHeader("X-Kordon-Acr")).isEqualTo("aal2");
    }

    @Test
    void thePortalProxyAsksTheSameAndHandsTheLevelOn() {
        reached.clear();
        HttpResponse<Buffer> refused = proxied("/portal/admin/x", bearer("pwd"));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.getHeader("WWW-Authenticate")).contains("insufficient_user_authentication");
        assertThat(proxied("/portal/x/../admin/x", bearer("pwd")).statusCode()).isEqualTo(401);
        assertThat(reached).as("the portal never saw them").isEmpty();

        assertThat(proxied("/portal/administrator", bearer("pwd")).statusCode()).isEqualTo(200);
        assertThat(proxied("/portal/admin/x", bearer("pwd", "otp")).statusCode())
                .isEqualTo(200);
        assertThat(reached).containsExactly("/portal/administrator acr=aal1", "/portal/admin/x acr=aal2");
    }

    private static String bearer(String... amr) {
        return rig.running
                .wiring()
                .tokens()
                .issueAccess(account, List.of(amr), null)
                .token();
    }

    private static String session(String... amr) {
        return SecondSteps.session(rig, account, List.of(amr));
    }

    /** Asked as Traefik asks, for https://my.example.by + {@code uri}. */
    private static HttpResponse<Buffer> traefik(String uri, String bearer, String session, String... more) {
        String[] headers = new String[6 + more.length];
        System.arraycopy(
                new String[] {"X-Forwarded-Proto", "https", "X-Forwarded-Host", "my.example.by", "X-Forwarded-Uri", uri
                },
                0,
                headers,
                0,
                6);
        System.arraycopy(more, 0, headers, 6, more.length);
        return toKordon("/auth/verify", bearer, session, headers);
    }

    private static HttpResponse<Buffer> toKordon(String path, String bearer, String session, String... nameValue) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < nameValue.length; i += 2) {
            h.add(nameValue[i], nameValue[i + 1]);
        }
        if (bearer != null) {
            h.add("Authorization", "Bearer " + bearer);
        }
        if (session != null) {
            h.add("Cookie", "kordon-session=" + session);
        }
        var req = rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", path)
                .followRedirects(false);
        req.putHeaders(h);
        return Rig.await(req.send());
    }

    private static HttpResponse<Buffer> proxied(String path, String bearer) {
        return toKordon(path, bearer, null);
    }
}
