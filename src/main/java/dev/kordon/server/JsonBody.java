package dev.kordon.server;

import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** A request's JSON object body, read strictly: not an object → 400, a non-string field → 400. */
public final class JsonBody {
    private final JsonObject json;
    private final Map<String, Text> errors = new LinkedHashMap<>();

    private JsonBody(JsonObject json) {
        this.json = json;
    }

    public static JsonBody of(RoutingContext ctx) {
        Buffer buf = ctx.body().buffer();
        if (buf == null || buf.length() == 0) {
            throw malformed();
        }
        try {
            Object parsed = io.vertx.core.json.Json.decodeValue(buf);
            if (!(parsed instanceof JsonObject obj)) {
                throw malformed();
            }
            return new JsonBody(obj);
        } catch (DecodeException e) {
            throw malformed();
        }
    }

    private static FlowException malformed() {
        return new MalformedBody();
    }

    /** A string field, or null when absent; a value of another JSON type is a field error. */
    public String string(String field) {
        Object v = json.getValue(field);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        errors.put(field, Text.of("field.type"));
        return null;
    }

    /** An object field as its JSON text, or null when absent; a value of another JSON type is a field error. */
    public String objectText(String field) {
        Object v = json.getValue(field);
        if (v == null || v instanceof JsonObject) {
            return v == null ? null : ((JsonObject) v).encode();
        }
        errors.put(field, Text.of("field.type"));
        return null;
    }

    /** Throws the collected type errors, if any; call before handing values to a flow. */
    public void check() {
        if (!errors.isEmpty()) {
            throw FlowException.invalid(errors);
        }
    }

    /** Signals a body that is no JSON object; rendered with its own detail text. */
    public static final class MalformedBody extends FlowException {
        public MalformedBody() {
            super(Failure.INVALID_REQUEST);
        }
    }
}
