package dev.kordon.admin;

import dev.kordon.account.AccountFields;
import dev.kordon.account.AccountRepository.Draft;
import dev.kordon.account.LoginParser;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The columns an import's header names, and the account a row under them describes. */
final class CsvColumns {
    static final List<String> REQUIRED = List.of("category", "login", "tariff", "email", "role");
    private final Map<String, Integer> columns = new HashMap<>();
    private final List<String> names = new ArrayList<>();

    /** Refused unless it names each required column once. */
    CsvColumns(CsvReader.Record header) {
        for (int i = 0; i < header.fields().size(); i++) {
            String name = AccountFields.pad(header.fields().get(i));
            names.add(name);
            if ((REQUIRED.contains(name) || name.equals("status")) && columns.putIfAbsent(name, i) != null) {
                throw FlowException.invalid(Map.of("header", Text.of("field.csv-header")));
            }
        }
        if (!columns.keySet().containsAll(REQUIRED)) {
            throw FlowException.invalid(Map.of("header", Text.of("field.csv-header")));
        }
    }

    /** The row's account, or null with the reasons it is refused added to {@code errors}. */
    Draft draft(CsvReader.Record r, LoginParser logins, Map<String, Text> errors) {
        List<String> fields = r.fields();
        for (int i = 0; i < fields.size(); i++) {
            String value = AccountFields.pad(fields.get(i));
            Text bad = AccountFields.characters(value);
            if (bad != null) {
                errors.putIfAbsent(
                        name(i), r.undecodable() && value.indexOf('\uFFFD') >= 0 ? Text.of("field.utf8") : bad);
            }
        }
        String category = value(r, "category");
        String login = null;
        if (!logins.knownCategory(category)) {
            errors.putIfAbsent("category", Text.of("field.category"));
        } else {
            var parsedLogin = logins.parse(category, value(r, "login"));
            if (parsedLogin.error() != null) {
                errors.putIfAbsent("login", parsedLogin.error());
            }
            login = parsedLogin.login();
        }
        String tariff = value(r, "tariff");
        String email = value(r, "email");
        String role = value(r, "role").isEmpty() ? "subscriber" : value(r, "role");
        String status = value(r, "status").isEmpty() ? "active" : value(r, "status");
        AccountFields.check(tariff, email, role, status).forEach(errors::putIfAbsent);
        return errors.isEmpty() ? new Draft(category, login, tariff, email, role, status) : null;
    }

    private String value(CsvReader.Record r, String column) {
        Integer i = columns.get(column);
        return i != null && i < r.fields().size() ? AccountFields.pad(r.fields().get(i)) : "";
    }

    private String name(int column) {
        return column < names.size() && !names.get(column).isEmpty() ? names.get(column) : "#" + (column + 1);
    }
}
