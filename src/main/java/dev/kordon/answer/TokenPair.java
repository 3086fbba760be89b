package dev.kordon.answer;

import io.vertx.core.json.JsonObject;

/** The token answer of a sign-in; no refresh token for one-visit (SMS) sign-ins. */
public record TokenPair(String accessToken, long expiresIn, String refreshToken, long refreshExpiresIn) implements Answer {
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("access_token", accessToken)
        .put("token_type", "Bearer")
        .put("expires_in", expiresIn);
    if (refreshToken != null) {
      json.put("refresh_token", refreshToken).put("refresh_expires_in", refreshExpiresIn);
    }
    return json;
  }
}
