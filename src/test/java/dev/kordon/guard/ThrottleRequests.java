package dev.kordon.guard;

import dev.kordon.support.Rig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/**
 * The requests the throttle tests send, each as from a client address that a trusted proxy names
 * in X-Forwarded-For: the budgets are kept per address, so every test picks its own.
 */
final class ThrottleRequests {
    private ThrottleRequests() {}

    static Future<HttpResponse<Buffer>> loginFrom(Rig rig, String ip, String login, String password) {
        return rig.postAsync(
                "/api/v1/login/password",
                new JsonObject().put("category", "mobile").put("login", login).put("password", password),
                MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", ip));
    }

    static JsonObject body(String login) {
        return new JsonObject().put("category", "mobile").put("login", login);
    }

    static MultiMap ip(String ip) {
        return MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", ip);
    }
}
