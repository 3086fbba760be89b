package dev.kordon.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StepTokensTest {
    static Rig rig;
    static StepTokens steps;

    @BeforeAll
    static void up() {
        rig = Rig.builder().start();
        steps = new StepTokens(rig.running.wiring().redis(), Duration.ofSeconds(2), 5);
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void aTokenCarriesItsAccountAndWhatTheFirstStepProvedAndIsSpentOnce() {
        UUID account = UUID.randomUUID();
        String token = Rig.await(steps.issue(account, new JsonObject().put("method", "pwd")));
        StepTokens.Step step = Rig.await(steps.attempt(token));
        assertThat(step.account()).isEqualTo(account);
        assertThat(step.proved().getString("method")).isEqualTo("pwd");
        assertThat(step.attempt()).isEqualTo(1);
        assertThat(Rig.await(steps.spend(token))).isTrue();
        assertThat(Rig.await(steps.spend(token))).isFalse();
        assertThat(Rig.await(steps.attempt(token))).isNull();
    }

    @Test
    void theFifthTryIsTheLastAndTheSixthFindsNoToken() {
        String token = Rig.await(steps.issue(UUID.randomUUID(), new JsonObject()));
        for (int i = 1; i <= 5; i++) {
            assertThat(Rig.await(steps.attempt(token)).attempt()).isEqualTo(i);
        }
        assertThat(Rig.await(steps.attempt(token))).isNull();
        assertThat(Rig.await(steps.spend(token))).as("gone with its last try").isFalse();
    }

    @Test
    void aTokenDiesWithItsLifetime() {
        long issued = System.nanoTime();
        String token = Rig.await(steps.issue(UUID.randomUUID(), new JsonObject()));
        // Looked at without counting tries, so only its lifetime can end it.
        assertThat(Rig.await(steps.peek(token))).isNotNull();
        assertThat(dev.kordon.support.Await.until(
                        java.time.Duration.ofSeconds(10), () -> Rig.await(steps.peek(token)) == null))
                .isTrue();
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - issued))
                .isGreaterThanOrEqualTo(java.time.Duration.ofMillis(1_900));
        assertThat(Rig.await(steps.attempt(token))).isNull();
    }

    @Test
    void aForgedOrMalformedTokenIsNoToken() {
        String token = Rig.await(steps.issue(UUID.randomUUID(), new JsonObject()));
        String forged = token.substring(0, 40) + (token.charAt(40) == 'A' ? 'B' : 'A') + token.substring(41);
        assertThat(Rig.await(steps.attempt(forged))).isNull();
        assertThat(Rig.await(steps.attempt(null))).isNull();
        assertThat(Rig.await(steps.attempt("short"))).isNull();
        assertThat(Rig.await(steps.attempt("!".repeat(64)))).isNull();
        assertThat(Rig.await(steps.attempt(token)))
                .as("the real one still works")
                .isNotNull();
    }
}
