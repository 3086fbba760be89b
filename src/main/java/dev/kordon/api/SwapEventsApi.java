package dev.kordon.api;

import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.server.Edge;
import dev.kordon.server.JsonBody;
import dev.kordon.server.Mount;
import dev.kordon.server.Routes;
import dev.kordon.simswap.SwapEvent;
import dev.kordon.simswap.SwapEvents;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * {@code POST /admin/v1/events/sim-swap}: the sink of CAMARA's sim-swap-subscriptions, where the
 * network pushes its CloudEvents. It stands behind its own bearer secret
 * ({@code sim-swap.events.secret-file}), never the admin token, which the network must not hold;
 * without a secret configured it is off (404). A handled event, or one handled before, is 204.
 */
public final class SwapEventsApi implements Mount {
    static final String PATH = "/admin/v1/events/sim-swap";
    private static final java.util.regex.Pattern CORRELATOR =
            java.util.regex.Pattern.compile("[a-zA-Z0-9_:;./<>{}-]{0,256}");

    private final Edge edge;
    private final SwapEvents events;
    private final byte[] secret;

    public SwapEventsApi(Edge edge, SwapEvents events) {
        this.edge = edge;
        this.events = events;
        this.secret = edge.config().simSwapEvents().secret();
    }

    @Override
    public void on(Router router, Vertx vertx) {
        // The secret is checked before the body is read: a route of its own, as a body handler comes first on one.
        router.post(PATH).handler(this::authorize);
        router.post(PATH)
                .handler(BodyHandler.create(false)
                        .setBodyLimit(edge.config().http().bodyLimit()))
                .handler(Routes::noStore)
                .handler(this::receive);
    }

    private void authorize(RoutingContext ctx) {
        if (secret.length == 0) {
            ctx.fail(new FlowException(Failure.NOT_FOUND));
            return;
        }
        String presented = Routes.bearer(ctx);
        // Constant-time: the comparison must not tell how much of a guess was right.
        if (presented == null || !MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8))) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"kordon-sim-swap-events\"");
            ctx.fail(new FlowException(Failure.UNAUTHORIZED));
            return;
        }
        ctx.next();
    }

    /** CloudEvents' structured mode (application/cloudevents+json), or plain JSON. */
    private void receive(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        String media =
                type == null ? "" : type.toLowerCase(Locale.ROOT).split(";")[0].trim();
        if (!media.equals("application/cloudevents+json") && !media.equals("application/json")) {
            ctx.fail(415);
            return;
        }
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        if (body == null) {
            ctx.fail(new JsonBody.MalformedBody());
            return;
        }
        SwapEvent event;
        try {
            event = SwapEvent.of(body);
        } catch (FlowException invalid) {
            ctx.fail(invalid);
            return;
        }
        String correlator = ctx.request().getHeader("x-correlator");
        events.receive(event, edge.clientIp().of(ctx))
                .onSuccess(outcome -> {
                    if (correlator != null && CORRELATOR.matcher(correlator).matches()) {
                        ctx.response().putHeader("x-correlator", correlator);
                    }
                    ctx.response().setStatusCode(204).end();
                })
                .onFailure(ctx::fail);
    }
}
