package dev.kordon.web;

import dev.kordon.problem.Bundles;
import dev.kordon.problem.Text;
import java.util.Locale;
import java.util.Map;

/** The message bundles ({@link Bundles}), Russian and English; which one an answer gets is {@link Language}'s choice. */
public final class Messages {
  public static final Locale RU = Bundles.RU;
  public static final Locale EN = Bundles.EN;

  private Messages() {}

  /** Every text of a language, for the page templates. */
  public static Map<String, String> all(Locale locale) {
    return Bundles.all(locale);
  }

  public static String text(Locale locale, String key, Object... args) {
    return Bundles.text(locale, key, args);
  }

  public static String text(Locale locale, Text text) {
    return Bundles.text(locale, text);
  }
}
