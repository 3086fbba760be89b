package dev.kordon.page;

import dev.kordon.page.PageModel.Model;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.render.Templates;
import dev.kordon.server.Faults;
import dev.kordon.store.Outage;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a page answers: a rendered template, a redirect, or a refused form with its reasons in place. */
public final class PageView {
    private static final Logger LOG = LoggerFactory.getLogger(PageView.class);

    private final Templates templates;
    private final Faults faults;

    public PageView(Templates templates, Faults faults) {
        this.templates = templates;
        this.faults = faults;
    }

    public void render(RoutingContext ctx, String template, int status, Model model) {
        templates
                .renderAsync("pages/" + template, model.map)
                .onSuccess(html -> ctx.response()
                        .setStatusCode(status)
                        .putHeader("Content-Type", "text/html; charset=utf-8")
                        .putHeader("Cache-Control", "no-store")
                        .end(html))
                .onFailure(err -> {
                    LOG.warn("page " + template + " failed to render: " + err.getMessage());
                    ctx.fail(500);
                });
    }

    /**
     * The failure handler of a set of pages: when Postgres or Redis is out of reach (or a flow says
     * it cannot answer now), the page says so in its own frame, with Retry-After, instead of the
     * problem+json a browser would show raw; a fault in Kordon is reported and the page says 500.
     * Anything else goes on to the router's handler.
     */
    public Handler<RoutingContext> unavailable(String template, Function<RoutingContext, Model> model) {
        return ctx -> {
            Throwable err = ctx.failure();
            boolean below = err instanceof FlowException fe
                    ? fe.failure().status >= 500
                    : err != null && (ctx.statusCode() < 400 || ctx.statusCode() == 500);
            if (!below || ctx.response().headWritten()) {
                ctx.next();
                return;
            }
            if (!(err instanceof FlowException) && !Outage.of(err)) {
                faults.report(ctx, err);
                failure(ctx, template, model.apply(ctx), Failure.INTERNAL);
                return;
            }
            LOG.warn("page failed, answered 503: " + ctx.request().method() + " "
                    + ctx.request().path() + ": " + err.getClass().getName() + ": " + err.getMessage());
            ctx.response().putHeader("Retry-After", "1");
            failure(ctx, template, model.apply(ctx), Failure.UNAVAILABLE);
        };
    }

    /** Lets a form's POST through only with its CSRF token; else 403 on {@code template}, which says why. */
    public Handler<RoutingContext> csrfChecked(Csrf csrf, String template, Function<RoutingContext, Model> model) {
        return ctx -> {
            if (!csrf.valid(ctx)) {
                render(ctx, template, 403, model.apply(ctx).put("formError", PageModel.text(ctx, "page.error.csrf")));
                return;
            }
            ctx.next();
        };
    }

    /** The page {@code template} with {@code failure}'s status, its title and detail at the top. */
    void failure(RoutingContext ctx, String template, Model m, Failure failure) {
        String problem = "problem." + failure.code();
        render(
                ctx,
                template,
                failure.status,
                m.put(
                        "formError",
                        PageModel.text(ctx, problem + ".title") + ". " + PageModel.text(ctx, problem + ".detail")));
    }

    /** A refused form: field errors in place, or the reason at the top; never a stack trace. */
    public void refused(RoutingContext ctx, Throwable err, Model m, String template, String credentialsKey) {
        if (!(err instanceof FlowException fe)) {
            ctx.fail(err);
            return;
        }
        Failure f = fe.failure();
        if (!fe.fields().isEmpty()) {
            m.put("errors", PageModel.fields(ctx, fe)).put("formError", PageModel.text(ctx, "page.error.summary"));
        } else if (f == Failure.INVALID_CREDENTIALS && credentialsKey != null) {
            m.put("formError", PageModel.text(ctx, credentialsKey));
        } else {
            m.put("formError", PageModel.text(ctx, "problem." + f.code() + ".detail"));
        }
        retryAfter(ctx, fe);
        render(ctx, template, f.status, m);
    }

    public static void retryAfter(RoutingContext ctx, FlowException fe) {
        if (fe.retryAfter() != null) {
            ctx.response()
                    .putHeader(
                            "Retry-After",
                            Long.toString(Math.max(1, fe.retryAfter().toSeconds())));
        }
    }

    public static void redirect(RoutingContext ctx, String location) {
        ctx.response()
                .setStatusCode(303)
                .putHeader("Location", location)
                .putHeader("Cache-Control", "no-store")
                .end();
    }
}
