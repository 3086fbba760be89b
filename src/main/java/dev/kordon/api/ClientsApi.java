package dev.kordon.api;

import dev.kordon.client.ClientAdmin;
import dev.kordon.client.ClientMetadata;
import dev.kordon.client.ClientRegistry;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import dev.kordon.server.Edge;
import dev.kordon.server.JsonBody;
import dev.kordon.server.Mount;
import dev.kordon.server.Routes;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * {@code /admin/v1/clients}: the OpenID Connect clients, in RFC 7591's names. Mounted by
 * {@link AdminApi} behind its bearer check, body limit and schema validation; what an operation
 * does is {@link ClientAdmin}'s. A secret appears in the one answer that made it, never again.
 */
public final class ClientsApi implements Mount {
    static final String ONE = "/admin/v1/clients/:client_id";

    private final Edge edge;
    private final ClientAdmin clients;

    public ClientsApi(Edge edge, ClientAdmin clients) {
        this.edge = edge;
        this.clients = clients;
    }

    @Override
    public void on(Router router, Vertx vertx) {
        router.put(ONE).handler(this::put);
        router.get(ONE)
                .handler(ctx -> clients.show(ctx.pathParam("client_id"))
                        .onSuccess(c -> Routes.json(ctx, 200, ClientMetadata.json(c)))
                        .onFailure(ctx::fail));
        router.get("/admin/v1/clients")
                .handler(ctx -> clients.list()
                        .onSuccess(all -> Routes.json(
                                ctx,
                                200,
                                new JsonObject()
                                        .put(
                                                "clients",
                                                new JsonArray(all.stream()
                                                        .map(ClientMetadata::json)
                                                        .toList()))))
                        .onFailure(ctx::fail));
        router.delete(ONE)
                .handler(ctx -> clients.delete(
                                ctx.pathParam("client_id"), edge.clientIp().of(ctx))
                        .onSuccess(v -> ctx.response().setStatusCode(204).end())
                        .onFailure(ctx::fail));
    }

    /** {@code PUT /admin/v1/clients/{client_id}[?rotate_secret=true]}: 201 created, 200 replaced. */
    private void put(RoutingContext ctx) {
        String rotate = ctx.queryParams().get("rotate_secret");
        if (rotate != null && !rotate.equals("true") && !rotate.equals("false")) {
            ctx.fail(FlowException.invalid(Map.of("rotate_secret", Text.of("field.choice", "true, false"))));
            return;
        }
        clients.save(
                        ctx.pathParam("client_id"),
                        body(ctx),
                        "true".equals(rotate),
                        edge.clientIp().of(ctx))
                .onSuccess(saved -> Routes.json(ctx, saved.created() ? 201 : 200, answer(saved)))
                .onFailure(ctx::fail);
    }

    /** The metadata as stored; with the secret, and RFC 7591's "it never expires", when one was just made. */
    static JsonObject answer(ClientRegistry.Saved saved) {
        JsonObject out = ClientMetadata.json(saved.client());
        if (saved.secret() != null) {
            out.put(ClientMetadata.CLIENT_SECRET, saved.secret()).put("client_secret_expires_at", 0);
        }
        return out;
    }

    private static JsonObject body(RoutingContext ctx) {
        try {
            if (ctx.body().buffer() != null && Json.decodeValue(ctx.body().buffer()) instanceof JsonObject json) {
                return json;
            }
        } catch (DecodeException e) {
            // refused below, as every other body that is no JSON object
        }
        throw new JsonBody.MalformedBody();
    }
}
