package dev.kordon.server;

import dev.kordon.ops.RequestScope;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Every answer carries {@code X-Request-Id}: the trusted proxy's own, or a fresh one. A W3C
 * {@code traceparent} is honoured: its trace id names the request in the log, and the child
 * context Kordon hands on (to a proxy through {@code /auth/verify}) continues that trace.
 *
 * <p>Fresh ids must be unique, not secret: each event loop draws them from its own generator,
 * seeded once from {@link SecureRandom}. One shared {@code SecureRandom} (the JDK's reads
 * /dev/urandom under a lock) made every request of every event loop queue on that lock.
 */
public final class RequestIds implements Handler<RoutingContext> {
    public static final String HEADER = "X-Request-Id";
    private static final CharSequence HEADER_NAME = HttpHeaders.createOptimized(HEADER);
    private static final CharSequence TRACEPARENT_NAME = HttpHeaders.createOptimized("traceparent");
    /** Key of the child traceparent in the routing context, for whatever passes the request on. */
    public static final String TRACEPARENT = "kordon.traceparent";
    /** What a proxy may hand over as an id: short, and nothing a log line would misread. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private static final Pattern TRACE = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final SecureRandom SEEDS = new SecureRandom();
    private static final ThreadLocal<SplittableRandom> RANDOM = ThreadLocal.withInitial(() -> {
        synchronized (SEEDS) {
            return new SplittableRandom(SEEDS.nextLong());
        }
    });
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private final ClientIp clientIp;
    private final AccessLog access;

    /** {@code access}: where each request leaves its line once answered; null for no access log. */
    public RequestIds(ClientIp clientIp, AccessLog access) {
        this.clientIp = clientIp;
        this.access = access;
    }

    @Override
    public void handle(RoutingContext ctx) {
        SplittableRandom random = RANDOM.get();
        String offered = ctx.request().getHeader(HEADER_NAME);
        String id = offered != null
                        && clientIp.isTrusted(peer(ctx))
                        && ID.matcher(offered).matches()
                ? offered
                : hex(random.nextLong(), random.nextLong());
        String traceId = null;
        String flags = "00";
        String parent = ctx.request().getHeader(TRACEPARENT_NAME);
        var m = parent == null ? null : TRACE.matcher(parent.trim());
        if (m != null
                && m.matches()
                && !m.group(1).equals("ff")
                && !m.group(2).equals("0".repeat(32))
                && !m.group(3).equals("0".repeat(16))) {
            traceId = m.group(2);
            flags = m.group(4);
        }
        if (traceId == null) {
            long hi = random.nextLong();
            long lo = random.nextLong();
            // All zeros is not a trace id (W3C trace context).
            traceId = hex(hi, hi == 0 && lo == 0 ? 1 : lo);
        }
        long span = random.nextLong();
        ctx.put(TRACEPARENT, "00-" + traceId + "-" + hex(span == 0 ? 1 : span) + "-" + flags);
        ctx.response().putHeader(HEADER_NAME, id);
        RequestScope.enter(id, traceId);
        if (access != null) {
            long start = System.nanoTime();
            String trace = traceId;
            ctx.addEndHandler(ar -> access.write(ctx, ar.succeeded(), id, trace, start));
        }
        ctx.next();
    }

    private static String peer(RoutingContext ctx) {
        return ctx.request().remoteAddress() == null
                ? ""
                : ctx.request().remoteAddress().hostAddress();
    }

    /** 16 lower-case hex digits. */
    static String hex(long v) {
        char[] out = new char[16];
        digits(v, out, 0);
        return new String(out);
    }

    /** 32 lower-case hex digits. */
    static String hex(long hi, long lo) {
        char[] out = new char[32];
        digits(hi, out, 0);
        digits(lo, out, 16);
        return new String(out);
    }

    private static void digits(long v, char[] out, int at) {
        for (int i = at + 15; i >= at; i--) {
            out[i] = DIGITS[(int) (v & 0xf)];
            v >>>= 4;
        }
    }
}
