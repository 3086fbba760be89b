package dev.kordon.token;

import static dev.kordon.token.CacheProbe.awaitLive;
import static dev.kordon.token.CacheProbe.cacheOf;
import static dev.kordon.token.CacheProbe.redisCalls;
import static dev.kordon.token.CacheProbe.redisCallsExcept;
import static dev.kordon.token.CacheProbe.verify;
import static dev.kordon.token.CacheProbe.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kordon.account.Account;
import dev.kordon.keys.SigningKeys;
import dev.kordon.support.Await;
import dev.kordon.support.Rig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-instance cache of verified access tokens: it spares the signature check and Redis, and
 * never serves a token past its revocation or its expiry. Two instances share one Redis and key
 * prefix, as two replicas of one deployment do.
 */
class VerifiedTokensTest {
    static final String PHONE = "+375441000077";
    static final String PASSWORD = "Verified-cache-password-1";
    static Rig a;
    static Rig b;

    @BeforeAll
    static void up() throws GeneralSecurityException {
        SigningKeys keys = SigningKeys.generate("verified-tokens");
        // The outbox readers poll Redis; stretched to an hour, the only background commands left are
        // the revocation feed's heartbeat PUBLISHes, so a count of every other command means something.
        a = Rig.builder().keys(keys).set("dispatch.poll", "1h").start();
        b = Rig.builder()
                .keys(keys)
                .set("redis.key-prefix", a.prefix)
                .set("dispatch.poll", "1h")
                .start();
        a.account(PHONE, PASSWORD);
    }

    @AfterAll
    static void down() {
        b.close();
        a.close();
    }

