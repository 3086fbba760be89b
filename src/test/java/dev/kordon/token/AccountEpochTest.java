package dev.kordon.token;

import static dev.kordon.token.CacheProbe.verify;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.keys.SigningKeys;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every credential of an account ends when its password changes, it is disabled or its role
 * changes: old access tokens and browser sessions are refused at once on every instance, while a
 * sign-in made after the change works. Two instances share one Redis and key prefix.
 */
class AccountEpochTest {
    static final String PASSWORD = LogCapture.secret("Epoch-test-password-1");
    static final String NEW_PASSWORD = LogCapture.secret("Epoch-test-password-2");
    static Rig a;
    static Rig b;

    @BeforeAll
    static void up() throws GeneralSecurityException {
        SigningKeys keys = SigningKeys.generate("account-epoch");
        // What a role change does to issued tokens is tested here, so the new role (administrator) signs
        // in by password alone; the second step such a role takes has its own tests (SecondStep*Test).
        a = Rig.builder()
                .keys(keys)
                .set("mfa.required-roles", java.util.List.of())
                .start();
        // Two replicas of one deployment: one Redis key space, one database.
        b = Rig.builder()
                .keys(keys)
                .set("mfa.required-roles", java.util.List.of())
                .set("redis.key-prefix", a.prefix)
                .set("pg.url", a.config.pg().url())
                .start();
    }

    @AfterAll
    static void down() {
        b.close();
        a.close();
    }

    static String signIn(Rig rig, String phone, String password) {
        var r = rig.login(phone, password);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.bodyAsJsonObject().getString("access_token");
    }

    /** A browser session made the way the page sign-in makes one, from the claims of a fresh token. */
    static String session(Rig rig, String accessToken) {
        JsonObject claims = TokenFixture.claimsOf(accessToken);
        return Rig.await(rig.running.wiring().browserSessions().create(claims));
    }

    static HttpResponse<Buffer> verifyCookie(Rig rig, String session) {
        String name = (rig.config.cookieSecure() ? "__Host-" : "") + "kordon-session";
        return Rig.await(rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/auth/verify")
                .putHeader("Cookie", name + "=" + session)
                .send());
    }

    static int me(Rig rig, String token) {
        return rig.get("/api/v1/me", token).statusCode();
    }

    /** Both instances answer 200 for the token (so each has it cached) and for the cookie. */
    static void acceptedEverywhere(String token, String session) {
        CacheProbe.awaitLive(a);
        CacheProbe.awaitLive(b);
        for (Rig rig : new Rig[] {a, b}) {
            assertThat(verify(rig, token)).isEqualTo(200);
            assertThat(me(rig, token)).isEqualTo(200);
            assertThat(verifyCookie(rig, session).statusCode()).isEqualTo(200);
        }
        assertThat(VerifiedTokensTest.servedFromCache(a, token))
                .as("cached on A")
                .isTrue();
        assertThat(VerifiedTokensTest.servedFromCache(b, token))
                .as("cached on B")
                .isTrue();
    }

