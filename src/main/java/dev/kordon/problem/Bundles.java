package dev.kordon.problem;

import java.text.MessageFormat;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The message bundles (i18n/messages*.properties), Russian by default and English: every text a
 * person reads, on a page, in an answer, a letter or an SMS. Below every layer, so the letters
 * read them as the pages do.
 */
public final class Bundles {
    public static final Locale RU = Locale.ROOT;
    public static final Locale EN = Locale.ENGLISH;
    private static final ResourceBundle.Control NO_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);
    private static final Map<Locale, Map<String, String>> ALL = new ConcurrentHashMap<>();

    private Bundles() {}

    /** Every text of a language, for the templates; built once per language. */
    public static Map<String, String> all(Locale locale) {
        return ALL.computeIfAbsent(locale, l -> {
            ResourceBundle bundle = bundle(l);
            Map<String, String> t = new HashMap<>();
            for (String k : bundle.keySet()) {
                t.put(k, bundle.getString(k));
            }
            return Map.copyOf(t);
        });
    }

    public static ResourceBundle bundle(Locale locale) {
        return ResourceBundle.getBundle("i18n.messages", locale, NO_FALLBACK);
    }

    /** The text of a key with its {0}, {1}… filled in; the key itself when the bundle lacks it. */
    public static String text(Locale locale, String key, Object... args) {
        String pattern;
        try {
            pattern = bundle(locale).getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
        return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
    }

    public static String text(Locale locale, Text text) {
        return text(locale, text.key(), text.args().toArray());
    }
}
