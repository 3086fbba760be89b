package dev.kordon.answer;

import java.util.List;

/**
 * Who a signed-in token belongs to, as {@code GET /api/v1/me} shows it, with how the token's sign-in
 * was made ({@code amr}) and its assurance level ({@code acr}).
 */
public record Profile(
        String subject, String category, String login, String role, String tariff, List<Object> amr, String acr) {}
