package dev.kordon.problem;

import java.time.Duration;
import java.util.Locale;

/**
 * A lifetime as a person reads it, from the setting that makes it: «12 часов», «в течение 21
 * часа», «12 ч»; "12 hours", "12 h". The number is shown in the largest unit that holds it whole,
 * except that one day stays in hours, the way people say it; the words are the bundles'
 * {@code lifetime.*}.
 */
public final class Lifetime {
    private static final long MINUTE = 60;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    /** The grammatical shape the sentence around the lifetime asks for. */
    public enum Form {
        /** «21 час», «22 часа», «25 часов»; "1 hour", "2 hours". */
        WORDS(""),
        /** After «в течение» and other words that take the genitive: «21 часа», «22 часов»; "2 hours". */
        GENITIVE(".genitive"),
        /** Abbreviated: «12 ч», "12 h". */
        SHORT(".short");

        private final String suffix;

        Form(String suffix) {
            this.suffix = suffix;
        }
    }

    private Lifetime() {}

    public static String of(Duration lifetime, Form form, Locale locale) {
        // Whole seconds, rounded up: a lifetime is never shown shorter than one second.
        long seconds = Math.max(1, (lifetime.toMillis() + 999) / 1000);
        String unit;
        long n;
        if (seconds % DAY == 0 && seconds > DAY) {
            unit = "days";
            n = seconds / DAY;
        } else if (seconds % HOUR == 0) {
            unit = "hours";
            n = seconds / HOUR;
        } else if (seconds % MINUTE == 0) {
            unit = "minutes";
            n = seconds / MINUTE;
        } else {
            unit = "seconds";
            n = seconds;
        }
        String words = Bundles.text(locale, "lifetime." + unit + form.suffix);
        String word = form == Form.SHORT ? words : words.split("\\|")[plural(n, locale)];
        return n + " " + word;
    }

    /**
     * Which of the bundle's three forms a number takes: Russian has one for 1, 21, 31…, one for 2–4,
     * 22–24…, and one for 0, 5–20, 25–30…; English has «1 hour» and the plural for the rest.
     */
    static int plural(long n, Locale locale) {
        if (locale.getLanguage().equals(Bundles.EN.getLanguage())) {
            return n == 1 ? 0 : 2;
        }
        long tens = n % 100;
        long ones = n % 10;
        if (ones == 1 && tens != 11) {
            return 0;
        }
        if (ones >= 2 && ones <= 4 && (tens < 12 || tens > 14)) {
            return 1;
        }
        return 2;
    }
}
