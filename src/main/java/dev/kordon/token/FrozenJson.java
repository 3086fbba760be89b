package dev.kordon.token;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only deep copies of JSON. {@link VerifiedTokens} hands one copy to every caller on every
 * event loop, so none may change what the next is served.
 */
final class FrozenJson {
    private FrozenJson() {}

    /** A deep copy nobody can change: every caller may be handed the same one. */
    static JsonObject of(JsonObject json) {
        Map<String, Object> copy = new LinkedHashMap<>();
        json.forEach(e -> copy.put(e.getKey(), frozenValue(e.getValue())));
        return new JsonObject(Collections.unmodifiableMap(copy));
    }

    private static Object frozenValue(Object v) {
        if (v instanceof JsonObject o) {
            return of(o);
        }
        if (v instanceof Map<?, ?> m) {
            return of(new JsonObject(new LinkedHashMap<>(castMap(m))));
        }
        if (v instanceof JsonArray a) {
            return frozenArray(a.getList());
        }
        if (v instanceof List<?> l) {
            return frozenArray(l);
        }
        return v;
    }

    private static JsonArray frozenArray(List<?> list) {
        List<Object> copy = new ArrayList<>(list.size());
        list.forEach(x -> copy.add(frozenValue(x)));
        return new JsonArray(Collections.unmodifiableList(copy));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
