package dev.kordon.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.FaultProxy;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import dev.kordon.support.TestServers;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP SMS provider behind a fault proxy. A hung provider costs each attempt one
 * {@code dispatch.send-timeout} and holds up no other delivery (mail goes out meanwhile); a provider
 * answering 5xx is tried again; either way the SMS arrives exactly once when the provider accepts.
 */
class SmsProviderFaultTest {
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(1);

    static SmsProviderStub provider;
    static FaultProxy proxy;
    static Rig rig;
    static int n = 0;

    @BeforeAll
    static void start() {
        provider = new SmsProviderStub();
        URI url = URI.create(provider.url());
        proxy = new FaultProxy(url.getPort());
        rig = Rig.builder()
                .set("sms.provider", "http")
                .set("sms.http.url", provider.url().replace(":" + url.getPort() + "/", ":" + proxy.port() + "/"))
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
        if (provider != null) {
            provider.close();
        }
    }

    @BeforeEach
    void healthy() {
        proxy.pass();
        provider.failNext.set(0);
    }

    @Test
    void aHungSmsProviderHoldsUpNoMailAndItsSmsArrivesOnceItAnswers() {
        String phone = account("sms-hung");
        String other = account("mail-meanwhile");
        proxy.freeze();
        Timed asked = Timed.of(() -> rig.post(
                "/api/v1/login/sms-code",
                new JsonObject().put("category", "mobile").put("login", phone)));
        assertThat(asked.response().statusCode())
                .as("an SMS code asked, provider hung")
                .isEqualTo(202);
        assertThat(asked.ms()).as("ms to accept it").isLessThan(1_000);
        Timed mailAsked = Timed.of(() -> rig.post(
                "/api/v1/password/recovery",
                new JsonObject().put("category", "mobile").put("login", other).put("channel", "email")));
        assertThat(mailAsked.response().statusCode()).isEqualTo(202);
        assertThat(Mailbox.await(TestServers.smtp(), "mail-meanwhile-" + n + "@org.by", 1, 5_000))
                .as("a recovery mail while the SMS provider hangs")
                .hasSize(1);
        assertThat(provider.to(phone)).as("SMS while the provider hangs").isEmpty();

        proxy.pass();
        assertThat(Await.until(Duration.ofSeconds(20), () -> provider.to(phone), l -> !l.isEmpty()))
                .as("the SMS once the provider answers")
                .hasSize(1);
        Await.hold(SEND_TIMEOUT.multipliedBy(3));
        assertThat(provider.to(phone)).as("copies of the SMS").hasSize(1);
    }

    @Test
    void anSmsProviderAnswering5xxIsTriedAgainAndTheSmsArrivesOnce() {
        String phone = account("sms-5xx");
        provider.failNext.set(3);
        assertThat(rig.post(
                                "/api/v1/login/sms-code",
                                new JsonObject().put("category", "mobile").put("login", phone))
                        .statusCode())
                .isEqualTo(202);
        assertThat(Await.until(Duration.ofSeconds(30), () -> provider.to(phone), l -> !l.isEmpty()))
                .as("the SMS after three 500s")
                .hasSize(1);
        assertThat(provider.failNext.get()).as("500s still owed").isZero();
        Await.hold(SEND_TIMEOUT.multipliedBy(2));
        assertThat(provider.to(phone)).as("copies of the SMS").hasSize(1);
    }

    private static String account(String what) {
        n++;
        String login = String.format("+37529740%04d", n);
        rig.account("mobile", login, Rig.TARIFF, "active", null, what + "-" + n + "@org.by");
        return login;
    }
}
