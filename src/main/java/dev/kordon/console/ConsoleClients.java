package dev.kordon.console;

import dev.kordon.client.ClientAdmin;
import dev.kordon.client.ClientMetadata;
import dev.kordon.client.ClientRegistry;
import dev.kordon.client.OidcClient;
import dev.kordon.page.PageModel;
import dev.kordon.page.PageModel.Model;
import dev.kordon.page.PageParts;
import dev.kordon.page.PageView;
import dev.kordon.problem.Bundles;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.server.ClientIp;
import dev.kordon.server.Edge;
import dev.kordon.server.Language;
import dev.kordon.server.Mount;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The console's OpenID Connect clients: the list, a form that creates or replaces one, a new
 * secret, a delete asked first. Every change is {@link ClientAdmin}'s, audited as the admin API's.
 * A secret is shown once, in the answer to the POST that made it (no redirect carries it; the
 * console's pages are no-store). Mounted after {@link ConsoleRoutes}, whose session and CSRF
 * checks on {@code /console/*} stand in front of these routes.
 */
public final class ConsoleClients implements Mount {
    static final String PAGE = "/console/clients";
    /** The empty form; not under {@link #PAGE}, where any id a client may have names a client. */
    static final String NEW = "/console/new-client";
    /** What the pages may say was done; anything else in {@code ?done=} is ignored. */
    static final Set<String> DONE = Set.of("saved", "deleted");

    private final ClientAdmin clients;
    private final ClientIp clientIp;
    private final PageView view;
    private final ConsoleRows rows;

    public ConsoleClients(Edge edge, ClientAdmin clients, PageParts parts) {
        this.clients = clients;
        this.clientIp = edge.clientIp();
        this.view = new PageView(parts.templates(), edge.faults());
        this.rows = ConsoleRows.beside(edge, parts);
    }

    @Override
    public void on(Router router, Vertx vertx) {
        router.get(PAGE).handler(this::list);
        router.post(PAGE).handler(this::save);
        router.get(NEW).handler(ctx -> form(ctx, 200, Form.empty(), Map.of(), false));
        router.get(PAGE + "/:id").handler(this::one);
        router.post(PAGE + "/:id/rotate").handler(this::rotate);
        router.post(PAGE + "/:id/delete").handler(this::delete);
    }

    private void list(RoutingContext ctx) {
        clients.list()
                .onSuccess(all -> {
                    List<Map<String, Object>> shown = new ArrayList<>();
                    for (OidcClient c : all) {
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("id", c.clientId());
                        r.put("name", c.name());
                        r.put("method", c.authMethod().wire);
                        r.put("redirects", c.redirectUris());
                        r.put("scope", ClientMetadata.scope(c.scopes()));
                        r.put("href", href(c.clientId()) + PageModel.langQuery(ctx));
                        shown.add(r);
                    }
                    view.render(
                            ctx,
                            "console/clients.ftlh",
                            200,
                            rows.base(ctx, true)
                                    .put("banner", banner(ctx))
                                    .put("clients", shown)
                                    .put("newHref", NEW + PageModel.langQuery(ctx)));
                })
                .onFailure(ctx::fail);
    }

    /** One client in the form that replaces it, with its secret and delete buttons. */
    private void one(RoutingContext ctx) {
        clients.show(ctx.pathParam("id"))
                .onSuccess(c -> form(ctx, 200, Form.of(c), Map.of(), true))
                .onFailure(err -> missing(ctx, err));
    }

    private void form(RoutingContext ctx, int status, Form f, Map<String, String> errors, boolean existing) {
        String formError = errors.isEmpty()
                ? ""
                : errors.getOrDefault("rotate_secret", PageModel.text(ctx, "problem.invalid_request.detail"));
        Model m = rows.base(ctx, true)
                .put("banner", banner(ctx))
                .put("formError", formError)
                .put("errors", errors)
                .put("existing", existing)
                .put("client", f.model())
                .put("methods", List.of("client_secret_basic", "client_secret_post", "none"))
                .put("scopes", ClientMetadata.SCOPES)
                .put("action", PAGE)
                .put("back", PAGE + PageModel.langQuery(ctx));
        if (existing) {
            m.put("href", href(f.id()));
        }
        view.render(ctx, "console/client.ftlh", status, m);
    }

    private void save(RoutingContext ctx) {
        Form f = Form.of(ctx.request().formAttributes());
        clients.save(f.id(), f.metadata(), false, clientIp.of(ctx))
                .onSuccess(saved -> saved(ctx, saved, saved.created() ? "created" : "replaced"))
                .onFailure(err -> {
                    if (err instanceof FlowException fe && !fe.fields().isEmpty()) {
                        form(ctx, 400, f, texts(ctx, fe), false);
                        return;
                    }
                    ctx.fail(err);
                });
    }

    private void rotate(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        clients.show(id)
                .compose(c -> clients.save(id, ClientMetadata.json(c), true, clientIp.of(ctx)))
                .onSuccess(saved -> saved(ctx, saved, "rotated"))
                .onFailure(err -> {
                    if (err instanceof FlowException fe && !fe.fields().isEmpty()) {
                        // A public client has no secret to rotate: its page again, with why.
                        clients.show(id)
                                .onSuccess(c -> form(ctx, 400, Form.of(c), texts(ctx, fe), true))
                                .onFailure(e -> missing(ctx, e));
                        return;
                    }
                    missing(ctx, err);
                });
    }

    /** A new secret is shown here, this once; a save without one goes back to the client's page. */
    private void saved(RoutingContext ctx, ClientRegistry.Saved saved, String what) {
        String id = saved.client().clientId();
        if (saved.secret() == null) {
            PageView.redirect(ctx, href(id) + "?done=saved" + PageModel.langAnd(ctx));
            return;
        }
        view.render(
                ctx,
                "console/client-secret.ftlh",
                200,
                rows.base(ctx, true)
                        .put("banner", PageModel.text(ctx, "console.clients.done." + what))
                        .put("clientId", id)
                        .put("secret", saved.secret())
                        .put("href", href(id) + PageModel.langQuery(ctx)));
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!"yes".equals(ctx.request().getFormAttribute("confirmed"))) {
            clients.show(id)
                    .onSuccess(c -> view.render(
                            ctx,
                            "console/confirm.ftlh",
                            200,
                            rows.base(ctx, true)
                                    .put("question", PageModel.text(ctx, "console.clients.confirm.delete", id))
                                    .put("hint", PageModel.text(ctx, "console.clients.delete.hint"))
                                    .put("submit", PageModel.text(ctx, "console.clients.confirm.delete.submit"))
                                    .put("action", href(id) + "/delete")
                                    .put("back", href(id) + PageModel.langQuery(ctx))))
                    .onFailure(err -> missing(ctx, err));
            return;
        }
        clients.delete(id, clientIp.of(ctx))
                .onSuccess(v -> PageView.redirect(ctx, PAGE + "?done=deleted" + PageModel.langAnd(ctx)))
                .onFailure(err -> missing(ctx, err));
    }

    /** No such client (any more): the console's message page says so. */
    private void missing(RoutingContext ctx, Throwable err) {
        if (err instanceof FlowException fe && fe.failure() == Failure.NOT_FOUND) {
            view.render(
                    ctx,
                    "console/message.ftlh",
                    404,
                    rows.base(ctx, true).put("formError", PageModel.text(ctx, "console.clients.missing")));
            return;
        }
        ctx.fail(err);
    }

    /** Each refused field's reason, in the desk's language. */
    private static Map<String, String> texts(RoutingContext ctx, FlowException fe) {
        Map<String, String> out = new LinkedHashMap<>();
        fe.fields().forEach((k, v) -> out.put(k, Bundles.text(Language.of(ctx).locale(), v)));
        return out;
    }

    private static String banner(RoutingContext ctx) {
        String done = ctx.queryParams().get("done");
        return done != null && DONE.contains(done) ? PageModel.text(ctx, "console.clients.done." + done) : "";
    }

    static String href(String clientId) {
        return PAGE + "/" + ConsoleRows.enc(clientId);
    }

    /**
     * The form's fields as typed, each list one per line, and the RFC 7591 metadata they make: a
     * refused form is shown again as it was sent.
     */
    record Form(
            String id,
            String name,
            String method,
            String redirects,
            String logouts,
            String backchannel,
            List<String> scopes) {

        static Form empty() {
            return new Form("", "", "client_secret_basic", "", "", "", List.of("openid"));
        }

        static Form of(OidcClient c) {
            return new Form(
                    c.clientId(),
                    c.name(),
                    c.authMethod().wire,
                    String.join("\n", c.redirectUris()),
                    String.join("\n", c.postLogoutRedirectUris()),
                    c.backchannelLogoutUri() == null ? "" : c.backchannelLogoutUri(),
                    List.of(ClientMetadata.scope(c.scopes()).split(" ")));
        }

        static Form of(MultiMap form) {
            return new Form(
                    value(form, ClientMetadata.CLIENT_ID),
                    value(form, ClientMetadata.CLIENT_NAME),
                    value(form, ClientMetadata.AUTH_METHOD),
                    value(form, ClientMetadata.REDIRECT_URIS),
                    value(form, ClientMetadata.POST_LOGOUT_REDIRECT_URIS),
                    value(form, ClientMetadata.BACKCHANNEL_LOGOUT_URI),
                    List.copyOf(form.getAll(ClientMetadata.SCOPE)));
        }

        private static String value(MultiMap form, String name) {
            String v = form.get(name);
            return v == null ? "" : v.strip();
        }

        JsonObject metadata() {
            return new JsonObject()
                    .put(ClientMetadata.CLIENT_NAME, name)
                    .put(ClientMetadata.AUTH_METHOD, method)
                    .put(ClientMetadata.REDIRECT_URIS, lines(redirects))
                    .put(ClientMetadata.POST_LOGOUT_REDIRECT_URIS, lines(logouts))
                    .put(ClientMetadata.BACKCHANNEL_LOGOUT_URI, backchannel)
                    .put(ClientMetadata.SCOPE, String.join(" ", scopes));
        }

        Map<String, Object> model() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("name", name);
            m.put("method", method);
            m.put("redirects", redirects);
            m.put("logouts", logouts);
            m.put("backchannel", backchannel);
            m.put("scopes", scopes);
            return m;
        }

        private static JsonArray lines(String text) {
            JsonArray out = new JsonArray();
            for (String line : text.split("\r?\n")) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
            return out;
        }
    }
}
