package dev.kordon.api;

import dev.kordon.admin.AccountCredentials;
import dev.kordon.admin.AdminFlow;
import dev.kordon.admin.CsvImport;
import dev.kordon.client.ClientAdmin;
import dev.kordon.operator.OperatorAdmin;
import dev.kordon.ops.RequestScope;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.server.Edge;
import dev.kordon.server.JsonBody;
import dev.kordon.server.Language;
import dev.kordon.server.Mount;
import dev.kordon.server.Routes;
import dev.kordon.simswap.SwapEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin API (/admin/v1) behind the admin bearer token: operators provision accounts here. HTTP
 * only: what an operation does is {@link AdminFlow}'s.
 */
public final class AdminApi implements Mount {
    static final String IMPORT = "/admin/v1/accounts/import";
    private static final String SECOND_STEP = "/admin/v1/accounts/:category/:login/second-step";

    private final Edge edge;
    private final AdminFlow admin;
    private final AccountCredentials credentials;
    private final ClientsApi clients;
    private final SwapEventsApi swapEvents;
    private final byte[] token;

    /**
     * {@code clients}: the OpenID Connect clients, whose routes ({@link ClientsApi}) stand behind the same
     * checks; {@code swapEvents}: the network's SIM swap events, whose route ({@link SwapEventsApi})
     * stands behind its own secret instead.
     */
    public AdminApi(
            Edge edge, AdminFlow admin, AccountCredentials credentials, ClientAdmin clients, SwapEvents swapEvents) {
        this.edge = edge;
        this.admin = admin;
        this.credentials = credentials;
        this.clients = new ClientsApi(edge, clients);
        this.swapEvents = new SwapEventsApi(edge, swapEvents);
        this.token = edge.config().admin().token().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void on(Router router, Vertx vertx) {
        // Before the admin token's check: the network holds the events' secret, never the admin token.
        swapEvents.on(router, vertx);
        router.route("/admin/*").handler(this::authorize);
        BodyHandler small =
                BodyHandler.create(false).setBodyLimit(edge.config().http().bodyLimit());
        router.route("/admin/*").handler(ctx -> {
            if (IMPORT.equals(ctx.normalizedPath())) {
                streamed(ctx);
            } else {
                small.handle(ctx);
            }
        });
        router.route("/admin/*").handler(Routes::noStore);
        router.put("/admin/*").handler(Routes::requireJson);
        router.post("/admin/*").handler(ctx -> {
            if (IMPORT.equals(ctx.normalizedPath())) {
                requireCsv(ctx);
            } else {
                Routes.requireJson(ctx);
            }
        });
        router.post(IMPORT).handler(this::importCsv);
        router.route("/admin/*").handler(new ApiValidation(vertx, edge.contract())::handle);
        router.put("/admin/v1/accounts/:category/:login").handler(this::put);
        router.get("/admin/v1/accounts/:category/:login").handler(this::get);
        router.post("/admin/v1/accounts/:category/:login/unlock").handler(this::unlock);
        router.get("/admin/v1/accounts/:category/:login/events").handler(this::events);
        router.get("/admin/v1/accounts").handler(this::search);
        router.post("/admin/v1/accounts/:category/:login/disable")
                .handler(ctx -> noContent(
                        ctx,
                        admin.disable(
                                ctx.pathParam("category"),
                                ctx.pathParam("login"),
                                edge.clientIp().of(ctx))));
        router.post("/admin/v1/accounts/:category/:login/enable")
                .handler(ctx -> noContent(
                        ctx,
                        admin.enable(
                                ctx.pathParam("category"),
                                ctx.pathParam("login"),
                                edge.clientIp().of(ctx))));
        router.get("/admin/v1/accounts/:category/:login/sessions")
                .handler(ctx -> credentials
                        .sessions(ctx.pathParam("category"), ctx.pathParam("login"))
                        .onSuccess(list -> Routes.json(ctx, 200, ApiJson.sessions(list)))
                        .onFailure(ctx::fail));
        router.delete("/admin/v1/accounts/:category/:login/sessions/:id")
                .handler(ctx -> noContent(
                        ctx,
                        credentials.endSession(
                                ctx.pathParam("category"),
                                ctx.pathParam("login"),
                                ctx.pathParam("id"),
                                edge.clientIp().of(ctx))));
        router.post("/admin/v1/accounts/:category/:login/resend")
                .handler(ctx -> credentials
                        .resend(
                                ctx.pathParam("category"),
                                ctx.pathParam("login"),
                                edge.clientIp().of(ctx))
                        .onSuccess(issued -> Routes.json(ctx, 202, ApiJson.of(issued)))
                        .onFailure(ctx::fail));
        router.post("/admin/v1/accounts/:category/:login/reset")
                .handler(ctx -> credentials
                        .reset(
                                ctx.pathParam("category"),
                                ctx.pathParam("login"),
                                edge.clientIp().of(ctx))
                        .onSuccess(issued -> Routes.json(ctx, 202, ApiJson.of(issued)))
                        .onFailure(ctx::fail));
        router.get(SECOND_STEP)
                .handler(ctx -> credentials
                        .secondStep(ctx.pathParam("category"), ctx.pathParam("login"))
                        .onSuccess(methods -> Routes.json(ctx, 200, methods))
                        .onFailure(ctx::fail));
        router.delete(SECOND_STEP).handler(ctx -> removeSecondStep(ctx, "all"));
        router.delete(SECOND_STEP + "/totp").handler(ctx -> removeSecondStep(ctx, "totp"));
        router.delete(SECOND_STEP + "/passkeys/:id")
                .handler(ctx -> removeSecondStep(ctx, "passkey:" + ctx.pathParam("id")));
        clients.on(router, vertx);
    }

    private void removeSecondStep(RoutingContext ctx, String what) {
        noContent(
                ctx,
                credentials.removeSecondStep(
                        ctx.pathParam("category"),
                        ctx.pathParam("login"),
                        what,
                        edge.clientIp().of(ctx)));
    }

    private void authorize(RoutingContext ctx) {
        String presented = Routes.bearer(ctx);
        // Constant-time: the comparison must not tell how much of a guess was right.
        if (token.length == 0
                || presented == null
                || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"kordon-admin\"");
            ctx.fail(new FlowException(Failure.UNAUTHORIZED));
            return;
        }
        // Whatever this request changes, the audit names the token as who did it.
        RequestScope.actAs(OperatorAdmin.TOKEN);
        ctx.next();
    }

