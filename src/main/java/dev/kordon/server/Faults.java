package dev.kordon.server;

import dev.kordon.ops.RequestScope;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request that failed through a fault in Kordon, not an outage: it is answered 500, its stack
 * goes to the log at ERROR (with the request's id, as every line written while serving it), and
 * it is counted, so a bug in production reads as a bug and pages someone.
 */
public final class Faults {
    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);

    private final Runnable count;

    /** {@code count}: called once per fault, to move the metric the alert watches. */
    public Faults(Runnable count) {
        this.count = count;
    }

    public void report(RoutingContext ctx, Throwable err) {
        count.run();
        // The id in the message too, so a plain-text log line names the request it broke.
        LOG.error(
                "request " + RequestScope.requestId() + " failed through a fault in Kordon, answered 500: "
                        + ctx.request().method() + " " + ctx.request().path(),
                err);
    }
}
