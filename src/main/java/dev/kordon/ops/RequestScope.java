package dev.kordon.ops;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * The request being served: its id and W3C trace id, kept on the request's own Vert.x context
 * (each HTTP request runs on a duplicate of its event loop's context, and the futures of its flow
 * stay on it), so a log line or an audit event written anywhere while serving it can name it.
 */
public final class RequestScope {
    private static final String KEY = "kordon.request";
    private static final String ACTOR = "kordon.actor";

    /** What a log line or an audit event of a request names. */
    public record Ids(String requestId, String traceId) {}

    private RequestScope() {}

    /** Marks the current request; outside one (a timer, start-up) nothing is kept. */
    public static void enter(String requestId, String traceId) {
        if (Vertx.currentContext() instanceof ContextInternal c && c.isDuplicate()) {
            c.putLocal(KEY, new Ids(requestId, traceId));
        }
    }

    /** The ids of the request served on this thread's context, or null. */
    public static Ids current() {
        Context c = Vertx.currentContext();
        return c instanceof ContextInternal ci && ci.isDuplicate() ? ci.getLocal(KEY) : null;
    }

    /**
     * Names who is acting in this request (a named operator, or {@code token} for the admin token),
     * so every audit event it writes names them; outside a request nothing is kept.
     */
    public static void actAs(String actor) {
        if (Vertx.currentContext() instanceof ContextInternal c && c.isDuplicate()) {
            c.putLocal(ACTOR, actor);
        }
    }

    /** Who acts in the request served on this thread's context, or null. */
    public static String actor() {
        Context c = Vertx.currentContext();
        return c instanceof ContextInternal ci && ci.isDuplicate() ? ci.getLocal(ACTOR) : null;
    }

    public static String requestId() {
        Ids ids = current();
        return ids == null ? null : ids.requestId();
    }
}
