package dev.kordon.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Guessing the current password at «Изменение пароля» costs what guessing at the sign-in costs:
 * the same failure count, delays, lock and audit trail, by the API and by the page form.
 */
class PasswordChangeGuessTest {
    static final String PASSWORD = LogCapture.secret("Change-guess-password-1");
    static final String NEW_PASSWORD = LogCapture.secret("Change-guess-password-2");
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    static String signIn(Rig rig, String phone) {
        var r = rig.login(phone, PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.bodyAsJsonObject().getString("access_token");
    }

    static HttpResponse<Buffer> change(Rig rig, String bearer, String current) {
        return rig.post(
                "/api/v1/password/change",
                new JsonObject()
                        .put("current_password", current)
                        .put("new_password", NEW_PASSWORD)
                        .put("confirm_password", NEW_PASSWORD),
                MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + bearer));
    }

    static JsonObject state(Rig rig, String phone) {
        return rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/" + phone, null, Rig.ADMIN_TOKEN)
                .bodyAsJsonObject();
    }

    static long events(Rig rig, String phone, String name) {
        JsonArray events = rig.admin(
                        HttpMethod.GET,
                        "/admin/v1/accounts/mobile/" + phone + "/events?limit=1000",
                        null,
                        Rig.ADMIN_TOKEN)
                .bodyAsJsonObject()
                .getJsonArray("events");
        return events.stream()
                .filter(e -> name.equals(((JsonObject) e).getString("event")))
                .count();
    }

    /** The count of {@code name} events once at least {@code expected} are stored (or 5 s have passed). */
    static long eventsOnceWritten(Rig rig, String phone, String name, long expected) {
        return Await.until(Duration.ofSeconds(5), () -> events(rig, phone, name), n -> n >= expected);
    }

    @Test
    void twentyFiveWrongCurrentPasswordsGive429AfterTheFreeFailuresAreCountedAuditedAndDelayTheSignIn() {
        try (Rig rig = Rig.builder()
                .set("login.delay-after", 5)
                .set("login.delay-base", "1m")
                .start()) {
            String phone = "+375296000001";
            rig.account(phone, PASSWORD);
            String at = signIn(rig, phone);
            int refused = 0;
            int throttled = 0;
            for (int i = 0; i < 25; i++) {
                var r = change(rig, at, "wrong-guess-" + i);
                if (i < 5) {
                    assertThat(r.statusCode()).as("guess " + i).isEqualTo(401);
                    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("invalid_credentials");
                    refused++;
                } else {
                    assertThat(r.statusCode()).as("guess " + i).isEqualTo(429);
                    assertThat(Long.parseLong(r.getHeader("Retry-After"))).isPositive();
                    throttled++;
                }
            }
            assertThat(refused).isEqualTo(5);
            assertThat(throttled).isEqualTo(20);
            JsonObject state = state(rig, phone);
            assertThat(state.getLong("password_failures")).isEqualTo(5);
            // Audit rows are written after the answer: wait for them, then count exactly.
            assertThat(eventsOnceWritten(rig, phone, "password.change_failed", 5))
                    .isEqualTo(5);
            assertThat(eventsOnceWritten(rig, phone, "login.throttled", 20)).isEqualTo(20);

            // The sign-in of the same login waits out the same delay, and the right password does not skip it.
            var login = rig.login(phone, PASSWORD);
            assertThat(login.statusCode()).isEqualTo(429);
            assertThat(login.getHeader("Retry-After")).isNotNull();
            // Nothing changed: the token still works and the old password stays.
            assertThat(rig.get("/auth/verify", at).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aLockedLoginRefusesThePasswordChangeEvenWithTheRightCurrentPasswordAndTheSignInStaysLocked() {
        try (Rig rig = Rig.builder().set("login.lock-after", 3).start()) {
            String phone = "+375296000002";
            rig.account(phone, PASSWORD);
            String at = signIn(rig, phone);
            for (int i = 0; i < 3; i++) {
                assertThat(change(rig, at, "wrong-guess-" + i).statusCode()).isEqualTo(401);
            }
            assertThat(state(rig, phone).getBoolean("password_locked")).isTrue();

            var right = change(rig, at, PASSWORD);
            assertThat(right.statusCode()).isEqualTo(401);
            assertThat(right.bodyAsJsonObject().getString("code")).isEqualTo("invalid_credentials");
            assertThat(rig.login(phone, NEW_PASSWORD).statusCode())
                    .as("the password did not change")
                    .isEqualTo(401);
            assertThat(rig.login(phone, PASSWORD).statusCode()).as("locked").isEqualTo(401);
            assertThat(eventsOnceWritten(rig, phone, "password.change_failed", 4))
                    .isEqualTo(4);
        }
    }

    @Test
    void wrongCurrentPasswordsOnThePageFormCountTowardTheSameLock() {
        try (Rig rig = Rig.builder().set("login.lock-after", 3).start()) {
            String phone = "+375296000003";
            rig.account(phone, PASSWORD);
            String at = signIn(rig, phone);
            String payload = at.split("\\.")[1];
            JsonObject claims = new JsonObject(
                    new String(Base64.getUrlDecoder().decode(payload), java.nio.charset.StandardCharsets.UTF_8));
            String session = Rig.await(rig.running.wiring().browserSessions().create(claims));
            Map<String, String> jar = new HashMap<>();
            jar.put((rig.config.cookieSecure() ? "__Host-" : "") + "kordon-session", session);

            for (int i = 0; i < 3; i++) {
                var page = send(rig, jar, HttpMethod.GET, "/password/change", null);
                assertThat(page.statusCode()).isEqualTo(200);
                Matcher m = CSRF.matcher(page.bodyAsString());
                assertThat(m.find()).isTrue();
                var r = send(
                        rig,
                        jar,
                        HttpMethod.POST,
                        "/password/change",
                        MultiMap.caseInsensitiveMultiMap()
                                .add("csrf", m.group(1))
                                .add("current_password", "wrong-guess-" + i)
                                .add("new_password", NEW_PASSWORD)
                                .add("confirm_password", NEW_PASSWORD));
                assertThat(r.statusCode()).as("guess " + i).isEqualTo(400);
            }
            JsonObject state = state(rig, phone);
            assertThat(state.getLong("password_failures")).isEqualTo(3);
            assertThat(state.getBoolean("password_locked")).isTrue();
            assertThat(eventsOnceWritten(rig, phone, "password.change_failed", 3))
                    .isEqualTo(3);
            assertThat(rig.login(phone, PASSWORD).statusCode()).as("locked").isEqualTo(401);
        }
    }

    static HttpResponse<Buffer> send(Rig rig, Map<String, String> jar, HttpMethod method, String path, MultiMap form) {
        var req = rig.http
                .request(method, rig.running.httpPort(), "127.0.0.1", path)
                .followRedirects(false);
        StringBuilder cookie = new StringBuilder();
        jar.forEach((k, v) -> cookie.append(k).append('=').append(v).append("; "));
        req.putHeader("Cookie", cookie.toString());
        HttpResponse<Buffer> r = Rig.await(form == null ? req.send() : req.sendForm(form));
        for (String c : r.cookies()) {
            String[] kv = c.split(";")[0].split("=", 2);
            jar.put(kv[0], kv[1]);
        }
        return r;
    }
}
