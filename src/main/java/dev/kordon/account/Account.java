package dev.kordon.account;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One personal account. The password hash never leaves the server: {@link #toJson()} omits it. */
public record Account(
    UUID id,
    String category,
    String login,
    String tariff,
    String email,
    String role,
    String status,
    String passwordHash,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  public static final String ACTIVE = "active";

  public boolean active() {
    return ACTIVE.equals(status);
  }

  public boolean hasPassword() {
    return passwordHash != null;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("category", category)
        .put("login", login)
        .put("tariff", tariff)
        .put("email", email)
        .put("role", role)
        .put("status", status)
        .put("has_password", hasPassword())
        .put("created_at", createdAt == null ? null : createdAt.toString())
        .put("updated_at", updatedAt == null ? null : updatedAt.toString());
  }
}
