package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.LogCapture;
import dev.kordon.support.Ports;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Forward auth as operators run it: a real Kordon whose portal is at nginx's origin, and one account
 * with a role other than the default, so the header's value is seen to come from the account.
 * {@link ForwardAuthNginxFixture} adds nginx with the configuration of docs/edge.md and a portal that
 * records every request it receives; Kordon's side of Traefik and Envoy is asked directly. Each class
 * gets a Kordon of its own.
 */
abstract class ForwardAuthFixture {
    static final String PHONE = "+375293100001";
    static final String PASSWORD = LogCapture.secret("Forward-Auth-Password-7");
    static final String HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    static final String JSON = "application/json";

    static Rig rig;
    static String subject;
    static int nginxPort;
    static String base;

    @BeforeAll
    static void up() {
        nginxPort = Ports.free();
        base = "http://127.0.0.1:" + nginxPort;
        // The portal's origin is nginx's; plain HTTP on loopback, hence cookies without Secure.
        rig = Rig.builder()
                .set("portal.url", base + "/")
                .set("cookie.secure", false)
                .set("web.return-origins", List.of("https://my.example.by"))
                // The headers are tested here, with a role other than the default signing in by password
                // alone; the second step that role takes by default has its own tests (SecondStep*Test).
                .set("mfa.required-roles", List.of())
                .start();
        subject = rig.account(PHONE, PASSWORD).id().toString();
        // A role other than the default, so the header's value is seen to come from the account.
        assertThat(rig.admin(
                                HttpMethod.PUT,
                                "/admin/v1/accounts/mobile/" + PHONE,
                                new JsonObject()
                                        .put("tariff", Rig.TARIFF)
                                        .put("email", "org@example.by")
                                        .put("role", "administrator")
                                        .put("status", "active"),
                                Rig.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(200);
    }

    @AfterAll
    static void down() {
        if (rig != null) {
            rig.close();
            rig = null;
        }
    }

    static MultiMap headers(String... nameValue) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.add(nameValue[i], nameValue[i + 1]);
        }
        return m;
    }

    /** A request to Kordon itself, as a proxy would ask it. */
    static HttpResponse<Buffer> toKordon(HttpMethod method, String path, MultiMap headers) {
        var req = rig.http
                .request(method, rig.running.httpPort(), "127.0.0.1", path)
                .followRedirects(false);
        req.putHeaders(headers);
        return Rig.await(req.send());
    }

    static String accessToken() {
        return rig.login(PHONE, PASSWORD).bodyAsJsonObject().getString("access_token");
    }

    static String signInLocation(String origin, String original) {
        return origin + "/login?return=" + URLEncoder.encode(original, StandardCharsets.UTF_8);
    }
}
