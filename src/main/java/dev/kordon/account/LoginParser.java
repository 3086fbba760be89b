package dev.kordon.account;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.kordon.config.KordonConfig.LoginKind;
import dev.kordon.config.KordonConfig;
import dev.kordon.problem.Text;
import java.util.stream.Collectors;

/**
 * Turns what a person typed into the canonical login of a category. Mobile logins are E.164
 * (+375XXXXXXXXX), parsed with libphonenumber and then held to the operator-code rule (the
 * configured codes decide, not the library's allocation tables, so a new code is one config change); internet
 * logins are personal account numbers of a configured number of digits.
 */
public final class LoginParser {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  private static final int MAX_INPUT = 64;

  private final KordonConfig config;
  private final Text phoneHint;

  public LoginParser(KordonConfig config) {
    this.config = config;
    // The seed's hint, with the format corrected to the 7 digits that follow the operator code.
    this.phoneHint = Text.of("field.phone", config.phone().operatorCodes().stream()
        .map(code -> code + "xxxxxxx").collect(Collectors.joining(", ")));
  }

  /** «Введите 9 цифр номера в формате 29xxxxxxx, …», from the configured operator codes. */
  public Text phoneHint() {
    return phoneHint;
  }

  public boolean knownCategory(String category) {
    return category != null && config.categories().containsKey(category);
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
    String cc = String.valueOf(config.phone().countryCode());
    String digits = raw.replaceAll("[\\s()\\-.]", "");
    if (!digits.matches("\\+?\\d+")) {
      return Result.error(phoneHint);
    }
    // "375291234567" lacks the plus that tells libphonenumber a country code follows.
    if (!digits.startsWith("+") && digits.startsWith(cc) && digits.length() == cc.length() + 9) {
      digits = "+" + digits;
    }
    try {
      PhoneNumber number = PHONES.parse(digits, config.phone().region());
      String national = String.valueOf(number.getNationalNumber());
      if (number.getCountryCode() != config.phone().countryCode()
          || national.length() != 9
          || !config.phone().operatorCodes().contains(national.substring(0, 2))
          || !PHONES.isPossibleNumber(number)) {
        return Result.error(phoneHint);
      }
      String e164 = PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
      // Leading zeros ("+375 00 44…") survive in the formatted number but not in the national one.
      if (number.isItalianLeadingZero() || !e164.equals("+" + cc + national)) {
        return Result.error(phoneHint);
      }
      return Result.ok(e164);
    } catch (NumberParseException e) {
      return Result.error(phoneHint);
    }
  }

  private Result parseAccountNumber(String raw) {
    String digits = raw.replaceAll("[\\s\\-]", "");
    if (!digits.matches("\\d+") || digits.length() < config.accountNumberMin()
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
