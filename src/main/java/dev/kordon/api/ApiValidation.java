package dev.kordon.api;

import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import dev.kordon.server.JsonBody;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidationContext;
import io.vertx.openapi.validation.analyser.ContentAnalyser;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every API request is checked against openapi.yaml (vertx-openapi) before a flow sees it: JSON
 * types and outer bounds. A value of the wrong type becomes that field's error; a body that is no
 * JSON object is "malformed". The seed's own messages (required field, phone format) stay with
 * the flows, which know them.
 */
public final class ApiValidation {
    private final OpenAPIContract contract;
    private final RequestValidatorImpl validator;

    /** One per HTTP verticle instance, so one event loop uses it and its validators. */
    public ApiValidation(Vertx vertx, OpenAPIContract contract) {
        this.contract = contract;
        this.validator = new CachingValidator(vertx, contract);
    }

    /**
     * The library's body check, with one schema validator per media type kept instead of a new one
     * built for every request: building it was half the CPU of an SMS-code request (profiled under load).
     */
    private static final class CachingValidator extends RequestValidatorImpl {
        private final Map<MediaType, Validator> validators = new HashMap<>();

        CachingValidator(Vertx vertx, OpenAPIContract contract) {
            super(vertx, contract);
        }

        @Override
        protected RequestParameterImpl validate(
                MediaType type, String contentType, Buffer raw, ValidationContext context) {
            ContentAnalyser analyser =
                    type == null ? null : ContentAnalyser.getContentAnalyser(type, contentType, raw, context);
            if (analyser == null) {
                throw new IllegalArgumentException("unsupported body format: " + contentType);
            }
            analyser.checkSyntacticalCorrectness();
            if (!isSchemaValidationRequired(type)) {
                return new RequestParameterImpl(raw);
            }
            Object value = analyser.transform();
            OutputUnit result = validators
                    .computeIfAbsent(type, t -> contract.getSchemaRepository().validator(t.getSchema()))
                    .validate(value);
            try {
                result.checkValidity();
            } catch (JsonSchemaValidationException e) {
                throw SchemaValidationException.createInvalidValueBody(result, context, e);
            }
            return new RequestParameterImpl(value);
        }
    }

    /**
     * Checks the body in place, on the event loop: a schema check of at most 16 KiB takes
     * microseconds, while the validator's own future API hops to an ordered worker queue per
     * event loop, a serial bottleneck on the sign-in path. Path values are not checked here: the
     * flows parse them (the generic decoding would misread a login that starts with a plus).
     */
    public void handle(RoutingContext ctx) {
        Operation op =
                contract.findOperation(ctx.normalizedPath(), ctx.request().method());
        if (op == null
                || op.getRequestBody() == null
                || op.getRequestBody().getContent().get("application/json") == null) {
            ctx.next();
            return;
        }
        Buffer body = ctx.body().buffer();
        ValidatableRequest req = new ValidatableRequestImpl(
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                new RequestParameterImpl(body == null ? Buffer.buffer() : body),
                ctx.request().getHeader("Content-Type"));
        try {
            validator.validateBody(op.getRequestBody(), req);
        } catch (RuntimeException err) {
            ctx.fail(refusal(err));
            return;
        }
        ctx.next();
    }

    private static FlowException refusal(Throwable err) {
        if (err instanceof SchemaValidationException sve && sve.getOutputUnit() != null) {
            Map<String, Text> fields = new LinkedHashMap<>();
            collect(sve.getOutputUnit(), fields);
            if (!fields.isEmpty()) {
                return FlowException.invalid(fields);
            }
        }
        return new JsonBody.MalformedBody();
    }

    /** "#/login" → login: the first segment of each failing instance location names the field. */
    private static void collect(OutputUnit unit, Map<String, Text> fields) {
        String at = unit.getInstanceLocation();
        if (at != null && at.startsWith("#")) {
            at = at.substring(1);
        }
        if (at != null && at.startsWith("/") && at.length() > 1) {
            String field = at.substring(1).split("/")[0];
            if (field.matches("[a-z_]{1,40}")) {
                fields.putIfAbsent(field, Text.of("field.type"));
            }
        }
        if (unit.getErrors() != null) {
            for (OutputUnit inner : unit.getErrors()) {
                collect(inner, fields);
            }
        }
    }
}
