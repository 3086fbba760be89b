package dev.kordon.console;

import dev.kordon.audit.Audit;
import dev.kordon.dispatch.DeadLetters;
import dev.kordon.page.PageModel;
import dev.kordon.page.PageParts;
import dev.kordon.page.PageView;
import dev.kordon.server.ClientIp;
import dev.kordon.server.Edge;
import dev.kordon.server.Mount;
import dev.kordon.store.Outage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's dead letters: what was set aside and why, whether a listed key opens it now, and
 * a button that sends one again. Mounted after {@link ConsoleRoutes}, whose handlers on
 * {@code /console/*} (a live session, CSRF on every POST) stand in front of these routes.
 */
public final class ConsoleDeadLetters implements Mount {
    static final String PAGE = "/console/dead-letters";
    /** Dead letters the page shows: the newest. */
    static final int SHOWN = 200;

    private final DeadLetters letters;
    private final Audit audit;
    private final ClientIp clientIp;
    private final PageView view;
    private final ConsoleRows rows;

    public ConsoleDeadLetters(Edge edge, DeadLetters letters, Audit audit, PageParts parts) {
        this.letters = letters;
        this.audit = audit;
        this.clientIp = edge.clientIp();
        this.view = new PageView(parts.templates(), edge.faults());
        this.rows = ConsoleRows.beside(edge, parts);
    }

    @Override
    public void on(Router router, Vertx vertx) {
        router.get(PAGE).handler(this::show);
        router.post(PAGE + "/:id/redrive").handler(this::redrive);
    }

    private void show(RoutingContext ctx) {
        String done = ctx.queryParams().get("done");
        String banner =
                "redrive".equals(done) || "gone".equals(done) ? PageModel.text(ctx, "console.dead.done." + done) : "";
        letters.newest(SHOWN)
                .onSuccess(found -> {
                    List<Map<String, Object>> shown = new ArrayList<>();
                    for (DeadLetters.Letter l : found) {
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("id", l.id());
                        r.put("outboxId", l.outboxId());
                        r.put("kind", l.kind());
                        r.put("accepted", ConsoleRows.when(l.accepted()));
                        r.put("dead", ConsoleRows.when(l.dead()));
                        r.put("reason", l.reason());
                        r.put("opens", l.opens());
                        r.put("action", PAGE + "/" + l.id() + "/redrive");
                        shown.add(r);
                    }
                    view.render(
                            ctx,
                            "console/dead-letters.ftlh",
                            200,
                            rows.base(ctx, true).put("banner", banner).put("letters", shown));
                })
                .onFailure(ctx::fail);
    }

    private void redrive(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        letters.redrive(id)
                .onSuccess(sent -> {
                    if (sent) {
                        redriven(ctx, new JsonObject().put("dead_letter", id));
                    }
                    PageView.redirect(ctx, PAGE + "?done=" + (sent ? "redrive" : "gone") + PageModel.langAnd(ctx));
                })
                .onFailure(err -> {
                    if (Outage.unconfirmed(err)) {
                        // Off the dead letters and in the outbox, if on no replica yet: it may still go
                        // out, so the desk's action is on record, marked unconfirmed; the answer is 503.
                        redriven(ctx, new JsonObject().put("dead_letter", id).put("confirmed", false));
                    }
                    ctx.fail(err);
                });
    }

    private void redriven(RoutingContext ctx, JsonObject detail) {
        audit.record(Audit.DEAD_LETTER_REDRIVEN, null, null, null, clientIp.of(ctx), detail);
    }
}
