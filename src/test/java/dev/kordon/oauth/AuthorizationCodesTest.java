package dev.kordon.oauth;

import static dev.kordon.oauth.Requests.CHALLENGE;
import static dev.kordon.oauth.Requests.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.config.KordonConfig;
import dev.kordon.guard.Secrets;
import dev.kordon.oauth.Redeemed.Outcome;
import dev.kordon.store.RedisStore;
import dev.kordon.support.Await;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Authorization codes in a real Redis: single use, bound to client, redirect URI and PKCE, short-lived, never stored plain. */
class AuthorizationCodesTest {
    private static final String CB = "https://spa.example/cb";
    private static Vertx vertx;

    private final byte[] key = randomKey();
    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    private RedisStore redis;
    private AuthorizationCodes codes;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        Rig.await(vertx.close());
    }

    @BeforeEach
    void store() {
        redis = RedisStore.create(
                vertx,
                new KordonConfig.Redis(
                        KordonConfig.RedisMode.STANDALONE,
                        List.of(TestServers.redisUrl()),
                        null,
                        8,
                        64,
                        prefix,
                        Duration.ofSeconds(5)));
        codes = new AuthorizationCodes(redis, new Secrets(key));
    }

    @AfterEach
    void close() {
        Rig.await(redis.close());
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private static Grant grant(String challenge) {
        return new Grant(
                UUID.randomUUID(),
                "spa",
                CB,
                challenge,
                "n-1",
                List.of("openid", "phone"),
                1_700_000_000L,
                List.of("pwd"),
                "sid-1");
    }

    private Redeemed redeem(AuthorizationCodes with, String code, String client, String uri, String verifier) {
        return Rig.await(with.redeem(code, client, uri, verifier));
    }

    private Redeemed redeem(String code, String client, String uri, String verifier) {
        return redeem(codes, code, client, uri, verifier);
    }

    @Test
    void theRfc7636AppendixBVerifierGivesItsChallenge() {
        assertThat(Pkce.s256(VERIFIER)).isEqualTo(CHALLENGE);
        assertThat(Pkce.verifies(VERIFIER, CHALLENGE)).isTrue();
        assertThat(Pkce.verifies(VERIFIER.replace('d', 'e'), CHALLENGE)).isFalse();
        assertThat(Pkce.verifies(VERIFIER.substring(1), Pkce.s256(VERIFIER.substring(1))))
                .as("42 characters is too short a verifier")
                .isFalse();
        assertThat(Pkce.verifies(null, CHALLENGE)).isFalse();
    }

    @Test
    void aCodeRedeemsOnceWithTheRightVerifier() {
        Grant g = grant(CHALLENGE);
        String code = Rig.await(codes.issue(g));
        assertThat(code).matches("[A-Za-z0-9_-]{43}");
        Redeemed first = redeem(code, "spa", CB, VERIFIER);
        assertThat(first.outcome()).isEqualTo(Outcome.GRANTED);
        assertThat(first.granted()).isTrue();
        assertThat(first.error()).isNull();
        assertThat(first.grant()).isEqualTo(g);
        assertThat(first.issuedId()).matches("[0-9a-f]{32}");
        assertThat(redeem(code, "spa", CB, VERIFIER).granted()).isFalse();
    }

    @Test
    void aSecondUseIsInvalidGrantWithTheFirstUsesIssuedId() {
        Grant g = grant(CHALLENGE);
        String code = Rig.await(codes.issue(g));
        String issued = redeem(code, "spa", CB, VERIFIER).issuedId();
        for (int i = 0; i < 2; i++) {
            Redeemed again = redeem(code, "spa", CB, VERIFIER);
            assertThat(again.outcome()).isEqualTo(Outcome.REPLAYED);
            assertThat(again.error()).isEqualTo("invalid_grant");
            assertThat(again.issuedId()).isEqualTo(issued);
            assertThat(again.grant().account()).as("whose grants to end").isEqualTo(g.account());
        }
        // The spent marker outlives the code by ten minutes, so a late replay is still caught.
        long pttl = Rig.await(redis.send(Command.PTTL, redis.keys().oidcCodeSpent(hashOf(code))))
                .toLong();
        assertThat(pttl).isGreaterThan(Duration.ofMinutes(10).toMillis());
        String second = Rig.await(codes.issue(g));
        assertThat(redeem(second, "spa", CB, VERIFIER).issuedId())
                .as("each code its own id")
                .isNotEqualTo(issued);
    }

    @Test
    void aWrongVerifierClientOrRedirectUriIsInvalidGrantAndKillsTheCode() {
        String[][] wrong = {
            {"spa", CB, VERIFIER.replace('d', 'e')},
            {"spa", CB, null},
            {"spa", CB, ""},
            {"spa", CB, CHALLENGE},
            {"portal", CB, VERIFIER},
            {"SPA", CB, VERIFIER},
            {null, CB, VERIFIER},
            {"spa", CB + "/", VERIFIER},
            {"spa", "https://spa.example/cb?tenant=7", VERIFIER},
            {"spa", null, VERIFIER}
        };
        for (String[] w : wrong) {
            String code = Rig.await(codes.issue(grant(CHALLENGE)));
            Redeemed r = redeem(code, w[0], w[1], w[2]);
            assertThat(r.outcome())
                    .as(String.join(" ", String.valueOf(w[0]), String.valueOf(w[1]), String.valueOf(w[2])))
                    .isEqualTo(Outcome.REFUSED);
            assertThat(r.error()).isEqualTo("invalid_grant");
            assertThat(r.grant()).isNull();
            assertThat(r.issuedId()).isNull();
            Redeemed right = redeem(code, "spa", CB, VERIFIER);
            assertThat(right.granted()).as("the right values after a wrong try").isFalse();
            assertThat(right.error()).isEqualTo("invalid_grant");
        }
    }

    @Test
    void aCodeIssuedWithoutAChallengeRefusesAVerifier() {
        String plain = Rig.await(codes.issue(grant(null)));
        assertThat(redeem(plain, "spa", CB, null).outcome()).isEqualTo(Outcome.GRANTED);
        String withVerifier = Rig.await(codes.issue(grant(null)));
        assertThat(redeem(withVerifier, "spa", CB, VERIFIER).outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(redeem(withVerifier, "spa", CB, null).granted()).isFalse();
    }

    @Test
    void aCodeNeverIssuedOrMalformedIsUnknown() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String never = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        for (String code : new String[] {never, null, "", "short", never + "x", never.substring(1) + "="}) {
            Redeemed r = redeem(code, "spa", CB, VERIFIER);
            assertThat(r.outcome()).as(code).isEqualTo(Outcome.UNKNOWN);
            assertThat(r.error()).isEqualTo("invalid_grant");
            assertThat(r.issuedId()).isNull();
        }
    }

    @Test
    void aCodeExpiresAfterItsLifetime() {
        AuthorizationCodes brief = new AuthorizationCodes(redis, new Secrets(key), Duration.ofMillis(400));
        assertThat(AuthorizationCodes.TTL).isEqualTo(Duration.ofSeconds(60));
        String used = Rig.await(brief.issue(grant(CHALLENGE)));
        String left = Rig.await(brief.issue(grant(CHALLENGE)));
        assertThat(redeem(brief, used, "spa", CB, VERIFIER).granted())
                .as("within its lifetime")
                .isTrue();
        String key = redis.keys().oidcCode(hashOf(left));
        assertThat(Await.until(
                        Duration.ofSeconds(5),
                        () -> Rig.await(redis.send(Command.EXISTS, key)).toInteger() == 0))
                .isTrue();
        assertThat(redeem(brief, left, "spa", CB, VERIFIER).outcome()).isEqualTo(Outcome.UNKNOWN);
    }

    @Test
    void thePlainCodeIsNeverInRedis() {
        String code = Rig.await(codes.issue(grant(CHALLENGE)));
        String spent = Rig.await(codes.issue(grant(CHALLENGE)));
        redeem(spent, "spa", CB, VERIFIER);
        List<String> all = new ArrayList<>();
        for (Response k : Rig.await(redis.send(Command.KEYS, prefix + ":*"))) {
            all.add(k.toString());
            all.add(Rig.await(redis.send(Command.GET, k.toString())).toString());
        }
        assertThat(all).as("the codes' keys and values").hasSize(4);
        assertThat(all).allSatisfy(s -> assertThat(s).doesNotContain(code).doesNotContain(spent));
        assertThat(all).anySatisfy(s -> assertThat(s).contains(redis.keys().oidcCode(hashOf(code))));
    }

    @Test
    void ofManyParallelUsesOfOneCodeExactlyOneIsGranted() {
        String code = Rig.await(codes.issue(grant(CHALLENGE)));
        List<Future<Redeemed>> tries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tries.add(codes.redeem(code, "spa", CB, VERIFIER));
        }
        List<Redeemed> all = Rig.await(Future.all(tries)).list();
        assertThat(all).filteredOn(Redeemed::granted).hasSize(1);
        assertThat(all).filteredOn(r -> r.outcome() == Outcome.REPLAYED).hasSize(19);
        String issued =
                all.stream().filter(Redeemed::granted).findFirst().orElseThrow().issuedId();
        assertThat(all).extracting(Redeemed::issuedId).containsOnly(issued);
    }

    @Test
    void aCodeIssuedUnderAnOlderSecretsKeyStillRedeemsOnce() {
        String code = Rig.await(codes.issue(grant(CHALLENGE)));
        AuthorizationCodes rotated = new AuthorizationCodes(redis, new Secrets(List.of(randomKey(), key)));
        assertThat(redeem(rotated, code, "spa", CB, VERIFIER).granted()).isTrue();
        assertThat(redeem(rotated, code, "spa", CB, VERIFIER).outcome()).isEqualTo(Outcome.REPLAYED);
    }

    private String hashOf(String code) {
        return new Secrets(key).keyedHash("oidc-code", code);
    }
}
