package dev.kordon.account;

import dev.kordon.config.KordonConfig;
import dev.kordon.config.KordonConfig.LoginKind;
import dev.kordon.problem.Text;

/**
 * Turns what a person typed into the canonical login of a category. Mobile logins are the E.164
 * numbers of the {@link PhoneFormat}; internet logins are personal account numbers of a configured
 * number of digits.
 */
public final class LoginParser {
    private static final int MAX_INPUT = 64;

    private final KordonConfig config;
    private final PhoneFormat phones;
    private final Text phoneHint;

    public LoginParser(KordonConfig config) {
        this(config, new PhoneFormat(config.phone()));
    }

    public LoginParser(KordonConfig config, PhoneFormat phones) {
        this.config = config;
        this.phones = phones;
        // The seed's hint, with the format corrected to the digits that follow the operator code.
        this.phoneHint = Text.of("field.phone", phones.nationalDigits(), phones.patterns());
    }

    /** «Введите 9 цифр номера в формате 29xxxxxxx, …», from the phone format and its operator codes. */
    public Text phoneHint() {
        return phoneHint;
    }

    /** The one phone format, which the pages, letters, SMS logs and password rules share with the parser. */
    public PhoneFormat phones() {
        return phones;
    }

    public boolean knownCategory(String category) {
        return category != null && config.categories().containsKey(category);
    }

    /** What the category's logins are (phone numbers or account numbers); null for an unknown category. */
    public LoginKind kind(String category) {
        return category == null ? null : config.categories().get(category);
    }

    /** The canonical login, or the field error to show for it. */
    public Result parse(String category, String raw) {
        if (raw == null || raw.isBlank()) {
            return Result.error(Text.of("field.required"));
        }
        LoginKind kind = config.categories().get(category);
        if (kind == null) {
            return Result.error(Text.of("field.category"));
        }
        if (raw.length() > MAX_INPUT) {
            return Result.error(kind == LoginKind.PHONE ? phoneHint : accountNumberHint());
        }
        return kind == LoginKind.PHONE ? parsePhone(raw) : parseAccountNumber(raw);
    }

    private Result parsePhone(String raw) {
        return phones.parse(raw).map(Result::ok).orElse(Result.error(phoneHint));
    }

    private Result parseAccountNumber(String raw) {
        String digits = raw.replaceAll("[\\s\\-]", "");
        if (!digits.matches("\\d+")
                || digits.length() < config.accountNumberMin()
                || digits.length() > config.accountNumberMax()) {
            return Result.error(accountNumberHint());
        }
        return Result.ok(digits);
    }

    private Text accountNumberHint() {
        return Text.of("field.account-number", config.accountNumberMin(), config.accountNumberMax());
    }

    /** Either a login or the message explaining why the input is not one. */
    public record Result(String login, Text error) {
        static Result ok(String login) {
            return new Result(login, null);
        }

        static Result error(Text error) {
            return new Result(null, error);
        }
    }
}
