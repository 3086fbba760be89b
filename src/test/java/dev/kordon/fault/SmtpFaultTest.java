package dev.kordon.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.FaultProxy;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SMTP relay behind a fault proxy. A recovery is accepted at once whatever the relay does (the
 * mail waits in the outbox); each attempt costs at most one {@code dispatch.send-timeout}; and once
 * the relay answers again the mail arrives, exactly once, without a restart.
 */
class SmtpFaultTest {
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(1);

    static FaultProxy proxy;
    static Rig rig;
    static int n = 0;

    @BeforeAll
    static void start() {
        proxy = new FaultProxy(TestServers.smtp().getSmtp().getPort());
        rig = Rig.builder()
                .set("smtp.port", proxy.port())
                .set("dispatch.send-timeout", SEND_TIMEOUT.toMillis() + "ms")
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
    }

    @Test
    void aRecoveryIsAcceptedAtOnceWhileSmtpIsFrozenAndItsMailArrivesOnceAfter() {
        outageThenOneMail(proxy::freeze, "frozen");
    }

    @Test
    void aRecoveryIsAcceptedAtOnceWhileSmtpRefusesAndItsMailArrivesOnceAfter() {
        outageThenOneMail(proxy::refuse, "refusing");
    }

    @Test
    void aMailCaughtOnAHalfOpenSmtpConnectionArrivesOnceTheRelayIsBackWithoutARestart() {
        outageThenOneMail(proxy::halfOpen, "half-open");
    }

    private void outageThenOneMail(Runnable fault, String what) {
        n++;
        String login = String.format("+37529730%04d", n);
        String email = "smtp-fault-" + n + "-" + what + "@org.by";
        rig.account("mobile", login, Rig.TARIFF, "active", null, email);
        fault.run();
        int failedBefore = failedMailAttempts();
        Timed accepted = Timed.of(() -> rig.post(
                "/api/v1/password/recovery",
                new JsonObject().put("category", "mobile").put("login", login).put("channel", "email")));
        assertThat(accepted.response().statusCode())
                .as("recovery, SMTP " + what)
                .isEqualTo(202);
        assertThat(accepted.ms()).as("ms to accept it, SMTP " + what).isLessThan(1_000);
        assertThat(dev.kordon.support.Await.until(Duration.ofSeconds(10), () -> failedMailAttempts() > failedBefore))
                .as("an attempt met the fault and failed, SMTP " + what)
                .isTrue();
        assertThat(Mailbox.to(TestServers.smtp(), email))
                .as("mail while SMTP is " + what)
                .isEmpty();

        proxy.pass();
        long back = System.nanoTime();
        assertThat(Mailbox.await(TestServers.smtp(), email, 1, 20_000))
                .as("mail once SMTP is back")
                .hasSize(1);
        double seconds = (System.nanoTime() - back) / 1e9;
        System.out.printf("SMTP %s: the mail arrived %.2f s after the relay came back%n", what, seconds);
        // Given time for a second copy to show up, were one on its way.
        dev.kordon.support.Await.hold(SEND_TIMEOUT.multipliedBy(3));
        assertThat(Mailbox.to(TestServers.smtp(), email))
                .as("copies of the mail")
                .hasSize(1);
    }

    /** Attempts the outbox has seen fail so far, in this run's whole log. */
    private static int failedMailAttempts() {
        return dev.kordon.support.LogCapture.linesWith("(mail) failed, will retry")
                .size();
    }
}
