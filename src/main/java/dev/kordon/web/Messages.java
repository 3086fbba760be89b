package dev.kordon.web;

import dev.kordon.problem.Bundles;
import dev.kordon.problem.Text;
import io.vertx.ext.web.LanguageHeader;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;

/**
 * The message bundles ({@link Bundles}) in a request's language: Russian by default, English on
 * {@code ?lang=en} or Accept-Language.
 */
public final class Messages {
  public static final Locale RU = Bundles.RU;
  public static final Locale EN = Bundles.EN;

  private Messages() {}

  public static Locale locale(RoutingContext ctx) {
    String lang = ctx.queryParams().get("lang");
    if (lang == null) {
      lang = ctx.request().getFormAttribute("lang");
    }
    if (lang != null) {
      return lang.toLowerCase(Locale.ROOT).startsWith("en") ? EN : RU;
    }
    for (LanguageHeader l : ctx.acceptableLanguages()) {
      String tag = l.tag().toLowerCase(Locale.ROOT);
      if (tag.equals("en")) {
        return EN;
      }
      if (tag.equals("ru")) {
        return RU;
      }
    }
    return RU;
  }

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
