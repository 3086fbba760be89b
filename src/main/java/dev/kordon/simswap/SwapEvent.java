package dev.kordon.simswap;

import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A CloudEvent (1.0, structured JSON) of CAMARA's sim-swap-subscriptions, as the network pushes it,
 * checked: {@code id}, {@code source}, {@code type}, {@code specversion} and {@code time} always, and
 * for a swap its {@code data.phoneNumber} in E.164. {@code phoneNumber} is null for other types.
 */
public record SwapEvent(String id, String source, String type, Instant time, String phoneNumber, JsonObject data) {
    /** A SIM swap happened on {@code data.phoneNumber}. */
    public static final String SWAPPED = "org.camaraproject.sim-swap-subscriptions.v0.swapped";

    /** The network stopped sending events for the subscription ({@code data.terminationReason}). */
    public static final String ENDED = "org.camaraproject.sim-swap-subscriptions.v0.subscription-ended";

    /** CAMARA's PhoneNumber. */
    private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{4,14}");

    /** The event read from the body; a 400 naming each field at fault otherwise. */
    public static SwapEvent of(JsonObject body) {
        Map<String, Text> errors = new LinkedHashMap<>();
        String id = text(body, "id", 256, errors);
        String source = text(body, "source", 2048, errors);
        String type = text(body, "type", 256, errors);
        String version = text(body, "specversion", 16, errors);
        if (version != null && !"1.0".equals(version)) {
            errors.put("specversion", Text.of("field.type"));
        }
        String at = text(body, "time", 64, errors);
        Instant time = null;
        if (at != null) {
            try {
                time = OffsetDateTime.parse(at).toInstant();
            } catch (DateTimeParseException e) {
                errors.put("time", Text.of("field.type"));
            }
        }
        Object value = body.getValue("data");
        JsonObject data = value instanceof JsonObject o ? o : new JsonObject();
        if (value != null && !(value instanceof JsonObject)) {
            errors.put("data", Text.of("field.type"));
        }
        String phone = null;
        if (SWAPPED.equals(type)) {
            Object number = data.getValue("phoneNumber");
            if (number == null) {
                errors.put("data.phoneNumber", Text.of("field.required"));
            } else if (number instanceof String s && PHONE.matcher(s).matches()) {
                phone = s;
            } else {
                errors.put("data.phoneNumber", Text.of("field.type"));
            }
        }
        if (!errors.isEmpty()) {
            throw FlowException.invalid(errors);
        }
        return new SwapEvent(id, source, type, time, phone, data);
    }

    private static String text(JsonObject body, String field, int max, Map<String, Text> errors) {
        Object value = body.getValue(field);
        if (value == null || value instanceof String s && s.isBlank()) {
            errors.put(field, Text.of("field.required"));
            return null;
        }
        if (!(value instanceof String s) || s.length() > max) {
            errors.put(field, Text.of("field.type"));
            return null;
        }
        return s;
    }
}
