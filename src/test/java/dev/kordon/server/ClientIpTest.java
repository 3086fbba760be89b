package dev.kordon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kordon.guard.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Trusted-proxy blocks, matched byte by byte, and the address literals they accept. */
class ClientIpTest {
    @Test
    void blocksMatchWholeAndPartialBytesOfTheirPrefix() {
        ClientIp ip = new ClientIp(List.of("10.0.0.0/8", "172.16.0.0/12", "192.0.2.7", "2001:db8::/32", "fd00::1"));
        assertThat(ip.isTrusted("10.200.3.4")).isTrue();
        assertThat(ip.isTrusted("11.0.0.1")).isFalse();
        assertThat(ip.isTrusted("172.16.0.1")).isTrue();
        assertThat(ip.isTrusted("172.31.255.254"))
                .as("the last address of a /12")
                .isTrue();
        assertThat(ip.isTrusted("172.32.0.1")).as("just past the /12").isFalse();
        assertThat(ip.isTrusted("172.15.255.255")).as("just before the /12").isFalse();
        assertThat(ip.isTrusted("192.0.2.7")).isTrue();
        assertThat(ip.isTrusted("192.0.2.8")).isFalse();
        assertThat(ip.isTrusted("2001:db8:ffff::1")).isTrue();
        assertThat(ip.isTrusted("2001:db9::1")).isFalse();
        assertThat(ip.isTrusted("fd00:0:0:0:0:0:0:1"))
                .as("another spelling of fd00::1")
                .isTrue();
        assertThat(ip.isTrusted("fd00::2")).isFalse();
        assertThat(ip.isTrusted("10.0.0.1.example"))
                .as("a name is never resolved")
                .isFalse();
        assertThat(ip.isTrusted("")).isFalse();
    }

    @Test
    void aBlockWiderThanItsAddressIsRefusedAtStart() {
        assertThatThrownBy(() -> new ClientIp(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientIp(List.of("proxy.example"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addressLiteralsAreRecognisedWithoutResolvingNames() {
        assertThat(IpAddress.bytes("192.0.2.1")).hasSize(4);
        assertThat(IpAddress.bytes("::ffff:192.0.2.1"))
                .as("IPv4-mapped is the IPv4 address")
                .hasSize(4);
        assertThat(IpAddress.bytes("[2001:db8::1]")).hasSize(16);
        assertThat(IpAddress.bytes("1.2.3")).isNull();
        assertThat(IpAddress.bytes("1.2.3.4.5")).isNull();
        assertThat(IpAddress.bytes("1234.2.3.4")).isNull();
        assertThat(IpAddress.bytes("1..3.4")).isNull();
        assertThat(IpAddress.bytes("localhost")).isNull();
        assertThat(IpAddress.bytes("١.٢.٣.٤")).as("digits outside ASCII").isNull();
        assertThat(IpAddress.canonical("2001:0db8:0:0::1")).isEqualTo("2001:db8::1");
    }
}
