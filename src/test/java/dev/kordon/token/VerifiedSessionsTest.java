package dev.kordon.token;

import static dev.kordon.token.CacheProbe.awaitLive;
import static dev.kordon.token.CacheProbe.cacheOf;
import static dev.kordon.token.CacheProbe.redisCalls;
import static dev.kordon.token.CacheProbe.verify;
import static dev.kordon.token.CacheProbe.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kordon.keys.SigningKeys;
import dev.kordon.support.CookieJar;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import java.security.GeneralSecurityException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Browser sessions in the per-instance cache: a burst of {@code /auth/verify} with one cookie costs
 * one Redis read, and whatever ends the session on one instance (signing out, the operator ending
 * it, disabling the account) refuses the cookie on every other at once. Two instances share one
 * database, Redis and key prefix, as two replicas of one deployment do; their session max age is
 * stretched to a minute, so that only the revocation feed can be what refuses a cookie in time.
 */
class VerifiedSessionsTest {
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final String PASSWORD = LogCapture.secret("Verified-sessions-password-1");
    static final long STRETCHED_MS = 60_000;
    static Rig a;
    static Rig b;

    @BeforeAll
    static void up() throws GeneralSecurityException {
        SigningKeys keys = SigningKeys.generate("verified-sessions");
        a = Rig.builder().keys(keys).set("cookie.secure", false).start();
        b = Rig.builder()
                .keys(keys)
                .set("cookie.secure", false)
                .set("redis.key-prefix", a.prefix)
                .set("pg.url", a.config.pg().url())
                .start();
        cacheOf(a).sessionMaxAge(STRETCHED_MS);
        cacheOf(b).sessionMaxAge(STRETCHED_MS);
    }

    @AfterAll
    static void down() {
        b.close();
        a.close();
    }

    /** One browser: its cookies, sent to whichever instance it talks to. */
    static final class Browser {
        final CookieJar jar = new CookieJar();

        HttpResponse<Buffer> get(Rig rig, String path) {
            var req = rig.http
                    .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", path)
                    .followRedirects(false);
            req.putHeader("Cookie", jar.header());
            return jar.keep(Rig.await(req.send()));
        }

        HttpResponse<Buffer> post(Rig rig, String path, MultiMap form) {
            var req = rig.http
                    .request(HttpMethod.POST, rig.running.httpPort(), "127.0.0.1", path)
                    .followRedirects(false);
            req.putHeader("Cookie", jar.header());
            return jar.keep(Rig.await(req.sendForm(form)));
        }

        String csrf(Rig rig) {
            Matcher m = CSRF.matcher(get(rig, "/login").bodyAsString());
            assertThat(m.find()).isTrue();
            return m.group(1);
        }

        /** Signs in on {@code rig} with the pages' form; the session cookie is then in the jar. */
        void signIn(Rig rig, String phone) {
            var r = post(
                    rig,
                    "/login",
                    MultiMap.caseInsensitiveMultiMap()
                            .add("csrf", csrf(rig))
                            .add("mode", "password")
                            .add("category", "mobile")
                            .add("login", phone)
                            .add("password", PASSWORD));
            assertThat(r.statusCode()).isEqualTo(303);
            assertThat(session()).as("session cookie").isNotNull();
            LogCapture.secret(session());
        }

        void signOut(Rig rig) {
            assertThat(post(rig, "/logout", MultiMap.caseInsensitiveMultiMap().add("csrf", csrf(rig)))
                            .statusCode())
                    .isEqualTo(303);
        }

        String session() {
            return jar.get("kordon-session");
        }
    }

    /** /auth/verify with nothing but the session cookie. */
    static int verify(Rig rig, String session) {
        var req = rig.http.request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/auth/verify");
        req.putHeader("Cookie", "kordon-session=" + session);
        return Rig.await(req.send()).statusCode();
    }

    static boolean servedFromCache(Rig rig, String session) {
        long before = redisCalls(rig, "mget");
        assertThat(verify(rig, session)).isEqualTo(200);
        return redisCalls(rig, "mget") == before;
    }

