package dev.kordon.oauth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * What an authorization code stands for: who signed in, for which client and request, and how. It
 * holds no secret (the code is the secret, and is kept only as a keyed hash), so it is stored as
 * plain JSON.
 *
 * @param codeChallenge the S256 PKCE challenge, or null when the request sent none
 * @param nonce the request's nonce for the ID token, or null
 * @param authTime when the person signed in, epoch seconds (the ID token's {@code auth_time})
 * @param amr how they signed in ({@code pwd}, {@code sms}, ...)
 * @param sid the browser session's public id for the ID token's {@code sid}; never the session cookie
 */
public record Grant(
        UUID account,
        String clientId,
        String redirectUri,
        String codeChallenge,
        String nonce,
        List<String> scopes,
        long authTime,
        List<String> amr,
        String sid) {

    public Grant {
        scopes = List.copyOf(scopes);
        amr = List.copyOf(amr);
    }

    JsonObject toJson() {
        return new JsonObject()
                .put("sub", account.toString())
                .put("client_id", clientId)
                .put("redirect_uri", redirectUri)
                .put("code_challenge", codeChallenge)
                .put("nonce", nonce)
                .put("scope", new JsonArray(scopes))
                .put("auth_time", authTime)
                .put("amr", new JsonArray(amr))
                .put("sid", sid);
    }

    static Grant fromJson(JsonObject j) {
        return new Grant(
                UUID.fromString(j.getString("sub")),
                j.getString("client_id"),
                j.getString("redirect_uri"),
                j.getString("code_challenge"),
                j.getString("nonce"),
                strings(j.getJsonArray("scope")),
                j.getLong("auth_time"),
                strings(j.getJsonArray("amr")),
                j.getString("sid"));
    }

    private static List<String> strings(JsonArray a) {
        return a.stream().map(String::valueOf).toList();
    }
}
