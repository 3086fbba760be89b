package dev.kordon.server;

import dev.kordon.guard.IpAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's IP for throttles and audit. X-Forwarded-For is believed only when the peer is one
 * of {@code http.trusted-proxies} (addresses or CIDR blocks); then the rightmost address that is
 * not itself a trusted proxy is the client. Anyone else's X-Forwarded-For is ignored. The answer is
 * in canonical form ({@link IpAddress#canonical}), so one client has one spelling in throttles and audit.
 */
public final class ClientIp {
    private final List<Block> trusted = new ArrayList<>();

    public ClientIp(List<String> proxies) {
        for (String p : proxies) {
            trusted.add(Block.parse(p));
        }
    }

    public String of(RoutingContext ctx) {
        return IpAddress.canonical(raw(ctx));
    }

    private String raw(RoutingContext ctx) {
        String peer = ctx.request().remoteAddress() == null
                ? "unknown"
                : ctx.request().remoteAddress().hostAddress();
        if (!isTrusted(peer)) {
            return peer;
        }
        String xff = ctx.request().getHeader("X-Forwarded-For");
        if (xff == null || xff.isBlank()) {
            return peer;
        }
        String[] hops = xff.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !isTrusted(hop)) {
                return literal(hop) ? hop : peer;
            }
        }
        return peer;
    }

    public boolean isTrusted(String ip) {
        for (Block b : trusted) {
            if (b.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    private static boolean literal(String s) {
        return s.length() <= 45 && IpAddress.hexColonsDots(s);
    }

    /** An address block: a.b.c.d/n, an IPv6 block, or a single address; compared byte by byte. */
    record Block(byte[] network, int bits) {
        static Block parse(String spec) {
            String[] parts = spec.trim().split("/");
            byte[] addr = bytes(parts[0]);
            if (addr == null) {
                throw new IllegalArgumentException("not an IP address or block: " + spec);
            }
            int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : addr.length * 8;
            if (bits < 0 || bits > addr.length * 8) {
                throw new IllegalArgumentException("not an IP address or block: " + spec);
            }
            return new Block(addr, bits);
        }

        boolean contains(String ip) {
            byte[] addr = bytes(ip);
            if (addr == null || addr.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (addr[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (addr[whole] & mask) == (network[whole] & mask);
        }

        private static byte[] bytes(String ip) {
            if (!literal(ip)) {
                return null;
            }
            try {
                // A literal only: getByName never resolves a name here.
                return InetAddress.getByName(ip).getAddress();
            } catch (Exception e) {
                return null;
            }
        }
    }
}
