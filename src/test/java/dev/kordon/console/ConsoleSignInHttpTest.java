package dev.kordon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The console's sign-in over plain HTTP: wrong tokens throttled per client, the way back only to a
 * console page, the language.
 */
class ConsoleSignInHttpTest extends ConsoleOverHttp {
    @Test
    void wrongTokensAreThrottledPerClientAndOnlyWrongOnesCount() {
        // Right tokens give their place back: an operator signing in often is never refused.
        Desk often = new Desk("198.51.100.20");
        for (int i = 0; i < 5; i++) {
            assertThat(often.signIn(Rig.ADMIN_TOKEN).statusCode()).isEqualTo(303);
        }
        Desk guesser = new Desk("198.51.100.21");
        for (int i = 0; i < 3; i++) {
            var r = guesser.signIn("guess-" + i + "-" + Rig.ADMIN_TOKEN.substring(6));
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.bodyAsString()).contains("Неверный токен.");
            assertThat(guesser.jar).doesNotContainKey(SESSION);
        }
        // The fourth try is not even compared: not a guess, nor the right token, from that client.
        var refused = guesser.signIn(Rig.ADMIN_TOKEN);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.getHeader("Retry-After")).isNotNull();
        assertThat(refused.bodyAsString()).contains("Слишком много неверных токенов");
        assertThat(guesser.jar).doesNotContainKey(SESSION);
        // Another client is not held up by it.
        assertThat(new Desk("198.51.100.22").signIn(Rig.ADMIN_TOKEN).statusCode())
                .isEqualTo(303);
        // Every wrong token is in the audit trail.
        long failed = dev.kordon.support.Await.until(
                java.time.Duration.ofSeconds(5),
                () -> Rig.await(rig.running
                                .wiring()
                                .pg()
                                .query(
                                        "SELECT count(*) FROM audit_events WHERE event = 'console.sign_in_failed' AND ip = '198.51.100.21'")
                                .execute())
                        .iterator()
                        .next()
                        .getLong(0),
                n -> n >= 4);
        assertThat(failed).isEqualTo(4);
    }

    @Test
    void aSignInLeadsBackOnlyToAConsolePage() {
        Desk d = new Desk("192.0.2.14");
        String csrf = d.csrf("/console/login?next=%2Fconsole%2F%3Fq%3D29");
        var back = d.post(
                "/console/login",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf)
                        .add("token", Rig.ADMIN_TOKEN)
                        .add("next", "/console/?q=29"));
        assertThat(back.getHeader("Location")).isEqualTo("/console/?q=29");
        for (String evil : List.of(
                "https://evil.example/",
                "//evil.example/console/",
                "/console//evil.example",
                "/metrics",
                "/console/login",
                "/console/\\evil")) {
            Desk e = new Desk("192.0.2.15");
            String t = e.csrf("/console/login");
            var r = e.post(
                    "/console/login",
                    MultiMap.caseInsensitiveMultiMap()
                            .add("csrf", t)
                            .add("token", Rig.ADMIN_TOKEN)
                            .add("next", evil));
            assertThat(r.getHeader("Location")).as(evil).isEqualTo("/console/");
        }
    }

    @Test
    void englishByTheLanguageResolver() {
        Desk d = new Desk("192.0.2.16");
        assertThat(d.get("/console/login?lang=en").bodyAsString())
                .contains("<html lang=\"en\">")
                .contains("Admin token");
        assertThat(d.get("/console/login").bodyAsString())
                .contains("<html lang=\"ru\">")
                .contains("Токен администратора");
    }
}
