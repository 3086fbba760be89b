package dev.kordon.account;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.kordon.config.KordonConfig;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The mobile numbers of the configured country ({@code phone.*}), in every shape Kordon reads or
 * shows them: typed by a person, canonical (E.164), after the field's prefix, without the plus for
 * the letters, masked for the logs. Built on libphonenumber for the country's numbering plan; the
 * configured operator codes decide which numbers are mobile ones, not the library's allocation
 * tables, so a new code is one config change. Nothing else in Kordon knows the country code.
 */
public final class PhoneFormat {
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    /** The last digits a masked number keeps: enough to tell numbers apart in a log. */
    private static final int MASK_KEEPS = 2;

    private final int countryCode;
    private final String region;
    private final List<String> operatorCodes;
    private final String prefix;
    private final int nationalDigits;
    private final int operatorDigits;

    public PhoneFormat(KordonConfig.Phone config) {
        this.countryCode = config.countryCode();
        this.region = config.region();
        this.operatorCodes = List.copyOf(config.operatorCodes());
        this.prefix = "+" + countryCode;
        PhoneNumber example = PHONES.getExampleNumberForType(region, PhoneNumberType.MOBILE);
        if (example == null) {
            throw new IllegalArgumentException("libphonenumber knows no mobile numbers of region " + region);
        }
        // The numbering plan says how long a national number is; the operator code is its first digits.
        this.nationalDigits = PHONES.getNationalSignificantNumber(example).length();
        this.operatorDigits = operatorCodes.get(0).length();
    }

    /** The canonical E.164 number of what a person typed, or empty when it is none of this format. */
    public Optional<String> parse(String raw) {
        String cc = String.valueOf(countryCode);
        String digits = raw.replaceAll("[\\s()\\-.]", "");
        if (!digits.matches("\\+?\\d+")) {
            return Optional.empty();
        }
        // The country code typed without its plus: libphonenumber would read it as national digits.
        if (!digits.startsWith("+") && digits.startsWith(cc) && digits.length() == cc.length() + nationalDigits) {
            digits = "+" + digits;
        }
        try {
            PhoneNumber number = PHONES.parse(digits, region);
            String national = String.valueOf(number.getNationalNumber());
            if (number.getCountryCode() != countryCode
                    || national.length() != nationalDigits
                    || !operatorCodes.contains(national.substring(0, operatorDigits))
                    || !PHONES.isPossibleNumber(number)) {
                return Optional.empty();
            }
            String e164 = PHONES.format(number, PhoneNumberFormat.E164);
            // Leading zeros after the country code survive in the formatted number but not in the national one.
            if (number.isItalianLeadingZero() || !e164.equals(prefix + national)) {
                return Optional.empty();
            }
            return Optional.of(e164);
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /** The plus and the country code: what the page shows in front of the phone field. */
    public String prefix() {
        return prefix;
    }

    /** A canonical number as the field shows it after {@link #prefix()}: operator code, then the grouped digits. */
    public String afterPrefix(String e164) {
        try {
            String international = PHONES.format(PHONES.parse(e164, region), PhoneNumberFormat.INTERNATIONAL);
            return international.startsWith(prefix + " ")
                    ? international.substring(prefix.length() + 1)
                    : e164.substring(prefix.length());
        } catch (NumberParseException e) {
            return e164;
        }
    }

    /**
     * What the canonical numbers start with when a person typed the start of one, as a support desk
     * hears it: with or without the plus and country code, with the national trunk prefix, spaced
     * and dashed: the operator code's digits alone, after the trunk prefix, after the country code
     * with or without its plus all give the canonical start. Empty for anything that holds more than
     * digits and separators.
     */
    public Optional<String> startOf(String typed) {
        String digits = typed == null ? "" : typed.replaceAll("[\\s()\\-.]", "");
        if (!digits.matches("\\+?\\d+")) {
            return Optional.empty();
        }
        String cc = String.valueOf(countryCode);
        if (digits.startsWith("+")) {
            return Optional.of(digits);
        }
        if (digits.startsWith(cc)) {
            return Optional.of("+" + digits);
        }
        String national = digits;
        String trunk = PHONES.getNddPrefixForRegion(region, true);
        if (trunk != null && !trunk.isEmpty() && digits.startsWith(trunk)) {
            String rest = digits.substring(trunk.length()).replaceFirst("^0+", "");
            if (!rest.isEmpty() && operatorCodes.stream().anyMatch(c -> c.startsWith(rest) || rest.startsWith(c))) {
                national = rest;
            }
        }
        return Optional.of(prefix + national);
    }

    /** A canonical number without its plus, the way the seed's letters show it. */
    public String withoutPlus(String e164) {
        return e164.startsWith("+") ? e164.substring(1) : e164;
    }

    /** The canonical number of a national one (operator code and subscriber digits). */
    public String canonical(String national) {
        return prefix + national;
    }

    /**
     * A number for a log: the country and operator codes and the last digits stay, the rest is
     * starred. Enough to tell numbers apart, not to use one; anything too short is all stars.
     */
    public String mask(String phone) {
        int keep = prefix.length() + operatorDigits;
        if (phone == null || phone.length() <= keep + MASK_KEEPS) {
            return "***";
        }
        return phone.substring(0, keep)
                + "*".repeat(phone.length() - keep - MASK_KEEPS)
                + phone.substring(phone.length() - MASK_KEEPS);
    }

    /** The configured operator codes followed by x for each subscriber digit, in the configured order. */
    public String patterns() {
        return operatorCodes.stream()
                .map(code -> code + "x".repeat(subscriberDigits()))
                .collect(Collectors.joining(", "));
    }

    public List<String> operatorCodes() {
        return operatorCodes;
    }

    /** Digits of a national number: the operator code and the subscriber's digits. */
    public int nationalDigits() {
        return nationalDigits;
    }

    /** Digits after the operator code. */
    public int subscriberDigits() {
        return nationalDigits - operatorDigits;
    }
}
