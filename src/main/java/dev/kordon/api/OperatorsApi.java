package dev.kordon.api;

import dev.kordon.operator.OperatorAdmin;
import dev.kordon.operator.Operators;
import dev.kordon.server.Edge;
import dev.kordon.server.JsonBody;
import dev.kordon.server.Mount;
import dev.kordon.server.Routes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /admin/v1/operators}: the console's named operators, managed by the admin token's holder.
 * Mounted after {@link AdminApi}, behind its bearer check, body limit and schema validation; what an
 * operation does is {@link OperatorAdmin}'s. A temporary password appears in the one answer that
 * made it (adding an operator, resetting one), never again; the operator changes it at the first
 * sign-in.
 */
public final class OperatorsApi implements Mount {
    static final String ONE = "/admin/v1/operators/:name";

    private final Edge edge;
    private final OperatorAdmin operators;

    public OperatorsApi(Edge edge, OperatorAdmin operators) {
        this.edge = edge;
        this.operators = operators;
    }

    @Override
    public void on(Router router, Vertx vertx) {
        router.get("/admin/v1/operators")
                .handler(ctx -> operators
                        .list()
                        .onSuccess(all -> Routes.json(
                                ctx,
                                200,
                                new JsonObject()
                                        .put(
                                                "operators",
                                                new JsonArray(all.stream()
                                                        .map(OperatorsApi::json)
                                                        .toList()))))
                        .onFailure(ctx::fail));
        router.put(ONE).handler(this::put);
        router.get(ONE)
                .handler(ctx -> operators
                        .show(ctx.pathParam("name"))
                        .onSuccess(o -> Routes.json(ctx, 200, json(o)))
                        .onFailure(ctx::fail));
        router.delete(ONE).handler(ctx -> noContent(ctx, operators.delete(ctx.pathParam("name"), ip(ctx))));
        router.post(ONE + "/disable")
                .handler(ctx -> noContent(ctx, operators.setDisabled(ctx.pathParam("name"), true, ip(ctx))));
        router.post(ONE + "/enable")
                .handler(ctx -> noContent(ctx, operators.setDisabled(ctx.pathParam("name"), false, ip(ctx))));
        router.post(ONE + "/reset")
                .handler(ctx -> operators
                        .reset(ctx.pathParam("name"), ip(ctx))
                        .onSuccess(saved -> Routes.json(ctx, 200, answer(saved)))
                        .onFailure(ctx::fail));
    }

    /** {@code PUT /admin/v1/operators/{name}}: 201 added (with the temporary password), 200 described anew. */
    private void put(RoutingContext ctx) {
        JsonBody body = JsonBody.of(ctx);
        String displayName = body.string("display_name");
        String email = body.string("email");
        body.check();
        operators
                .save(ctx.pathParam("name"), displayName, email, ip(ctx))
                .onSuccess(saved -> Routes.json(ctx, saved.created() ? 201 : 200, answer(saved)))
                .onFailure(ctx::fail);
    }

    private String ip(RoutingContext ctx) {
        return edge.clientIp().of(ctx);
    }

    static JsonObject answer(OperatorAdmin.Saved saved) {
        JsonObject out = json(saved.operator());
        if (saved.temporaryPassword() != null) {
            out.put("temporary_password", saved.temporaryPassword());
        }
        return out;
    }

    static JsonObject json(Operators.Operator o) {
        return new JsonObject()
                .put("name", o.name())
                .put("display_name", o.displayName())
                .put("email", o.email())
                .put("disabled", o.disabled())
                .put("must_change_password", o.mustChange())
                .put("totp", o.totp())
                .put("created_at", o.createdAt().toString())
                .put(
                        "last_sign_in_at",
                        o.lastSignInAt() == null ? null : o.lastSignInAt().toString());
    }

    private static void noContent(RoutingContext ctx, Future<Void> done) {
        done.onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
    }
}
