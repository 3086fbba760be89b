package dev.kordon.flow;

import dev.kordon.account.LoginParser;
import dev.kordon.problem.Text;
import java.util.Map;

/** Field checks every flow shares: the category and the login typed for it. */
final class Inputs {
    private Inputs() {}

    /** The canonical login, or null with the reason recorded in {@code errors}. */
    static String login(LoginParser logins, String category, String raw, Map<String, Text> errors) {
        if (category == null || category.isBlank()) {
            errors.put("category", Text.of("field.required"));
            return null;
        }
        if (!logins.knownCategory(category)) {
            errors.put("category", Text.of("field.category"));
            return null;
        }
        LoginParser.Result parsed = logins.parse(category, raw);
        if (parsed.error() != null) {
            errors.put("login", parsed.error());
        }
        return parsed.login();
    }

    static void required(String field, String value, Map<String, Text> errors) {
        if (value == null || value.isEmpty()) {
            errors.put(field, Text.of("field.required"));
        }
    }
}
