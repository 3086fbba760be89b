package dev.kordon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.redis.client.Command;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The console's session over plain HTTP: nothing opens without one, its cookie's attributes, and
 * what Redis keeps of it (the cookie's hash only), through a new sign-in and a sign-out.
 */
class ConsoleSessionHttpTest extends ConsoleOverHttp {
    @Test
    void withoutASessionEveryPageAndActionLeadsToTheSignIn() {
        Desk d = new Desk("192.0.2.10");
        for (String path : List.of("/console", "/console/", "/console/?q=29", account())) {
            var r = d.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(303);
            assertThat(r.getHeader("Location")).as(path).startsWith("/console/");
        }
        assertThat(d.get(account()).getHeader("Location"))
                .isEqualTo("/console/login?next=%2Fconsole%2Faccounts%2Fmobile%2F%252B375296000001");
        // A POST without a session is not carried out, whatever its form holds.
        String csrf = d.csrf("/console/login");
        var post = d.post(
                account() + "/disable", MultiMap.caseInsensitiveMultiMap().add("csrf", csrf));
        assertThat(post.statusCode()).isEqualTo(303);
        assertThat(post.getHeader("Location")).isEqualTo("/console/login");
        assertThat(status()).isEqualTo("active");
        // A made-up console cookie, or the public pages' session cookie, is no session either.
        d.jar.put(SESSION, "A".repeat(43));
        d.jar.put("__Host-kordon-session", "B".repeat(64));
        assertThat(d.get("/console/").statusCode()).isEqualTo(303);
        // The bearer API is as it was: no console session opens it.
        assertThat(rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/" + PHONE, null, null)
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void theSessionCookieIsHostPrefixedSecureHttpOnlyStrictAndRedisKeepsOnlyItsHash() throws Exception {
        Desk d = new Desk("192.0.2.11");
        var login = d.get("/console/login");
        String csrfCookie = String.join("\n", login.cookies());
        assertThat(csrfCookie)
                .contains("__Host-kordon-console-csrf=")
                .contains("Secure")
                .containsIgnoringCase("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/")
                .doesNotContain("Domain=");
        var r = d.signIn(Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.getHeader("Location")).isEqualTo("/console/");
        String cookie = r.cookies().stream()
                .filter(c -> c.startsWith(SESSION + "="))
                .findFirst()
                .orElseThrow();
        assertThat(cookie)
                .contains("Secure")
                .containsIgnoringCase("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/")
                .contains("Max-Age=28800")
                .doesNotContain("Domain=");
        String id = LogCapture.secret(d.jar.get(SESSION));
        assertThat(id).hasSize(43);
        assertThat(d.get("/console/").statusCode()).isEqualTo(200);

        // Redis knows the session by the SHA-256 of the cookie, never the cookie itself.
        var redis = rig.running.wiring().redis();
        String sha = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));
        var keys = Rig.await(redis.send(Command.KEYS, rig.prefix + ":*"));
        boolean hashed = false;
        for (var k : keys) {
            String key = k.toString();
            assertThat(key).doesNotContain(id);
            hashed |= key.equals(redis.keys().consoleSession(sha));
            var type = Rig.await(redis.send(Command.TYPE, key)).toString();
            if ("string".equals(type)) {
                assertThat(String.valueOf(Rig.await(redis.send(Command.GET, key))))
                        .as(key)
                        .doesNotContain(id)
                        .doesNotContain(Rig.ADMIN_TOKEN);
            }
        }
        assertThat(hashed).as("a key named by the cookie's SHA-256").isTrue();
        long ttl = Rig.await(redis.send(Command.PTTL, redis.keys().consoleSession(sha)))
                .toLong();
        assertThat(ttl).isBetween(28_000_000L, 28_800_000L);

        // Signing in again makes a new session and ends the one this browser held.
        assertThat(d.signIn(Rig.ADMIN_TOKEN).statusCode()).isEqualTo(303);
        String renewed = LogCapture.secret(d.jar.get(SESSION));
        assertThat(renewed).isNotEqualTo(id);
        assertThat(Rig.await(redis.send(Command.EXISTS, redis.keys().consoleSession(sha)))
                        .toInteger())
                .isZero();
        Desk before = new Desk("192.0.2.11");
        before.jar.put(SESSION, id);
        assertThat(before.get("/console/").statusCode()).isEqualTo(303);
        id = renewed;
        sha = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));

        // Signing out ends it in Redis; the old cookie no longer opens anything.
        String csrf = d.csrf("/console/");
        var out = d.post("/console/logout", MultiMap.caseInsensitiveMultiMap().add("csrf", csrf));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.getHeader("Location")).isEqualTo("/console/login?out=1");
        assertThat(Rig.await(redis.send(Command.EXISTS, redis.keys().consoleSession(sha)))
                        .toInteger())
                .isZero();
        Desk stale = new Desk("192.0.2.11");
        stale.jar.put(SESSION, id);
        assertThat(stale.get("/console/").statusCode()).isEqualTo(303);
    }
}
