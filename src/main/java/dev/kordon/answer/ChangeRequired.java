package dev.kordon.answer;

import io.vertx.core.json.JsonObject;

/** Signed in with a temporary password: only a password change may follow, with this token. */
public record ChangeRequired(String changeToken, long expiresIn) implements Answer, PageAnswer {
  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("password_change_required", true)
        .put("change_token", changeToken)
        .put("expires_in", expiresIn);
  }
}
