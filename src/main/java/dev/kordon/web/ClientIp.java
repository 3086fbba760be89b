package dev.kordon.web;

import dev.kordon.guard.IpAddress;
import io.vertx.ext.web.RoutingContext;
import java.math.BigInteger;
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
    String peer = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
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

  boolean isTrusted(String ip) {
    for (Block b : trusted) {
      if (b.contains(ip)) {
        return true;
      }
    }
    return false;
  }

  private static boolean literal(String s) {
    return s.length() <= 45 && s.matches("[0-9a-fA-F:.]+");
  }

  /** An address block: a.b.c.d/n, an IPv6 block, or a single address. */
  record Block(BigInteger network, int bits, int length) {
    static Block parse(String spec) {
      String[] parts = spec.trim().split("/");
      byte[] addr = bytes(parts[0]);
      if (addr == null) {
        throw new IllegalArgumentException("not an IP address or block: " + spec);
      }
      int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : addr.length * 8;
      return new Block(mask(new BigInteger(1, addr), bits, addr.length * 8), bits, addr.length);
    }

    boolean contains(String ip) {
      byte[] addr = bytes(ip);
      return addr != null && addr.length == length && mask(new BigInteger(1, addr), bits, length * 8).equals(network);
    }

    private static BigInteger mask(BigInteger v, int bits, int total) {
      return v.shiftRight(total - bits).shiftLeft(total - bits);
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
