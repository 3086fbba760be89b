package dev.kordon.credential;

import com.nulabinc.zxcvbn.StandardDictionaries;
import dev.kordon.account.PhoneFormat;
import dev.kordon.problem.Text;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The permanent-password rules (NIST 800-63B style): 8–128 characters after NFKC, no composition
 * rules, not one of the ~30,000 most common passwords (zxcvbn's list), not containing the login's
 * digits (a number's national part and its subscriber digits, as long as the {@link PhoneFormat}
 * has them). Whether it equals the temporary password is checked by the change flow, which knows it.
 */
public final class PasswordPolicy {
    public static final int MIN_CHARS = 8;
    private static final Set<String> COMMON = load();

    private final int nationalDigits;
    private final int subscriberDigits;

    public PasswordPolicy(PhoneFormat phones) {
        this.nationalDigits = phones.nationalDigits();
        this.subscriberDigits = phones.subscriberDigits();
    }

    private static Set<String> load() {
        try {
            return new HashSet<>(StandardDictionaries.PASSWORDS_LOADER.load().getFrequencies());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the common-password list", e);
        }
    }

    public static int blocklistSize() {
        return COMMON.size();
    }

    /** Why the password is refused, or empty when it is acceptable. */
    public Optional<Text> problem(String password, String login) {
        if (PasswordHasher.tooLong(password)) {
            return Optional.of(Text.of("field.too-long", PasswordHasher.MAX_PASSWORD_CHARS));
        }
        String p = PasswordHasher.normalize(password);
        if (p.codePointCount(0, p.length()) < MIN_CHARS) {
            return Optional.of(Text.of("policy.too-short", MIN_CHARS));
        }
        if (COMMON.contains(p.toLowerCase(Locale.ROOT))) {
            return Optional.of(Text.of("policy.common"));
        }
        String digits = login == null ? "" : login.replaceAll("\\D", "");
        // A phone login's national number and its subscriber digits both count; an account number's
        // tails of the same lengths too.
        String national = tail(digits, nationalDigits);
        String subscriber = tail(national, subscriberDigits);
        if (!subscriber.isEmpty() && (p.contains(subscriber) || p.contains(national))) {
            return Optional.of(Text.of("policy.login"));
        }
        return Optional.empty();
    }

    private static String tail(String digits, int length) {
        return digits.length() > length ? digits.substring(digits.length() - length) : digits;
    }
}
