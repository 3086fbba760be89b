package dev.kordon.web;

import dev.kordon.problem.Text;
import java.text.MessageFormat;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;

/** The message bundles, Russian and English; which one an answer gets is {@link Language}'s choice. */
public final class Messages {
  public static final Locale RU = Locale.ROOT;
  public static final Locale EN = Locale.ENGLISH;
  private static final ResourceBundle.Control NO_FALLBACK =
      ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

  private Messages() {}

  private static final Map<Locale, Map<String, String>> ALL = new ConcurrentHashMap<>();

  /** Every text of a language, for the page templates; built once per language. */
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

  public static String text(Locale locale, String key, Object... args) {
    ResourceBundle bundle = bundle(locale);
    String pattern;
    try {
      pattern = bundle.getString(key);
    } catch (MissingResourceException e) {
      return key;
    }
    return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
  }

  public static String text(Locale locale, Text text) {
    return text(locale, text.key(), text.args().toArray());
  }
}
