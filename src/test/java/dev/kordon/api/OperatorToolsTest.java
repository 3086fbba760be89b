package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator's tools on the admin port: disable, enable, sessions, forced reset, search. */
class OperatorToolsTest {
    static final String PASSWORD = LogCapture.secret("Operator-tools-passw0rd");
    static Rig rig;

    @BeforeAll
    static void up() {
        rig = Rig.start();
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    /** A signed-in client: its token pair and a browser session made the way the pages make one. */
    record Client(String access, String refresh, String cookie) {}

    static Client signIn(String phone) {
        var r = rig.login(phone, PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject pair = r.bodyAsJsonObject();
        String access = pair.getString("access_token");
        JsonObject claims = new JsonObject(
                new String(Base64.getUrlDecoder().decode(access.split("\\.")[1]), StandardCharsets.UTF_8));
        String cookie = LogCapture.secret(
                Rig.await(rig.running.wiring().browserSessions().create(claims)));
        return new Client(access, pair.getString("refresh_token"), cookie);
    }

    static int cookie(String session) {
        String name = (rig.config.cookieSecure() ? "__Host-" : "") + "kordon-session";
        return Rig.await(rig.http
                        .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/auth/verify")
                        .putHeader("Cookie", name + "=" + session)
                        .send())
                .statusCode();
    }

    static int refresh(String token) {
        return rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", token))
                .statusCode();
    }

    static HttpResponse<Buffer> admin(HttpMethod method, String path) {
        return rig.admin(method, path, null, Rig.ADMIN_TOKEN);
    }

    static JsonArray sessions(String phone) {
        var r = admin(HttpMethod.GET, "/admin/v1/accounts/mobile/" + phone + "/sessions");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.bodyAsJsonObject().getJsonArray("sessions");
    }

    static List<String> events(String phone) {
        return admin(HttpMethod.GET, "/admin/v1/accounts/mobile/" + phone + "/events")
                .bodyAsJsonObject()
                .getJsonArray("events")
                .stream()
                .map(e -> ((JsonObject) e).getString("event"))
                .toList();
    }

    @Test
    void disableEndsTheAccessTokenRefreshTokenAndCookieAtOnceAndEnableLetsSignInAgain() {
        String phone = "+375291700001";
        rig.account(phone, PASSWORD);
        Client c = signIn(phone);
        assertThat(rig.get("/auth/verify", c.access()).statusCode()).isEqualTo(200);
        assertThat(cookie(c.cookie())).isEqualTo(200);

        assertThat(admin(HttpMethod.POST, "/admin/v1/accounts/mobile/" + phone + "/disable")
                        .statusCode())
                .isEqualTo(204);
        assertThat(rig.get("/auth/verify", c.access()).statusCode()).isEqualTo(401);
        assertThat(rig.get("/api/v1/me", c.access()).statusCode()).isEqualTo(401);
        assertThat(cookie(c.cookie())).isEqualTo(401);
        assertThat(refresh(c.refresh())).isEqualTo(401);
        assertThat(rig.login(phone, PASSWORD).statusCode()).isEqualTo(401);
        assertThat(sessions(phone)).isEmpty();
        assertThat(admin(HttpMethod.GET, "/admin/v1/accounts/mobile/" + phone)
                        .bodyAsJsonObject()
                        .getString("status"))
                .isEqualTo("disabled");

        assertThat(admin(HttpMethod.POST, "/admin/v1/accounts/mobile/" + phone + "/enable")
                        .statusCode())
                .isEqualTo(204);
        Client again = signIn(phone);
        assertThat(rig.get("/api/v1/me", again.access()).statusCode()).isEqualTo(200);
        // What the disable ended stays ended.
        assertThat(cookie(c.cookie())).isEqualTo(401);
        assertThat(events(phone)).contains("admin.account_disabled", "admin.account_enabled");
    }

    @Test
    void aRoleChangeThroughPutEndsEveryCredentialAndAnEmailChangeDoesNot() {
        String phone = "+375291700004";
        rig.account(phone, PASSWORD);
        Client c = signIn(phone);
        JsonObject body = new JsonObject()
                .put("tariff", Rig.TARIFF)
                .put("email", "other@example.by")
                .put("role", "subscriber")
                .put("status", "active");
        assertThat(rig.admin(HttpMethod.PUT, "/admin/v1/accounts/mobile/" + phone, body, Rig.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(200);
        assertThat(rig.get("/auth/verify", c.access()).statusCode()).isEqualTo(200);
        assertThat(refresh(c.refresh())).isEqualTo(200);
        c = signIn(phone);
        assertThat(sessions(phone)).hasSize(4);
        body.put("role", "supervisor");
        assertThat(rig.admin(HttpMethod.PUT, "/admin/v1/accounts/mobile/" + phone, body, Rig.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(200);
        assertThat(rig.get("/auth/verify", c.access()).statusCode()).isEqualTo(401);
        assertThat(cookie(c.cookie())).isEqualTo(401);
        assertThat(refresh(c.refresh())).isEqualTo(401);
        assertThat(sessions(phone)).isEmpty();
    }

    @Test
    void unknownAccountsAndLoginsAreProblems() {
        var none = admin(HttpMethod.POST, "/admin/v1/accounts/mobile/+375291799999/disable");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(admin(HttpMethod.POST, "/admin/v1/accounts/satellite/1/enable")
                        .statusCode())
                .isEqualTo(404);
        var bad = admin(HttpMethod.POST, "/admin/v1/accounts/mobile/12/reset");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.bodyAsJsonObject().getJsonObject("errors").fieldNames()).containsExactly("login");
        assertThat(admin(HttpMethod.GET, "/admin/v1/accounts/mobile/+375291799999/sessions")
                        .statusCode())
                .isEqualTo(404);
        assertThat(rig.admin(HttpMethod.POST, "/admin/v1/accounts/mobile/+375291799999/disable", null, null)
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void theSessionListShowsEachSignInAndDeletingOneEndsExactlyThatOneWithItsAccessToken() {
        String phone = "+375291700002";
        rig.account(phone, PASSWORD);
        Client first = signIn(phone);
        long secondFrom = System.currentTimeMillis();
        Client second = signIn(phone);
        long secondUntil = System.currentTimeMillis();
        JsonArray list = sessions(phone);
        assertThat(list.stream().filter(s -> "refresh".equals(((JsonObject) s).getString("kind"))))
                .hasSize(2);
        assertThat(list.stream().filter(s -> "browser".equals(((JsonObject) s).getString("kind"))))
                .hasSize(2);
        for (Object o : list) {
            JsonObject s = (JsonObject) o;
            assertThat(s.getLong("created_at")).isPositive();
            assertThat(s.getLong("expires_at")).isGreaterThan(System.currentTimeMillis());
        }
        String shown = list.encode();
        assertThat(shown)
                .doesNotContain(first.refresh())
                .doesNotContain(first.cookie())
                .doesNotContain(first.access())
                .doesNotContain(second.refresh())
                .doesNotContain(second.cookie());

        // The first refresh family ends, with its access token (verified, so cached, before); the second still works.
        assertThat(rig.get("/auth/verify", first.access()).statusCode()).isEqualTo(200);
        String family = familyOf(first.access());
        assertThat(admin(HttpMethod.DELETE, "/admin/v1/accounts/mobile/" + phone + "/sessions/" + family)
                        .statusCode())
                .isEqualTo(204);
        assertThat(rig.get("/auth/verify", first.access()).statusCode()).isEqualTo(401);
        assertThat(rig.get("/api/v1/me", first.access()).statusCode()).isEqualTo(401);
        assertThat(refresh(first.refresh())).isEqualTo(401);
        assertThat(rig.get("/auth/verify", second.access()).statusCode()).isEqualTo(200);
        String secondFamily = familyOf(second.access());
        // Until it is refreshed, a family was last used at the sign-in that made it.
        long signedIn = family(phone, secondFamily).getLong("last_used_at");
        assertThat(signedIn).isBetween(secondFrom, secondUntil);
        // The refresh below must fall in a later millisecond, to be told from the sign-in.
        assertThat(Await.until(Duration.ofSeconds(1), () -> System.currentTimeMillis() > secondUntil))
                .isTrue();
        long refreshedFrom = System.currentTimeMillis();
        assertThat(refresh(second.refresh())).isEqualTo(200);
        // The family's last use is the refresh just made.
        assertThat(family(phone, secondFamily).getLong("last_used_at"))
                .isBetween(refreshedFrom, System.currentTimeMillis());
        assertThat(admin(HttpMethod.DELETE, "/admin/v1/accounts/mobile/" + phone + "/sessions/" + family)
                        .statusCode())
                .isEqualTo(404);

        // One browser session ends; the other still verifies.
        JsonArray browsers = new JsonArray(sessions(phone).stream()
                .filter(s -> "browser".equals(((JsonObject) s).getString("kind")))
                .toList());
        assertThat(browsers).hasSize(2);
        String sha = ((JsonObject) browsers.getValue(0)).getString("id");
        assertThat(admin(HttpMethod.DELETE, "/admin/v1/accounts/mobile/" + phone + "/sessions/" + sha)
                        .statusCode())
                .isEqualTo(204);
        int firstCookie = cookie(first.cookie());
        int secondCookie = cookie(second.cookie());
        assertThat(List.of(firstCookie, secondCookie)).containsExactlyInAnyOrder(200, 401);
        assertThat(sessions(phone).stream().filter(s -> "browser".equals(((JsonObject) s).getString("kind"))))
                .hasSize(1);
        assertThat(admin(HttpMethod.DELETE, "/admin/v1/accounts/mobile/" + phone + "/sessions/nonsense")
                        .statusCode())
                .isEqualTo(404);
        assertThat(events(phone)).contains("admin.session_ended");
    }

    static JsonObject family(String phone, String id) {
        return sessions(phone).stream()
                .map(JsonObject.class::cast)
                .filter(s -> id.equals(s.getString("id")))
                .findFirst()
                .orElseThrow();
    }

    static String familyOf(String access) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(access.split("\\.")[1]), StandardCharsets.UTF_8))
                .getString("sid");
    }

    @Test
    void aForcedResetEndsTheOldPasswordAndMailsATemporaryOneThatSignsInToAChange() {
        String phone = "+375291700003";
        String email = "reset-" + rig.prefix + "@org.by";
        rig.account("mobile", phone, Rig.TARIFF, "active", PASSWORD, email);
        Client c = signIn(phone);

        var reset = admin(HttpMethod.POST, "/admin/v1/accounts/mobile/" + phone + "/reset");
        assertThat(reset.statusCode()).isEqualTo(202);
        assertThat(reset.bodyAsJsonObject().getBoolean("sent")).isTrue();
        assertThat(rig.login(phone, PASSWORD).statusCode()).isEqualTo(401);
        assertThat(rig.get("/api/v1/me", c.access()).statusCode()).isEqualTo(401);
        assertThat(refresh(c.refresh())).isEqualTo(401);
        assertThat(cookie(c.cookie())).isEqualTo(401);
        assertThat(admin(HttpMethod.GET, "/admin/v1/accounts/mobile/" + phone)
                        .bodyAsJsonObject()
                        .getBoolean("has_password"))
                .isFalse();

        var mail = Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0);
        Matcher m = Mailbox.TEMP_PASSWORD.matcher(mail.text());
        assertThat(m.find()).isTrue();
        String temp = LogCapture.secret(m.group(1));
        var forced = rig.login(phone, temp);
        assertThat(forced.statusCode()).isEqualTo(200);
        assertThat(forced.bodyAsJsonObject().getBoolean("password_change_required"))
                .isTrue();
        LogCapture.secret(forced.bodyAsJsonObject().getString("change_token"));
        assertThat(forced.bodyAsJsonObject().containsKey("access_token")).isFalse();
        assertThat(events(phone)).contains("admin.password_reset");
    }

    @Test
    void resendMailsATemporaryPasswordWhileTheCurrentPasswordAndSessionsKeepWorking() {
        String phone = "+375291700005";
        String email = "resend-" + rig.prefix + "@org.by";
        rig.account("mobile", phone, Rig.TARIFF, "active", PASSWORD, email);
        Client c = signIn(phone);

        var sent = admin(HttpMethod.POST, "/admin/v1/accounts/mobile/" + phone + "/resend");
        assertThat(sent.statusCode()).isEqualTo(202);
        assertThat(sent.bodyAsJsonObject().getBoolean("sent")).isTrue();
        var mail = Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0);
        Matcher m = Mailbox.TEMP_PASSWORD.matcher(mail.text());
        assertThat(m.find()).isTrue();
        LogCapture.secret(m.group(1));
        // Nothing else changed: the password signs in, the session still verifies, the refresh rotates.
        assertThat(rig.get("/auth/verify", c.access()).statusCode()).isEqualTo(200);
        assertThat(refresh(c.refresh())).isEqualTo(200);
        assertThat(rig.login(phone, PASSWORD).statusCode()).isEqualTo(200);
        assertThat(events(phone)).contains("admin.temp_password_sent");
        assertThat(admin(HttpMethod.POST, "/admin/v1/accounts/mobile/+375291799998/resend")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void searchFindsByLoginPrefixAndByEmailAndRefusesNoFilter() {
        rig.account("mobile", "+375291777001", Rig.TARIFF, "active", null, "Found-One@org.by");
        rig.account("mobile", "+375291777002", Rig.TARIFF, "active", null, "found-two@org.by");
        rig.account("mobile", "+375291778001", Rig.TARIFF, "active", null, "found-one@org.by");

        var byPrefix = admin(HttpMethod.GET, "/admin/v1/accounts?login_prefix=%2B375291777");
        assertThat(byPrefix.statusCode()).isEqualTo(200);
        assertThat(logins(byPrefix)).containsExactly("+375291777001", "+375291777002");
        assertThat(byPrefix.bodyAsString()).doesNotContain("argon2").doesNotContain("hash\"");

        assertThat(logins(admin(HttpMethod.GET, "/admin/v1/accounts?email=found-one@org.by")))
                .containsExactly("+375291777001", "+375291778001");
        assertThat(logins(
                        admin(HttpMethod.GET, "/admin/v1/accounts?email=found-one@org.by&login_prefix=%2B37529177800")))
                .containsExactly("+375291778001");
        assertThat(logins(admin(HttpMethod.GET, "/admin/v1/accounts?login_prefix=%2B375291777&limit=1")))
                .containsExactly("+375291777001");
        // A wildcard is a character to match, not a pattern.
        assertThat(logins(admin(HttpMethod.GET, "/admin/v1/accounts?login_prefix=%2B37529177_")))
                .isEmpty();

        var none = admin(HttpMethod.GET, "/admin/v1/accounts");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(none.bodyAsJsonObject().getJsonObject("errors").fieldNames()).contains("login_prefix");
        assertThat(admin(HttpMethod.GET, "/admin/v1/accounts?email=x@y.by&limit=501")
                        .statusCode())
                .isEqualTo(400);
        assertThat(admin(HttpMethod.GET, "/admin/v1/accounts?email=x@y.by&limit=0")
                        .statusCode())
                .isEqualTo(400);
        assertThat(admin(HttpMethod.GET, "/admin/v1/accounts?email=x@y.by&limit=ten")
                        .statusCode())
                .isEqualTo(400);
    }

    static List<String> logins(HttpResponse<Buffer> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        return r.bodyAsJsonObject().getJsonArray("accounts").stream()
                .map(a -> ((JsonObject) a).getString("login"))
                .toList();
    }
}