    /** A signed-in browser whose session instance A has cached. */
    static Browser cachedOnA(String phone) {
        awaitLive(a);
        awaitLive(b);
        a.account(phone, PASSWORD);
        Browser browser = new Browser();
        browser.signIn(a, phone);
        assertThat(verify(a, browser.session())).isEqualTo(200);
        assertThat(servedFromCache(a, browser.session())).as("cached on A").isTrue();
        return browser;
    }

    /**
     * B answered after Redis took the announcement; A reads it on another connection and event loop,
     * so it may land a moment later: a short bound is allowed, well under the stretched max age.
     */
    static void refusedOnAAtOnce(String session) {
        assertThat(within(1_000, () -> verify(a, session) == 401))
                .as("A refuses the cookie within 1 s")
                .isTrue();
        for (int i = 0; i < 20; i++) {
            assertThat(verify(a, session)).isEqualTo(401);
        }
    }

    @Test
    void aSessionCheckedOnceIsServedWithoutAnyRedisCommand() {
        Browser browser = cachedOnA("+375441000081");
        long before = redisCalls(a, "mget");
        for (int i = 0; i < 50; i++) {
            assertThat(verify(a, browser.session())).isEqualTo(200);
        }
        assertThat(redisCalls(a, "mget") - before)
                .as("MGET calls for 50 cached verifies")
                .isZero();
    }

    @Test
    void signingOutOnBIsRefusedOnAAtOnce() {
        Browser browser = cachedOnA("+375441000082");
        String session = browser.session();
        browser.signOut(b);
        assertThat(browser.session()).as("B cleared the cookie").isNull();
        refusedOnAAtOnce(session);
    }

