package dev.kordon.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.FaultProxy;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Postgres behind a fault proxy: frozen (a hung server or a partition), refusing, or gone half-open.
 * Every sign-in is answered 503 + Retry-After within {@code pg.query-timeout} and the connect wait,
 * never 429: the attempts cost the account and the address nothing. Token checks and liveness do not
 * touch Postgres and are unaffected; sign-in works again, without a restart, once Postgres answers.
 */
class PostgresFaultTest {
    static final String PASSWORD = LogCapture.secret("Pg-Fault-Password-1");
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(1);
    /**
     * Two rounds of the deadline (the login lets two attempts run at once; the others wait for their
     * places, given back at each 503), and room for a busy machine.
     */
    static final long ANSWER_WITHIN_MS = 3_500;

    FaultProxy proxy;
    Rig rig;
    static int phone = 0;

    /** Each fault on a Kordon of its own: what one leaves behind must not decide the next. */
    @BeforeEach
    void start() {
        URI db = URI.create(TestServers.freshDatabase());
        proxy = new FaultProxy(db.getPort());
        rig = Rig.builder()
                .set("pg.url", db.toString().replace(":" + db.getPort() + "/", ":" + proxy.port() + "/"))
                .set("pg.query-timeout", QUERY_TIMEOUT.toMillis() + "ms")
                .set("pg.connect-timeout", "1s")
                // Low enough that an outage counted as failures would show as a delay (429) at once.
                .set("login.delay-after", 2)
                .set("login.lock-after", 4)
                .set("login.per-ip", 20)
                .start();
    }

    @AfterEach
    void stop() {
        // Connections left dead by the half-open test end as TCP would end them, at last.
        if (proxy != null) {
            proxy.dropAll();
        }
        if (rig != null) {
            rig.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aFrozenPostgresAnswersEverySignIn503InTimeCountsNothingAndSignInWorksOnceItThaws() {
        String login = account();
        String token = rig.login(login, PASSWORD).bodyAsJsonObject().getString("access_token");
        long ipPlacesBefore = ipPlaces();

        proxy.freeze();
        List<Timed> answers = signInsAtOnce(login, 4);
        long liveMs = Timed.of(() -> rig.get("/health/live", null)).ms();
        int verify = rig.get("/auth/verify", token).statusCode();

        assertThat(answers).allSatisfy(a -> {
            assertThat(a.response().statusCode()).as("status").isEqualTo(503);
            assertThat(a.response().getHeader("Retry-After")).as("Retry-After").isNotNull();
            assertThat(a.ms()).as("ms to the answer").isLessThan(ANSWER_WITHIN_MS);
        });
        assertThat(liveMs).as("ms for /health/live with Postgres frozen").isLessThan(500);
        assertThat(verify).as("/auth/verify with Postgres frozen").isEqualTo(200);

        proxy.pass();
        Timed back = Timed.of(() -> rig.login(login, PASSWORD));
        assertThat(back.response().statusCode())
                .as("sign-in once Postgres thaws")
                .isEqualTo(200);
        assertThat(back.ms()).as("ms to that sign-in").isLessThan(ANSWER_WITHIN_MS);
        assertNothingCounted(login, ipPlacesBefore + 1);
    }

    @Test
    void aRefusingPostgresAnswers503AtOnceCountsNothingAndSignInWorksWithinASecondOfItsReturn() {
        String login = account();
        long ipPlacesBefore = ipPlaces();

        proxy.refuse();
        List<Timed> answers = signInsAtOnce(login, 4);
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.response().statusCode()).as("status").isEqualTo(503);
            assertThat(a.response().getHeader("Retry-After")).as("Retry-After").isNotNull();
            assertThat(a.ms()).as("ms to the answer").isLessThan(ANSWER_WITHIN_MS);
        });

        proxy.pass();
        Timed back = Timed.of(() -> rig.login(login, PASSWORD));
        assertThat(back.response().statusCode())
                .as("the first sign-in after Postgres returns")
                .isEqualTo(200);
        assertThat(back.ms()).as("ms to that sign-in").isLessThan(1_000);
        assertNothingCounted(login, ipPlacesBefore + 1);
    }

    @Test
    void aPostgresGoneHalfOpenAnswers503InTimeAndSignInWorksAgainWithoutARestart() {
        String login = account();
        // The connections in use when the peer vanishes are dead for good: no byte, no close.
        proxy.halfOpen();
        List<Timed> answers = signInsAtOnce(login, 4);
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.response().statusCode()).as("status").isEqualTo(503);
            assertThat(a.ms()).as("ms to the answer").isLessThan(ANSWER_WITHIN_MS);
        });

        // Only Kordon's own limit on a silent connection frees them; the proxy never closes them.
        proxy.pass();
        for (int i = 1; i <= 3; i++) {
            Timed back = Timed.of(() -> rig.login(login, PASSWORD));
            assertThat(back.response().statusCode())
                    .as("sign-in %d after the peer came back", i)
                    .isEqualTo(200);
            assertThat(back.ms()).as("ms to sign-in %d", i).isLessThan(ANSWER_WITHIN_MS);
        }
    }

    private String account() {
        String login = String.format("+37529710%04d", ++phone);
        rig.account(login, PASSWORD);
        return login;
    }

    private List<Timed> signInsAtOnce(String login, int n) {
        long t0 = System.nanoTime();
        List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(rig.loginAsync(login, PASSWORD));
        }
        List<Timed> out = new ArrayList<>();
        for (Future<HttpResponse<Buffer>> call : calls) {
            HttpResponse<Buffer> r = Rig.await(call);
            out.add(new Timed(r, (System.nanoTime() - t0) / 1_000_000));
        }
        return out;
    }

    /** The failures and the address's places as they were: only the one successful sign-in counted. */
    private void assertNothingCounted(String login, long ipPlaces) {
        Map<String, Object> state = Rig.await(rig.running.wiring().throttles().passwordState("mobile", login));
        assertThat(state).as("the login's password state").containsEntry("failures", 0L);
        assertThat(state).containsEntry("locked", false);
        // The give-backs run in the background, retried: allow them a moment.
        long places = dev.kordon.support.Await.until(Duration.ofSeconds(3), this::ipPlaces, n -> n <= ipPlaces);
        assertThat(places).as("sign-in places the address has used").isEqualTo(ipPlaces);
    }

    private long ipPlaces() {
        var redis = rig.running.wiring().redis();
        Response r = Rig.await(redis.send(Command.GET, redis.keys().clientSignIns("127.0.0.1")));
        return r == null ? 0 : r.toLong();
    }
}