    static String signIn(Rig rig) {
        var r = rig.login(PHONE, PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.bodyAsJsonObject().getString("access_token");
    }

    /** Verifies on {@code rig} and says whether it was answered without the slow path. */
    static boolean servedFromCache(Rig rig, String token) {
        long before = redisCalls(rig, "exists");
        assertThat(verify(rig, token)).isEqualTo(200);
        return redisCalls(rig, "exists") == before;
    }

    @Test
    void aVerifiedTokenIsServedFromTheCacheWithoutAnyRedisCommand() {
        awaitLive(a);
        String at = signIn(a);
        long first = redisCalls(a, "exists");
        assertThat(verify(a, at)).isEqualTo(200);
        assertThat(redisCalls(a, "exists")).as("the first check goes to Redis").isEqualTo(first + 1);

        java.util.Set<String> background = java.util.Set.of("info", "publish");
        long before = redisCallsExcept(a, background);
        for (int i = 0; i < 50; i++) {
            assertThat(verify(a, at)).isEqualTo(200);
        }
        assertThat(a.get("/api/v1/me", at).statusCode()).isEqualTo(200);
        assertThat(redisCallsExcept(a, background) - before)
                .as("Redis commands of any kind for 50 cached verifies and a /me")
                .isZero();
    }

    @Test
    void aLogoutOnInstanceBIsRefusedOnInstanceAAtOnce() {
        awaitLive(a);
        awaitLive(b);
        String at = signIn(a);
        assertThat(verify(a, at)).isEqualTo(200);
        assertThat(servedFromCache(a, at)).as("cached on A").isTrue();

        assertThat(b.postBearer("/api/v1/logout", at).statusCode()).isEqualTo(204);
        // B answered after Redis took the PUBLISH, but A reads it on another connection and event
        // loop, so it may land a moment after B's answer: a short bound is allowed, a stale 200 after it is not.
        assertThat(within(1_000, () -> verify(a, at) == 401))
                .as("A refuses the token within 1 s of B's logout")
                .isTrue();
        for (int i = 0; i < 20; i++) {
            assertThat(verify(a, at)).isEqualTo(401);
        }
        assertThat(a.get("/api/v1/me", at).statusCode()).isEqualTo(401);
    }

    @Test
    void whenTheSubscriptionIsDownRevocationIsStillHonoured() {
        awaitLive(a);
        awaitLive(b);
        String at = signIn(a);
        assertThat(verify(a, at)).isEqualTo(200);
        assertThat(servedFromCache(a, at)).isTrue();

        cacheOf(a).feed().hold(true);
        try {
            Rig.await(a.running.wiring().redis().send(Command.CLIENT, "KILL", "TYPE", "pubsub"));
            assertThat(within(1_000, () -> !cacheOf(a).isLive()))
                    .as("A noticed the loss")
                    .isTrue();
            assertThat(cacheOf(a).size()).isZero();

            // Nobody hears B's announcement now; A must check Redis itself.
            assertThat(b.postBearer("/api/v1/logout", at).statusCode()).isEqualTo(204);
            assertThat(verify(a, at)).isEqualTo(401);

            String other = signIn(a);
            assertThat(verify(a, other)).isEqualTo(200);
            assertThat(servedFromCache(a, other)).as("bypassed while down").isFalse();
            assertThat(cacheOf(a).isLive())
                    .as("still down: the bypass was what answered")
                    .isFalse();
        } finally {
            cacheOf(a).feed().hold(false);
        }

        awaitLive(a);
        assertThat(verify(a, at)).as("revoked while down, still refused after").isEqualTo(401);
        String fresh = signIn(a);
        assertThat(verify(a, fresh)).isEqualTo(200);
        assertThat(servedFromCache(a, fresh)).as("caching resumed").isTrue();
    }

    @Test
    void anExpiredTokenIsNeverServedFromTheCache() throws Exception {
        try (Rig rig = Rig.builder()
                .set("tokens.access-ttl", "2s")
                .set("jwt.leeway", "0s")
                .start()) {
            rig.account(PHONE, PASSWORD);
            awaitLive(rig);
            String at = signIn(rig);
            long expMs = TokenFixture.claimsOf(at).getLong("exp") * 1000;
            assertThat(verify(rig, at)).isEqualTo(200);
            assertThat(servedFromCache(rig, at)).isTrue();

            // The subject is the token's own lifetime running out.
            Await.hold(Duration.ofMillis(Math.max(0, expMs - System.currentTimeMillis()) + 1_100));
            assertThat(verify(rig, at)).isEqualTo(401);
            assertThat(cacheOf(rig).size()).isZero();
        }
    }

    @Test
    void theCacheNeverGrowsPastItsBound() {
        try (Rig rig = Rig.builder().set("tokens.verify-cache", 10).start()) {
            Account account = rig.account(PHONE, PASSWORD);
            awaitLive(rig);
            TokenService tokens = rig.running.wiring().tokens();
            for (int i = 0; i < 50; i++) {
                String token = tokens.sign(
                        TokenService.ACCESS,
                        claims(
                                rig,
                                account.id(),
                                UUID.randomUUID().toString(),
                                System.currentTimeMillis() / 1000 + 600));
                assertThat(verify(rig, token)).isEqualTo(200);
                assertThat(cacheOf(rig).size()).isLessThanOrEqualTo(10);
            }
            assertThat(cacheOf(rig).size()).as("it does cache").isPositive();
        }
    }

    @Test
    void anInvalidationWhileASlowPathCheckIsInFlightKeepsTheTokenOut() {
        VerifiedTokens cache = new VerifiedTokens(100, System::currentTimeMillis);
        cache.live(true);
        UUID sub = UUID.randomUUID();
        JsonObject claims = claims(null, sub, "j1", System.currentTimeMillis() / 1000 + 600);

        long since = cache.epoch();
        cache.evictToken("j1");
        cache.put("token-1", claims, since);
        assertThat(cache.get("token-1")).as("revoked during the check").isNull();

        since = cache.epoch();
        cache.evictAccount(sub);
        cache.put("token-1", claims, since);
        assertThat(cache.get("token-1")).as("account revoked during the check").isNull();

        since = cache.epoch();
        cache.live(false);
        cache.live(true);
        cache.put("token-1", claims, since);
        assertThat(cache.get("token-1")).as("feed dropped during the check").isNull();

        since = cache.epoch();
        cache.put("token-1", claims, since);
        assertThat(cache.get("token-1")).as("nothing happened during the check").isNotNull();
    }

    @Test
    void evictionsReachEveryStringOfATokenAndEveryTokenOfAnAccount() {
        VerifiedTokens cache = new VerifiedTokens(100, System::currentTimeMillis);
        cache.live(true);
        UUID sub = UUID.randomUUID();
        long exp = System.currentTimeMillis() / 1000 + 600;
        // One jti under two strings: an ECDSA signature also verifies as (r, n - s).
        cache.put("form-1", claims(null, sub, "j1", exp), cache.epoch());
        cache.put("form-2", claims(null, sub, "j1", exp), cache.epoch());
        cache.put("other", claims(null, sub, "j2", exp), cache.epoch());
        cache.put("stranger", claims(null, UUID.randomUUID(), "j3", exp), cache.epoch());
        assertThat(cache.size()).isEqualTo(4);

        cache.evictToken("j1");
        assertThat(cache.get("form-1")).isNull();
        assertThat(cache.get("form-2")).isNull();
        assertThat(cache.get("other")).isNotNull();

        cache.evictAccount(sub);
        assertThat(cache.get("other")).isNull();
        assertThat(cache.get("stranger")).isNotNull();

        cache.live(false);
        assertThat(cache.get("stranger")).as("off while the feed is down").isNull();
        cache.live(true);
        assertThat(cache.size()).isZero();
    }

    @Test
    void anEntryStopsAtItsExpAndItsClaimsCannotBeChangedByACaller() {
        AtomicLong now = new AtomicLong(1_000_000_000_000L);
        VerifiedTokens cache = new VerifiedTokens(100, now::get);
        cache.live(true);
        long exp = now.get() / 1000 + 60;
        cache.put("t", claims(null, UUID.randomUUID(), "j", exp), cache.epoch());

        // One shared read-only copy: a caller that tries to change it is stopped, not given its own.
        assertThatThrownBy(() -> cache.get("t").put("role", "supervisor"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> cache.get("t").getJsonArray("amr").add("otp"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(cache.get("t").getString("role")).isEqualTo("subscriber");
        assertThat(cache.get("t").getJsonArray("amr")).containsExactly("pwd");

        now.set(exp * 1000 - 1);
        assertThat(cache.get("t")).isNotNull();
        now.set(exp * 1000);
        assertThat(cache.get("t")).isNull();
    }

    @Test
    void aSweepDropsExpiredTokensAndSessionsLongBeforeTheCacheIsFull() {
        AtomicLong now = new AtomicLong(1_000_000_000_000L);
        VerifiedTokens cache = new VerifiedTokens(100, now::get);
        cache.live(true);
        long soon = now.get() / 1000 + 60;
        long later = now.get() / 1000 + 600;
        cache.put("short", claims(null, UUID.randomUUID(), "j1", soon), cache.epoch());
        cache.put("long", claims(null, UUID.randomUUID(), "j2", later), cache.epoch());
        cache.putSession("s", UUID.randomUUID(), new JsonObject(), now.get() + 500, now.get(), cache.epoch());
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.sessions()).isEqualTo(1);

        now.set(soon * 1000);
        cache.sweep();
        assertThat(cache.size()).as("tokens held after the first one expired").isEqualTo(1);
        assertThat(cache.sessions()).as("sessions held past their serving time").isZero();
        assertThat(cache.get("long")).isNotNull();
    }

    static JsonObject claims(Rig rig, UUID sub, String jti, long exp) {
        long now = System.currentTimeMillis() / 1000;
        return new JsonObject()
                .put(
                        "iss",
                        rig == null
                                ? "https://auth.example.by"
                                : rig.config.jwt().issuer())
                .put("aud", rig == null ? "account-portal" : rig.config.jwt().audience())
                .put("sub", sub.toString())
                .put("login", PHONE)
                .put("cat", "mobile")
                .put("role", "subscriber")
                .put("amr", new JsonArray().add("pwd"))
                .put("iat", now)
                .put("nbf", now)
                .put("exp", exp)
                .put("jti", jti);
    }
}
