package dev.kordon.web;

import dev.kordon.ops.RequestScope;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Every answer carries {@code X-Request-Id}: the trusted proxy's own, or a fresh one. A W3C
 * {@code traceparent} is honoured: its trace id names the request in the log, and the child
 * context Kordon hands on (to a proxy through {@code /auth/verify}) continues that trace.
 */
final class RequestIds implements Handler<RoutingContext> {
  static final String HEADER = "X-Request-Id";
  /** Key of the child traceparent in the routing context, for whatever passes the request on. */
  static final String TRACEPARENT = "kordon.traceparent";
  /** What a proxy may hand over as an id: short, and nothing a log line would misread. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern TRACE = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ClientIp clientIp;

  RequestIds(ClientIp clientIp) {
    this.clientIp = clientIp;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String peer = ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
    String offered = ctx.request().getHeader(HEADER);
    String id = offered != null && clientIp.isTrusted(peer) && ID.matcher(offered).matches() ? offered : hex(16);
    String traceId = null;
    String flags = "00";
    String parent = ctx.request().getHeader("traceparent");
    var m = parent == null ? null : TRACE.matcher(parent.trim());
    if (m != null && m.matches() && !m.group(1).equals("ff") && !m.group(2).equals("0".repeat(32))
        && !m.group(3).equals("0".repeat(16))) {
      traceId = m.group(2);
      flags = m.group(4);
    }
    if (traceId == null) {
      traceId = hex(16);
    }
    ctx.put(TRACEPARENT, "00-" + traceId + "-" + hex(8) + "-" + flags);
    ctx.response().putHeader(HEADER, id);
    RequestScope.enter(id, traceId);
    ctx.next();
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
