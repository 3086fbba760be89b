package dev.kordon.ops;

import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * The public API calls the metrics tests cause their events with, each as from a client address
 * that a trusted proxy names in X-Forwarded-For; each gives the answer's status.
 */
final class ApiCalls {
    private ApiCalls() {}

    static MultiMap from(String ip) {
        return MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", ip);
    }

    static JsonObject mobile(String login) {
        return new JsonObject().put("category", "mobile").put("login", login);
    }

    static int password(Rig rig, String ip, String login, String password) {
        return rig.post("/api/v1/login/password", mobile(login).put("password", password), from(ip))
                .statusCode();
    }

    static int smsCode(Rig rig, String ip, String login) {
        return rig.post("/api/v1/login/sms-code", mobile(login), from(ip)).statusCode();
    }

    static int recovery(Rig rig, String ip, String login, String channel) {
        return rig.post("/api/v1/password/recovery", mobile(login).put("channel", channel), from(ip))
                .statusCode();
    }
}
