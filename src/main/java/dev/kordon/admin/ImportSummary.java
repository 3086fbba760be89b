package dev.kordon.admin;

import java.util.List;

/**
 * What an import did: rows created and updated, the refused rows of the lowest lines with their
 * reasons ({@code rejectedTotal} counts all of them), and the last line saved.
 */
public record ImportSummary(int created, int updated, List<Rejected> rejected, int rejectedTotal, long lastSavedLine) {
    /** A refused row: its physical line (the header is line 1) and why. */
    public record Rejected(long line, String reason) {}
}
