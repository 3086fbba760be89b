package dev.kordon.simswap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.Rig;
import dev.kordon.support.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SIM swap check against a real CAMARA stand-in: the token fetched once and renewed, the answer
 * cached, every error shape of the spec under on-error deny and allow, a burst of checks at once,
 * the breaker opening and closing, private_key_jwt.
 */
class SimSwapCheckTest {
    static Rig.Builder rig(CamaraStub stub, Map<String, Object> more) {
        Rig.Builder b = Rig.builder()
                .set("sim-swap.url", stub.url())
                .set("sim-swap.token-url", stub.tokenUrl())
                .set("sim-swap.client-id", CamaraStub.CLIENT_ID)
                .set(
                        "sim-swap.client-secret-file",
                        secretFile(CamaraStub.SECRET).toString());
        more.forEach(b::set);
        return b;
    }

    static Path secretFile(String text) {
        try {
            Path f = Files.createTempFile("sim-swap", ".secret");
            Files.writeString(f, text + "\n");
            f.toFile().deleteOnExit();
            return f;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static SwapVerdict verdict(Rig rig, String e164) {
        return Rig.await(rig.running.wiring().simSwap().verdict(e164));
    }

    @Test
    void theTokenIsFetchedOnceReusedAndFetchedAgainAfterItExpiresOrA401() {
        try (CamaraStub stub = new CamaraStub();
                Rig rig = rig(stub, Map.of()).start()) {
            stub.swapped.add("+375291110001");
            assertThat(verdict(rig, "+375291110001").action()).isEqualTo(SwapVerdict.Action.SWAPPED);
            assertThat(verdict(rig, "+375291110002").action()).isEqualTo(SwapVerdict.Action.SEND);
            assertThat(verdict(rig, "+375291110003").outcome()).isEqualTo(SwapVerdict.NOT_SWAPPED);
            assertThat(stub.tokens.get()).as("one token for three checks").isEqualTo(1);
            assertThat(stub.checks.get()).isEqualTo(3);
            assertThat(stub.bodies.get(0).getInteger("maxAge"))
                    .as("72h, in hours")
                    .isEqualTo(72);
            assertThat(stub.correlators).allMatch(c -> c.matches("[A-Za-z0-9._:-]{1,128}"));

            // The service no longer takes the token: one 401, one new token, the same check again.
            stub.revokeTokens();
            assertThat(verdict(rig, "+375291110004").outcome()).isEqualTo(SwapVerdict.NOT_SWAPPED);
            assertThat(stub.tokens.get()).isEqualTo(2);
            assertThat(stub.checks.get()).isEqualTo(5);

            // A token that lives 2 s is renewed after 1 s, before it expires: checks go on until one
            // fetches a new token, and that must come no sooner than 1 s and while the old one lives.
            stub.expiresIn = 2;
            stub.revokeTokens();
            long beforeFetch = System.nanoTime();
            verdict(rig, "+375291110005");
            long fetchedBy = System.nanoTime();
            int fetched = stub.tokens.get();
            verdict(rig, "+375291110006");
            assertThat(stub.tokens.get()).as("still in its first second").isEqualTo(fetched);
            int[] asked = {0};
            Duration untilExpiry = Duration.ofSeconds(2).minusNanos(System.nanoTime() - fetchedBy);
            Await.until(untilExpiry, () -> {
                verdict(rig, "+37529111" + String.format("%04d", 1000 + asked[0]++));
                return stub.tokens.get() > fetched;
            });
            assertThat(stub.tokens.get()).as("renewed before it expired").isEqualTo(fetched + 1);
            assertThat(Duration.ofNanos(System.nanoTime() - beforeFetch))
                    .as("not before half its life")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void theAnswerIsKeptForCacheTtlAndAMarkNeedsNoCall() {
        try (CamaraStub stub = new CamaraStub();
                Rig rig = rig(stub, Map.of("sim-swap.cache-ttl", "1s")).start()) {
            stub.swapped.add("+375291120001");
            long beforeStored = System.nanoTime();
            assertThat(verdict(rig, "+375291120001").outcome()).isEqualTo(SwapVerdict.SWAPPED);
            SwapVerdict again = verdict(rig, "+375291120001");
            assertThat(again.outcome()).isEqualTo(SwapVerdict.CACHED);
            assertThat(again.action()).isEqualTo(SwapVerdict.Action.SWAPPED);
            assertThat(stub.checks.get())
                    .as("the second within cache-ttl asked nothing")
                    .isEqualTo(1);
            // Ask until the service is asked again: every answer before must come from the cache, and
            // the first fresh one no sooner than cache-ttl after the answer was stored.
            SwapVerdict fresh = Await.until(
                    Duration.ofSeconds(2),
                    () -> verdict(rig, "+375291120001"),
                    v -> !v.outcome().equals(SwapVerdict.CACHED));
            assertThat(fresh.outcome()).isEqualTo(SwapVerdict.SWAPPED);
            assertThat(Duration.ofNanos(System.nanoTime() - beforeStored))
                    .as("kept for all of cache-ttl")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(stub.checks.get())
                    .as("asked again once cache-ttl is over, and only then")
                    .isEqualTo(2);

            var marks = rig.running.wiring().simSwap().marks();
            Rig.await(marks.mark("+375291120002", Duration.ofMinutes(5)));
            SwapVerdict marked = verdict(rig, "+375291120002");
            assertThat(marked.outcome()).isEqualTo(SwapVerdict.MARKED);
            assertThat(marked.action()).isEqualTo(SwapVerdict.Action.SWAPPED);
            assertThat(stub.checks.get()).isEqualTo(2);
        }
    }

    @Test
    void everyErrorShapeIsUnavailableUnderDenyAndSendsUnderAllow() {
        for (String onError : List.of("deny", "allow")) {
            try (CamaraStub stub = new CamaraStub();
                    Rig rig = rig(
                                    stub,
                                    Map.of(
                                            "sim-swap.on-error",
                                            onError,
                                            "sim-swap.breaker.failures",
                                            1000,
                                            "sim-swap.timeout",
                                            "500ms"))
                            .start()) {
                SwapVerdict.Action expected =
                        onError.equals("deny") ? SwapVerdict.Action.UNAVAILABLE : SwapVerdict.Action.SEND;
                int n = 0;
                for (int status : List.of(400, 401, 403, 404, 422, 429, 500, 503)) {
                    stub.mode = CamaraStub.Mode.STATUS;
                    stub.status = status;
                    SwapVerdict v = verdict(rig, "+37529113" + String.format("%04d", n++));
                    assertThat(v.action()).as("%s %d", onError, status).isEqualTo(expected);
                    assertThat(v.outcome()).isEqualTo(SwapVerdict.ERROR);
                    assertThat(v.reason()).startsWith("status_" + status);
                }
                stub.mode = CamaraStub.Mode.MALFORMED;
                assertThat(verdict(rig, "+375291139001").reason()).isEqualTo("malformed");
                stub.mode = CamaraStub.Mode.DEAD;
                assertThat(verdict(rig, "+375291139002").action()).isEqualTo(expected);
                stub.mode = CamaraStub.Mode.SLOW;
                stub.delayMs = 1500;
                SwapVerdict slow = verdict(rig, "+375291139003");
                assertThat(slow.action()).isEqualTo(expected);
                assertThat(slow.reason()).isEqualTo("timeout");
                assertThat(Scrape.of(rig).value("kordon_sim_swap_checks_total", "outcome", "error"))
                        .isEqualTo(11.0);
                assertThat(Scrape.of(rig).has("kordon_sim_swap_check_seconds_count"))
                        .isTrue();
            }
        }
    }

    @Test
    void aBurstOfChecksAtOnceIsAnsweredWithinTheDeadlineAndOpensNoBreaker() {
        try (CamaraStub stub = new CamaraStub();
                Rig rig = rig(stub, Map.of()).start()) {
            verdict(rig, "+375291150000"); // the token
            stub.mode = CamaraStub.Mode.SLOW;
            stub.delayMs = 200;
            // 100 at once, 200 ms each: over Vert.x's default 5 connections they would queue for 4 s,
            // far past the 1.5 s deadline, and the failures would open the breaker for every number.
            List<io.vertx.core.Future<SwapVerdict>> burst = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) {
                burst.add(rig.running.wiring().simSwap().verdict("+375291151" + String.format("%03d", i)));
            }
            Rig.await(io.vertx.core.Future.join(burst));
            for (io.vertx.core.Future<SwapVerdict> v : burst) {
                assertThat(v.result().outcome()).as("every check of the burst").isEqualTo(SwapVerdict.NOT_SWAPPED);
            }
            assertThat(stub.checks.get()).isEqualTo(101);
        }
    }

    @Test
    void anOutageCostsOneDeadlinePerBreakerWindowAndTheBreakerClosesAgain() {
        try (CamaraStub stub = new CamaraStub();
                Rig rig = rig(
                                stub,
                                Map.of(
                                        "sim-swap.breaker.failures",
                                        2,
                                        "sim-swap.breaker.reset",
                                        "1500ms",
                                        "sim-swap.timeout",
                                        "300ms"))
                        .start()) {
            verdict(rig, "+375291140000"); // the token, fetched while the service is well
            stub.mode = CamaraStub.Mode.SLOW;
            stub.delayMs = 2000;
            int before = stub.checks.get();
            assertThat(verdict(rig, "+375291140001").outcome()).isEqualTo(SwapVerdict.ERROR);
            long beforeOpened = System.nanoTime();
            assertThat(verdict(rig, "+375291140002").outcome()).isEqualTo(SwapVerdict.ERROR);
            assertThat(stub.checks.get()).isEqualTo(before + 2);
            for (int i = 0; i < 20; i++) {
                SwapVerdict v = verdict(rig, "+3752911410" + String.format("%02d", i));
                assertThat(v.outcome()).isEqualTo(SwapVerdict.BREAKER_OPEN);
                assertThat(v.action()).isEqualTo(SwapVerdict.Action.UNAVAILABLE);
            }
            assertThat(stub.checks.get()).as("the open breaker asks nothing").isEqualTo(before + 2);

            // After the reset one check tries the service again; it answers, and the breaker closes.
            // Checks go on until one gets through; those that meet the open breaker ask nothing.
            stub.mode = CamaraStub.Mode.NORMAL;
            int[] tried = {0};
            SwapVerdict through = Await.until(
                    Duration.ofSeconds(10),
                    () -> verdict(rig, "+37529114" + String.format("%04d", 3000 + tried[0]++)),
                    v -> !v.outcome().equals(SwapVerdict.BREAKER_OPEN));
            assertThat(through.outcome()).isEqualTo(SwapVerdict.NOT_SWAPPED);
            assertThat(Duration.ofNanos(System.nanoTime() - beforeOpened))
                    .as("open for all of the reset")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
            assertThat(stub.checks.get())
                    .as("the open breaker asked nothing while waiting for its reset")
                    .isEqualTo(before + 3);
            assertThat(verdict(rig, "+375291142002").outcome()).isEqualTo(SwapVerdict.NOT_SWAPPED);
            assertThat(stub.checks.get()).isEqualTo(before + 4);
        }
    }

    @Test
    void privateKeyJwtSignsAFreshAssertionForEachToken() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = gen.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        try (CamaraStub stub = new CamaraStub()) {
            stub.assertionKey = pair.getPublic();
            try (Rig rig = Rig.builder()
                    .set("sim-swap.url", stub.url())
                    .set("sim-swap.token-url", stub.tokenUrl())
                    .set("sim-swap.client-id", CamaraStub.CLIENT_ID)
                    .set("sim-swap.private-key-file", secretFile(pem).toString())
                    .start()) {
                assertThat(verdict(rig, "+375291150001").outcome()).isEqualTo(SwapVerdict.NOT_SWAPPED);
                stub.revokeTokens();
                assertThat(verdict(rig, "+375291150002").outcome()).isEqualTo(SwapVerdict.NOT_SWAPPED);
                assertThat(stub.tokens.get()).isEqualTo(2);
                assertThat(stub.assertions).hasSize(2);
                assertThat(stub.assertions.get(0).getString("jti"))
                        .isNotEqualTo(stub.assertions.get(1).getString("jti"));
            }
        }
    }
}