    private void put(RoutingContext ctx) {
        JsonBody body = JsonBody.of(ctx);
        AdminFlow.Fields fields = new AdminFlow.Fields(
                body.string("tariff"), body.string("email"), body.string("role"), body.string("status"));
        body.check();
        admin.save(
                        ctx.pathParam("category"),
                        ctx.pathParam("login"),
                        fields,
                        edge.clientIp().of(ctx))
                .onSuccess(up -> Routes.json(ctx, up.created() ? 201 : 200, ApiJson.of(up.account())))
                .onFailure(ctx::fail);
    }

    private static void requireCsv(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null
                || !type.toLowerCase(java.util.Locale.ROOT).split(";")[0].trim().equals("text/csv")) {
            ctx.fail(415);
            return;
        }
        ctx.next();
    }

    /**
     * The import's body is not buffered: it stays paused until {@link CsvImport} reads it. An answer
     * given before all of it was read (a refusal, an import stopped part-way) closes the connection,
     * which could not carry another request with the rest of this body still unread.
     */
    private static void streamed(RoutingContext ctx) {
        ctx.request().pause();
        ctx.addHeadersEndHandler(v -> {
            if (!ctx.request().isEnded()) {
                ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            }
        });
        ctx.response().endHandler(v -> {
            if (!ctx.request().isEnded()) {
                ctx.request().connection().close();
            }
        });
        ctx.next();
    }

    /**
     * {@code POST /admin/v1/accounts/import}: see {@link CsvImport}. A declared length over the
     * limit is refused before a byte is read; a client that asked to be told first (curl does for
     * large files) is told to go on only after that.
     */
    private void importCsv(RoutingContext ctx) {
        var limits = edge.config().admin();
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > limits.importLimit()) {
            ctx.fail(413);
            return;
        }
        if ("100-continue".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.EXPECT))) {
            ctx.response().writeContinue();
        }
        CsvImport job = CsvImport.of(
                admin,
                ctx.vertx(),
                Language.of(ctx).locale(),
                ctx.request(),
                new CsvImport.Limits(limits.importLimit(), limits.importRows()));
        admin.imported(job, edge.clientIp().of(ctx))
                .onSuccess(done -> Routes.json(ctx, 200, ApiJson.of(done)))
                .onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        admin.account(ctx.pathParam("category"), ctx.pathParam("login"))
                .onSuccess(state -> Routes.json(ctx, 200, ApiJson.of(state)))
                .onFailure(ctx::fail);
    }

    private void unlock(RoutingContext ctx) {
        admin.unlock(
                        ctx.pathParam("category"),
                        ctx.pathParam("login"),
                        edge.clientIp().of(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private static void noContent(RoutingContext ctx, Future<Void> done) {
        done.onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
    }

    /** {@code GET /admin/v1/accounts?login_prefix=&email=&limit=}: a limit that is no number is refused. */
    private void search(RoutingContext ctx) {
        String raw = ctx.queryParams().get("limit");
        Integer limit = raw == null ? null : raw.matches("\\d{1,4}") ? Integer.valueOf(raw) : Integer.valueOf(-1);
        admin.search(ctx.queryParams().get("login_prefix"), ctx.queryParams().get("email"), limit)
                .onSuccess(found -> Routes.json(ctx, 200, ApiJson.accounts(found)))
                .onFailure(ctx::fail);
    }

    private void events(RoutingContext ctx) {
        String raw = ctx.queryParams().get("limit");
        Integer limit = raw != null && raw.matches("\\d{1,4}") ? Integer.valueOf(raw) : null;
        admin.events(ctx.pathParam("category"), ctx.pathParam("login"), limit)
                .onSuccess(list -> Routes.json(ctx, 200, ApiJson.events(list)))
                .onFailure(ctx::fail);
    }
}
