package dev.kordon.server;

import dev.kordon.admin.ImportStopped;
import dev.kordon.problem.Bundles;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import dev.kordon.store.Outage;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every error as {@code application/problem+json} (RFC 9457); nothing of a stack trace leaves. */
public final class Problems {
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {}

    /** Refusals of the HTTP layer itself, before any flow sees the request. */
    enum HttpFailure {
        METHOD_NOT_ALLOWED(405),
        PAYLOAD_TOO_LARGE(413),
        UNSUPPORTED_MEDIA_TYPE(415);

        final int status;

        HttpFailure(int status) {
            this.status = status;
        }

        static HttpFailure ofStatus(int status) {
            for (HttpFailure f : values()) {
                if (f.status == status) {
                    return f;
                }
            }
            return null;
        }
    }

    public static void send(
            RoutingContext ctx, Failure failure, Map<String, Text> fields, Duration retryAfter, String detailKey) {
        send(
                ctx,
                failure.code(),
                failure.status,
                fields,
                retryAfter,
                detailKey,
                failure == Failure.WEAK_PASSWORD || failure == Failure.PASSWORD_MISMATCH,
                null);
    }

    static void send(RoutingContext ctx, HttpFailure failure) {
        send(ctx, failure.name().toLowerCase(Locale.ROOT), failure.status, Map.of(), null, null, false, null);
    }

    /** An import that stopped: 413 when the body was over the limit, else 400; with what it saved first. */
    static void send(RoutingContext ctx, ImportStopped stopped) {
        if (stopped.tooLarge()) {
            HttpFailure f = HttpFailure.PAYLOAD_TOO_LARGE;
            send(
                    ctx,
                    f.name().toLowerCase(Locale.ROOT),
                    f.status,
                    stopped.fields(),
                    null,
                    null,
                    false,
                    stopped.progress());
        } else {
            Failure f = stopped.failure();
            send(ctx, f.code(), f.status, stopped.fields(), null, null, false, stopped.progress());
        }
    }

    /** {@code extensions}: members beside the problem's own (RFC 9457, section 3.2). */
    private static void send(
            RoutingContext ctx,
            String code,
            int status,
            Map<String, Text> fields,
            Duration retryAfter,
            String detailKey,
            boolean reasonIsDetail,
            JsonObject extensions) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        Language language = Language.of(ctx);
        Locale locale = language.locale();
        JsonObject body = new JsonObject()
                .put("type", "urn:kordon:problem:" + code)
                .put("title", Bundles.text(locale, "problem." + code + ".title"))
                .put("status", status)
                .put("code", code)
                .put("detail", Bundles.text(locale, detailKey != null ? detailKey : "problem." + code + ".detail"));
        if (reasonIsDetail && !fields.isEmpty()) {
            // The reason itself is the most useful detail a person can get here.
            body.put("detail", Bundles.text(locale, fields.values().iterator().next()));
        }
        if (!fields.isEmpty()) {
            JsonObject errors = new JsonObject();
            fields.forEach((field, text) -> errors.put(field, Bundles.text(locale, text)));
            body.put("errors", errors);
        }
        if (extensions != null) {
            extensions.forEach(member -> body.put(member.getKey(), member.getValue()));
        }
        var resp = ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", MEDIA_TYPE)
                .putHeader("Cache-Control", "no-store")
                .putHeader("Content-Language", language.code());
        if (retryAfter != null) {
            resp.putHeader("Retry-After", Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        }
        resp.end(body.encode());
    }

    public static void send(RoutingContext ctx, Failure failure) {
        send(ctx, failure, Map.of(), null, null);
    }

    /**
     * The router's failure handler: flows' refusals as they are; an outage of Postgres, Redis or a
     * deadline as 503 with Retry-After (fail closed, the client may come back); any other throwable
     * is a fault in Kordon: 500, reported with its stack.
     */
    public static void handleFailure(RoutingContext ctx, Faults faults) {
        Throwable err = ctx.failure();
        if (err instanceof ImportStopped stopped) {
            send(ctx, stopped);
            return;
        }
        if (err instanceof FlowException fe) {
            String detail = fe instanceof JsonBody.MalformedBody ? "problem.invalid_request.malformed" : null;
            send(ctx, fe.failure(), fe.fields(), fe.retryAfter(), detail);
            return;
        }
        int status = ctx.statusCode();
        if (err != null && (status < 400 || status == 500)) {
            if (Outage.of(err)) {
                LOG.warn("request failed, answered 503: " + ctx.request().method() + " "
                        + ctx.request().path() + ": " + err.getClass().getName() + ": " + err.getMessage());
                send(ctx, Failure.UNAVAILABLE, Map.of(), Duration.ofSeconds(1), null);
            } else {
                faults.report(ctx, err);
                send(ctx, Failure.INTERNAL);
            }
            return;
        }
        if (status >= 500) {
            LOG.warn("request failed: " + ctx.request().method() + " "
                    + ctx.request().path() + ": status " + status);
        }
        HttpFailure http = HttpFailure.ofStatus(status);
        if (http != null) {
            send(ctx, http);
            return;
        }
        send(ctx, Failure.ofStatus(status < 400 ? 500 : status));
    }
}
