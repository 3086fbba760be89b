package dev.kordon.admin;

import io.vertx.core.json.JsonObject;

/**
 * One of an account's sessions: a refresh family ({@code refresh}) or a browser session
 * ({@code browser}); times in epoch ms. A browser session keeps no last use, so it is null there.
 */
public record Session(String id, String kind, long createdAt, Long lastUsedAt, Long expiresAt) {
    static Session of(JsonObject kept) {
        return new Session(
                kept.getString("id"),
                kept.getString("kind"),
                kept.getLong("created_at"),
                kept.getLong("last_used_at"),
                kept.getLong("expires_at"));
    }

    public boolean refresh() {
        return "refresh".equals(kind);
    }
}