    @Test
    void theOperatorEndingTheSessionOnBIsRefusedOnAAtOnce() {
        Browser browser = cachedOnA("+375441000083");
        String path = "/admin/v1/accounts/mobile/+375441000083/sessions";
        JsonArray sessions = b.admin(HttpMethod.GET, path, null, Rig.ADMIN_TOKEN)
                .bodyAsJsonObject()
                .getJsonArray("sessions");
        String id = sessions.stream()
                .map(JsonObject.class::cast)
                .filter(s -> "browser".equals(s.getString("kind")))
                .map(s -> s.getString("id"))
                .findFirst()
                .orElseThrow();
        assertThat(b.admin(HttpMethod.DELETE, path + "/" + id, null, Rig.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(204);
        refusedOnAAtOnce(browser.session());
    }

    @Test
    void disablingTheAccountOnBIsRefusedOnAAtOnce() {
        Browser browser = cachedOnA("+375441000084");
        var disabled =
                b.admin(HttpMethod.POST, "/admin/v1/accounts/mobile/+375441000084/disable", null, Rig.ADMIN_TOKEN);
        assertThat(disabled.statusCode()).isEqualTo(204);
        refusedOnAAtOnce(browser.session());
    }

    @Test
    void whenTheFeedIsDownEveryCheckAsksRedis() {
        Browser browser = cachedOnA("+375441000085");
        cacheOf(a).feed().hold(true);
        try {
            Rig.await(a.running.wiring().redis().send(Command.CLIENT, "KILL", "TYPE", "pubsub"));
            assertThat(within(1_000, () -> !cacheOf(a).isLive()))
                    .as("A noticed the loss")
                    .isTrue();
            assertThat(cacheOf(a).sessions()).isZero();
            assertThat(servedFromCache(a, browser.session()))
                    .as("bypassed while down")
                    .isFalse();
            assertThat(servedFromCache(a, browser.session())).as("and again").isFalse();

            // Nobody hears B's announcement now; A asks Redis itself, so the refusal is immediate.
            String session = browser.session();
            browser.signOut(b);
            assertThat(verify(a, session)).isEqualTo(401);
        } finally {
            cacheOf(a).feed().hold(false);
        }
        awaitLive(a);
    }

    @Test
    void aSessionIsServedNoLongerThanItsMaxAgeOrItsEnd() {
        AtomicLong now = new AtomicLong(1_000_000_000_000L);
        VerifiedTokens cache = new VerifiedTokens(100, now::get);
        cache.live(true);
        UUID sub = UUID.randomUUID();
        long readAt = now.get();
        cache.putSession("s1", sub, who(sub), readAt + 3_600_000, readAt, cache.epoch());
        cache.putSession("s2", sub, who(sub), readAt + 400, readAt, cache.epoch());

        now.set(readAt + 399);
        assertThat(cache.session("s1")).isNotNull();
        assertThat(cache.session("s2")).isNotNull();
        now.set(readAt + 400);
        assertThat(cache.session("s2")).as("at the end of the session").isNull();
        now.set(readAt + VerifiedTokens.SESSION_MAX_AGE_MS - 1);
        assertThat(cache.session("s1")).isNotNull();
        now.set(readAt + VerifiedTokens.SESSION_MAX_AGE_MS);
        assertThat(cache.session("s1")).as("max age after the read").isNull();
        assertThat(cache.sessions()).isZero();

        // A read that began before the clock moved counts from then, not from when it was stored.
        cache.putSession(
                "s3",
                sub,
                who(sub),
                now.get() + 3_600_000,
                now.get() - VerifiedTokens.SESSION_MAX_AGE_MS,
                cache.epoch());
        assertThat(cache.session("s3")).isNull();
    }

    @Test
    void aRevocationWhileALookupIsInFlightKeepsTheSessionOut() {
        VerifiedTokens cache = new VerifiedTokens(100, System::currentTimeMillis);
        cache.live(true);
        UUID sub = UUID.randomUUID();
        long end = System.currentTimeMillis() + 3_600_000;

        long since = cache.epoch();
        cache.evictSession("s1");
        cache.putSession("s1", sub, who(sub), end, System.currentTimeMillis(), since);
        assertThat(cache.session("s1")).as("ended during the lookup").isNull();

        since = cache.epoch();
        cache.evictAccount(sub);
        cache.putSession("s1", sub, who(sub), end, System.currentTimeMillis(), since);
        assertThat(cache.session("s1")).as("account ended during the lookup").isNull();

        since = cache.epoch();
        cache.putSession("s1", sub, who(sub), end, System.currentTimeMillis(), since);
        assertThat(cache.session("s1")).as("nothing happened during the lookup").isNotNull();
    }

    @Test
    void evictionsReachTheSessionTheAccountAndNothingElse() {
        VerifiedTokens cache = new VerifiedTokens(100, System::currentTimeMillis);
        cache.live(true);
        UUID sub = UUID.randomUUID();
        UUID stranger = UUID.randomUUID();
        long end = System.currentTimeMillis() + 3_600_000;
        long now = System.currentTimeMillis();
        for (String s : new String[] {"s1", "s2"}) {
            cache.putSession(s, sub, who(sub), end, now, cache.epoch());
        }
        cache.putSession("s3", stranger, who(stranger), end, now, cache.epoch());
        cache.put("token", VerifiedTokensTest.claims(null, sub, "j1", now / 1000 + 600), cache.epoch());

        cache.evictSession("s1");
        assertThat(cache.session("s1")).isNull();
        assertThat(cache.session("s2")).isNotNull();

        cache.evictAccount(sub);
        assertThat(cache.session("s2")).isNull();
        assertThat(cache.get("token"))
                .as("the account's tokens go with its sessions")
                .isNull();
        assertThat(cache.session("s3")).isNotNull();

        assertThatThrownBy(() -> cache.session("s3").put("role", "administrator"))
                .isInstanceOf(UnsupportedOperationException.class);

        cache.live(false);
        assertThat(cache.session("s3")).as("off while the feed is down").isNull();
        cache.live(true);
        assertThat(cache.sessions()).isZero();
    }

    @Test
    void theCacheOfSessionsNeverGrowsPastItsBound() {
        VerifiedTokens cache = new VerifiedTokens(10, System::currentTimeMillis);
        cache.live(true);
        long now = System.currentTimeMillis();
        for (int i = 0; i < 50; i++) {
            UUID sub = UUID.randomUUID();
            cache.putSession("s" + i, sub, who(sub), now + 3_600_000, now, cache.epoch());
            assertThat(cache.sessions()).isLessThanOrEqualTo(10);
        }
        assertThat(cache.sessions()).isPositive();
    }

    static JsonObject who(UUID sub) {
        return new JsonObject()
                .put("sub", sub.toString())
                .put("login", "+375441000080")
                .put("cat", "mobile")
                .put("role", "subscriber")
                .put("amr", new JsonArray().add("pwd"));
    }
}
