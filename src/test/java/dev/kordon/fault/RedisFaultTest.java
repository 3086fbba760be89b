package dev.kordon.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.FaultProxy;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis behind a fault proxy: frozen, refusing, or gone half-open. A sign-in is answered 503 +
 * Retry-After within {@code redis.command-timeout} and a little, readiness says 503 while it lasts,
 * liveness stays fast, nothing is counted against the login, and sign-in works again without a
 * restart once Redis answers.
 */
class RedisFaultTest {
    static final String PASSWORD = LogCapture.secret("Redis-Fault-Password-1");
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** A sign-in makes a few Redis round trips before the one that hangs; room for a busy machine. */
    static final long ANSWER_WITHIN_MS = 3_000;

    static FaultProxy proxy;
    static Rig rig;
    static int phone = 0;

    @BeforeAll
    static void start() {
        URI redis = URI.create(TestServers.redisUrl());
        proxy = new FaultProxy(redis.getPort());
        rig = Rig.builder()
                .set("redis.url", "redis://127.0.0.1:" + proxy.port())
                .set("redis.command-timeout", COMMAND_TIMEOUT.toMillis() + "ms")
                .start();
    }

    @AfterAll
    static void stop() {
        if (rig != null) {
            rig.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @BeforeEach
    void healthy() {
        proxy.pass();
        Await.until(Duration.ofSeconds(10), () -> ready() == 200);
    }

    @Test
    void aFrozenRedisAnswersSignIn503InTimeReadinessFollowsAndSignInWorksOnceItThaws() {
        outageThenBack(proxy::freeze, "frozen");
    }

    @Test
    void aRefusingRedisAnswersSignIn503InTimeReadinessFollowsAndSignInWorksOnceItReturns() {
        outageThenBack(proxy::refuse, "refusing");
    }

    @Test
    void aRedisGoneHalfOpenAnswersSignIn503InTimeAndSignInWorksAgainWithoutARestart() {
        outageThenBack(proxy::halfOpen, "half-open");
    }

    private void outageThenBack(Runnable fault, String what) {
        String login = account();
        fault.run();
        Timed signIn = Timed.of(() -> rig.login(login, PASSWORD));
        assertThat(signIn.response().statusCode()).as("sign-in, Redis " + what).isEqualTo(503);
        assertThat(signIn.response().getHeader("Retry-After")).isNotNull();
        assertThat(signIn.ms()).as("ms to that answer").isLessThan(ANSWER_WITHIN_MS);
        assertThat(Await.until(Duration.ofSeconds(5), () -> ready() == 503))
                .as("/health/ready answers 503, Redis " + what)
                .isTrue();
        Timed live = Timed.of(() -> rig.get("/health/live", null));
        assertThat(live.response().statusCode()).isEqualTo(200);
        assertThat(live.ms()).as("ms for /health/live, Redis " + what).isLessThan(500);

        proxy.pass();
        long back = System.nanoTime();
        HttpResponse<Buffer> again =
                Await.until(Duration.ofSeconds(15), () -> rig.login(login, PASSWORD), r -> r.statusCode() == 200);
        double seconds = (System.nanoTime() - back) / 1e9;
        System.out.printf("Redis %s: sign-in again %.2f s after it returned%n", what, seconds);
        assertThat(again.statusCode()).as("sign-in once Redis is back").isEqualTo(200);
        assertThat(seconds)
                .as("seconds from Redis's return to a sign-in")
                .isLessThan(COMMAND_TIMEOUT.toSeconds() * 3 + 1);
        Map<String, Object> state = Rig.await(rig.running.wiring().throttles().passwordState("mobile", login));
        assertThat(state).as("the login's password state").containsEntry("failures", 0L);
    }

    private static int ready() {
        return rig.get("/health/ready", null).statusCode();
    }

    private static String account() {
        String login = String.format("+37529720%04d", ++phone);
        rig.account(login, PASSWORD);
        return login;
    }
}