    /**
     * A did the change, so it refuses at once; B hears of it over the revocation channel, on another
     * connection, so a short bound is allowed there, a 200 after it is not.
     */
    static void refusedEverywhere(String token, String session) {
        assertThat(verify(a, token)).as("A at once").isEqualTo(401);
        assertThat(me(a, token)).isEqualTo(401);
        assertThat(verifyCookie(a, session).statusCode())
                .as("cookie on A at once")
                .isEqualTo(401);
        assertThat(verifyCookie(b, session).statusCode())
                .as("cookie on B at once")
                .isEqualTo(401);
        assertThat(CacheProbe.within(1_000, () -> verify(b, token) == 401))
                .as("B within 1 s")
                .isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(verify(b, token)).isEqualTo(401);
            assertThat(verify(a, token)).isEqualTo(401);
        }
        assertThat(me(b, token)).isEqualTo(401);
    }

    static void putAccount(String phone, String role, String status) {
        var r = a.admin(
                HttpMethod.PUT,
                "/admin/v1/accounts/mobile/" + phone,
                new JsonObject()
                        .put("tariff", Rig.TARIFF)
                        .put("email", "org@example.by")
                        .put("role", role)
                        .put("status", status),
                Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void afterAPasswordChangeTheOldAccessTokenAndCookieGet401OnBothInstancesAndANewSignInWorks() {
        String phone = "+375441000101";
        a.account(phone, PASSWORD);
        String old = signIn(a, phone, PASSWORD);
        String oldSession = session(a, old);
        acceptedEverywhere(old, oldSession);

        var changed = a.post(
                "/api/v1/password/change",
                new JsonObject()
                        .put("current_password", PASSWORD)
                        .put("new_password", NEW_PASSWORD)
                        .put("confirm_password", NEW_PASSWORD),
                io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + old));
        assertThat(changed.statusCode()).isEqualTo(204);
        refusedEverywhere(old, oldSession);

        // Signed in within the same second as the change: still good, on both instances.
        String fresh = signIn(b, phone, NEW_PASSWORD);
        String freshSession = session(b, fresh);
        for (Rig rig : new Rig[] {a, b}) {
            assertThat(verify(rig, fresh)).isEqualTo(200);
            assertThat(me(rig, fresh)).isEqualTo(200);
            assertThat(verifyCookie(rig, freshSession).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void afterAnAdminDisableTheOldAccessTokenAndCookieGet401OnBothInstances() {
        String phone = "+375441000102";
        a.account(phone, PASSWORD);
        String old = signIn(a, phone, PASSWORD);
        String oldSession = session(a, old);
        acceptedEverywhere(old, oldSession);

        putAccount(phone, "subscriber", "disabled");
        refusedEverywhere(old, oldSession);
    }

    @Test
    void afterARoleChangeTheOldAccessTokenAndCookieGet401AndANewSignInCarriesTheNewRole() {
        String phone = "+375441000103";
        a.account(phone, PASSWORD);
        String old = signIn(a, phone, PASSWORD);
        String oldSession = session(a, old);
        acceptedEverywhere(old, oldSession);
        assertThat(a.get("/auth/verify", old).getHeader("X-Kordon-Role")).isEqualTo("subscriber");

        putAccount(phone, "administrator", "active");
        refusedEverywhere(old, oldSession);

        String fresh = signIn(b, phone, PASSWORD);
        for (Rig rig : new Rig[] {a, b}) {
            var verified = rig.get("/auth/verify", fresh);
            assertThat(verified.statusCode()).isEqualTo(200);
            assertThat(verified.getHeader("X-Kordon-Role")).isEqualTo("administrator");
            assertThat(rig.get("/api/v1/me", fresh).bodyAsJsonObject().getString("role"))
                    .isEqualTo("administrator");
        }
        assertThat(verifyCookie(a, session(a, fresh)).getHeader("X-Kordon-Role"))
                .isEqualTo("administrator");
    }

    @Test
    void aTokenIssuedAMillisecondBeforeTheEpochIsRefusedAndOneAMillisecondAfterItInTheSameSecondIsNot() {
        String phone = "+375441000104";
        Account account = a.account(phone, PASSWORD);
        TokenService tokens = a.running.wiring().tokens();
        var redis = a.running.wiring().redis();
        // Mid-second, so that both sides of it share one iat.
        long epoch = System.currentTimeMillis() / 1000 * 1000 + 500;
        Rig.await(redis.send(
                io.vertx.redis.client.Command.SET,
                redis.keys().epoch(account.id()),
                Long.toString(epoch),
                "PX",
                "60000"));
        // Same iat second as the epoch, one millisecond either side of it.
        JsonObject before = claims(a, account, epoch - 1);
        JsonObject after = claims(a, account, epoch + 1);
        assertThat(before.getLong("iat")).isEqualTo(after.getLong("iat"));
        assertThat(verify(b, tokens.sign(TokenService.ACCESS, before))).isEqualTo(401);
        assertThat(verify(b, tokens.sign(TokenService.ACCESS, after))).isEqualTo(200);
    }

    /** Access-token claims as TokenService makes them, issued at {@code ms}. */
    static JsonObject claims(Rig rig, Account account, long ms) {
        long epochSecond = ms / 1000;
        return new JsonObject()
                .put("iss", rig.config.jwt().issuer())
                .put("aud", rig.config.jwt().audience())
                .put("sub", account.id().toString())
                .put("login", account.login())
                .put("cat", "mobile")
                .put("role", "subscriber")
                .put("amr", new JsonArray().add("pwd"))
                .put("iat", epochSecond)
                .put("iat_ms", ms)
                .put("nbf", epochSecond)
                .put("exp", epochSecond + 600)
                .put("jti", java.util.UUID.randomUUID().toString());
    }
}
