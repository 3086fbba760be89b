package dev.kordon.account;

import dev.kordon.problem.Text;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The rules of an account's fields, the same for the admin API and the CSV import. */
public final class AccountFields {
    public static final List<String> ROLES = List.of("subscriber", "administrator", "supervisor");
    public static final List<String> STATUSES = List.of("active", "disabled");
    public static final int TARIFF_MAX = 100;
    /** RFC 5321: the longest local part, and the longest address a reverse or forward path can carry. */
    public static final int LOCAL_MAX = 64;

    public static final int EMAIL_MAX = 254;

    // RFC 5321 dot-atom: what goes into "RCPT TO:<…>" as written. The mail client takes a quoted local
    // part, "<", "(" or "," for a display name, a comment or a second recipient, and knows no SMTPUTF8.
    private static final Pattern LOCAL =
            Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private AccountFields() {}

    /** Without surrounding spaces and tabs; null stays null. Other characters are kept for {@link #characters} to judge. */
    public static String pad(String value) {
        if (value == null) {
            return null;
        }
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(start, end);
    }

    /**
     * The first character no account field may hold, as a field error: a control character (NUL
     * among them, which Postgres refuses outright), half of a surrogate pair (the driver would store
     * "?"), or U+FFFD (what is left of bytes that were not text). Null when there is none.
     */
    public static Text characters(String value) {
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.SURROGATE || cp == 0xFFFD) {
                return Text.of("field.character", String.format(Locale.ROOT, "%04X", cp));
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** Tariff, e-mail, role and status, each already padded; field name → error, empty when all hold. */
    public static Map<String, Text> check(String tariff, String email, String role, String status) {
        Map<String, Text> errors = new LinkedHashMap<>();
        if (tariff == null || tariff.isBlank()) {
            errors.put("tariff", Text.of("field.required"));
        } else if (characters(tariff) != null) {
            errors.put("tariff", characters(tariff));
        } else if (tariff.length() > TARIFF_MAX) {
            errors.put("tariff", Text.of("field.too-long", TARIFF_MAX));
        }
        if (email == null || email.isBlank()) {
            errors.put("email", Text.of("field.required"));
        } else if (email(email) != null) {
            errors.put("email", email(email));
        }
        if (!ROLES.contains(role)) {
            errors.put("role", Text.of("field.choice", String.join(", ", ROLES)));
        }
        if (!STATUSES.contains(status)) {
            errors.put("status", Text.of("field.choice", String.join(", ", STATUSES)));
        }
        return errors;
    }

    /**
     * Null when the mail dispatcher can deliver to the address as written: ASCII only (an IDN domain
     * in its xn-- form), a dot-atom local part of at most 64 characters, a domain of at least two
     * host-name labels, at most 254 characters in all; else the reason.
     */
    public static Text email(String email) {
        Text bad = characters(email);
        if (bad != null) {
            return bad;
        }
        for (int i = 0; i < email.length(); i++) {
            if (email.charAt(i) > 0x7E) {
                return Text.of("field.email-ascii");
            }
        }
        int at = email.indexOf('@');
        if (at <= 0 || at != email.lastIndexOf('@') || at == email.length() - 1) {
            return Text.of("field.email");
        }
        if (at > LOCAL_MAX) {
            return Text.of("field.email-local", LOCAL_MAX);
        }
        if (email.length() > EMAIL_MAX) {
            return Text.of("field.too-long", EMAIL_MAX);
        }
        if (!LOCAL.matcher(email.substring(0, at)).matches() || !domain(email.substring(at + 1))) {
            return Text.of("field.email");
        }
        return null;
    }

    /** Two labels at least, so a bare host of the sending network is never mailed; the last one not all digits. */
    private static boolean domain(String domain) {
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2 || labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            return false;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }
}
