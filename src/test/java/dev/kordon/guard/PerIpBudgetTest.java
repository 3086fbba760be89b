package dev.kordon.guard;

import static dev.kordon.guard.ThrottleRequests.body;
import static dev.kordon.guard.ThrottleRequests.ip;
import static dev.kordon.guard.ThrottleRequests.loginFrom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What counts as one client for the per-IP budgets: X-Forwarded-For only from trusted proxies, the
 * addresses of one IPv6 /64 (or the configured prefix) as one, the spellings of one IPv6 address as
 * one, and an IPv4-mapped IPv6 address as its IPv4 address.
 */
class PerIpBudgetTest {
    @Test
    void perIpBudgetsAndForwardedForOnlyFromTrustedProxies() {
        try (Rig trusting = Rig.builder()
                .set("login.per-ip", 3)
                .set("http.trusted-proxies", List.of("127.0.0.0/8"))
                .start()) {
            for (int i = 0; i < 3; i++) {
                assertThat(Rig.await(loginFrom(trusting, "192.0.2.1", "+37529400001" + i, "x-password"))
                                .statusCode())
                        .isEqualTo(401);
            }
            assertThat(Rig.await(loginFrom(trusting, "192.0.2.1", "+375294000019", "x-password"))
                            .statusCode())
                    .isEqualTo(429);
            assertThat(Rig.await(loginFrom(trusting, "192.0.2.2", "+375294000019", "x-password"))
                            .statusCode())
                    .isEqualTo(401);
            // The rightmost untrusted hop is the client; a forged hop further left changes nothing.
            assertThat(Rig.await(loginFrom(trusting, "10.9.9.9, 192.0.2.1", "+375294000018", "x-password"))
                            .statusCode())
                    .isEqualTo(429);
        }
        try (Rig untrusting = Rig.builder().set("login.per-ip", 3).start()) {
            for (int i = 0; i < 3; i++) {
                Rig.await(loginFrom(untrusting, "192.0.2." + (10 + i), "+37529400002" + i, "x-password"));
            }
            // Nobody trusted: a new X-Forwarded-For per request does not buy a new budget.
            assertThat(Rig.await(loginFrom(untrusting, "192.0.2.99", "+375294000029", "x-password"))
                            .statusCode())
                    .isEqualTo(429);
        }
    }

    @Test
    void addressesOfOneIpv6Slash64ShareOneSignInOneLoginAndIpAndOneSendingBudget() {
        try (SmsProviderStub sms = new SmsProviderStub();
                Rig rig = Rig.builder()
                        .set("http.trusted-proxies", List.of("127.0.0.1"))
                        .set("login.per-ip", 3)
                        .set("login.per-account-ip", 2)
                        .set("sending.per-ip-hour", 2)
                        .set("sms.provider", "http")
                        .set("sms.http.url", sms.url())
                        .start()) {
            // Sign-in attempts per IP: three addresses of 2001:db8:1:2::/64 use up its 3.
            for (int i = 1; i <= 3; i++) {
                assertThat(Rig.await(loginFrom(rig, "2001:db8:1:2::" + i, "+37529400003" + i, "x-password"))
                                .statusCode())
                        .isEqualTo(401);
            }
            assertThat(Rig.await(loginFrom(rig, "2001:db8:1:2:ffff:ffff:ffff:ffff", "+375294000034", "x-password"))
                            .statusCode())
                    .isEqualTo(429);
            // The next /64 is another client.
            assertThat(Rig.await(loginFrom(rig, "2001:db8:1:3::1", "+375294000034", "x-password"))
                            .statusCode())
                    .isEqualTo(401);

            // Failures of one login per IP: two from one /64, then its third address is refused.
            assertThat(Rig.await(loginFrom(rig, "2001:db8:5:6::1", "+375294000040", "x-password"))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(Rig.await(loginFrom(rig, "2001:db8:5:6::2", "+375294000040", "x-password"))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(Rig.await(loginFrom(rig, "2001:db8:5:6::3", "+375294000040", "x-password"))
                            .statusCode())
                    .isEqualTo(429);

            // Sends per IP: two addresses of 2001:db8:7:8::/64 use up its 2.
            assertThat(rig.post("/api/v1/login/sms-code", body("+375295000600"), ip("2001:db8:7:8::a"))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(rig.post("/api/v1/login/sms-code", body("+375295000601"), ip("2001:db8:7:8::b"))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(rig.post("/api/v1/login/sms-code", body("+375295000602"), ip("2001:db8:7:8::c"))
                            .statusCode())
                    .isEqualTo(429);
        }
    }

    @Test
    void withIpv6Prefix56AddressesOfOneSlash56ShareOnePerIpBudget() {
        try (Rig rig = Rig.builder()
                .set("http.trusted-proxies", List.of("127.0.0.1"))
                .set("login.per-ip", 2)
                .set("http.ipv6-prefix", 56)
                .start()) {
            assertThat(Rig.await(loginFrom(rig, "2001:db8:9:100::1", "+375294000050", "x-password"))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(Rig.await(loginFrom(rig, "2001:db8:9:1ff::1", "+375294000051", "x-password"))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(Rig.await(loginFrom(rig, "2001:db8:9:1aa::1", "+375294000052", "x-password"))
                            .statusCode())
                    .isEqualTo(429);
            assertThat(Rig.await(loginFrom(rig, "2001:db8:9:200::1", "+375294000052", "x-password"))
                            .statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void twoSpellingsOfOneIpv6AddressShareOnePerIpBudget() {
        // Each address counted alone here, so only the spelling can join them.
        try (Rig rig = Rig.builder()
                .set("http.trusted-proxies", List.of("127.0.0.1"))
                .set("login.per-ip", 2)
                .set("http.ipv6-prefix", 128)
                .start()) {
            assertThat(Rig.await(loginFrom(rig, "2001:db8::1", "+375294000060", "x-password"))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(Rig.await(loginFrom(rig, "2001:0db8:0:0::1", "+375294000061", "x-password"))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(Rig.await(loginFrom(rig, "2001:DB8:0:0:0:0:0:0001", "+375294000062", "x-password"))
                            .statusCode())
                    .isEqualTo(429);
            assertThat(Rig.await(loginFrom(rig, "2001:db8::2", "+375294000062", "x-password"))
                            .statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void anIpv4MappedIpv6AddressCountsAsItsIpv4Address() {
        try (Rig rig = Rig.builder()
                .set("http.trusted-proxies", List.of("127.0.0.1"))
                .set("login.per-ip", 2)
                .start()) {
            assertThat(Rig.await(loginFrom(rig, "192.0.2.7", "+375294000070", "x-password"))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(Rig.await(loginFrom(rig, "::ffff:192.0.2.7", "+375294000071", "x-password"))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(Rig.await(loginFrom(rig, "::ffff:c000:207", "+375294000072", "x-password"))
                            .statusCode())
                    .isEqualTo(429);
            assertThat(Rig.await(loginFrom(rig, "192.0.2.8", "+375294000072", "x-password"))
                            .statusCode())
                    .isEqualTo(401);
        }
    }
}
