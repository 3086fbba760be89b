package dev.kordon.server;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.web.Router;
import java.util.List;

/** The routers a started Kordon serves, one per verticle instance, read from its deployments. */
public final class ServedRouters {
    private ServedRouters() {}

    /** The public port's routers (one per event loop the port runs on). */
    public static List<Router> publicPort(Vertx vertx) {
        return of(vertx, HttpVerticle.class);
    }

    /** The admin port's routers. */
    public static List<Router> adminPort(Vertx vertx) {
        return of(vertx, AdminVerticle.class);
    }

    private static List<Router> of(Vertx vertx, Class<? extends PortVerticle> port) {
        // Vert.x lists deployment ids only; the deployment manager is the one place that holds the instances.
        List<Router> routers = ((VertxInternal) vertx)
                .deploymentManager().deployments().stream()
                        .flatMap(d -> d.deployment().instances().stream())
                        .filter(port::isInstance)
                        .map(v -> port.cast(v).served())
                        .toList();
        if (routers.isEmpty() || routers.contains(null)) {
            throw new IllegalStateException("no started " + port.getSimpleName() + " on this Vert.x");
        }
        return routers;
    }
}
