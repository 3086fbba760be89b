package dev.kordon.account;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One personal account. The password hash never leaves the server: no answer carries it. */
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
}
