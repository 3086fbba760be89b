package dev.kordon.server;

import dev.kordon.problem.Bundles;
import io.vertx.ext.web.LanguageHeader;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * The language of an answer, API problem or page alike, chosen in this order:
 * <ol>
 *   <li>an explicit choice: the query parameter {@code lang}, else the form field {@code lang} that
 *       the pages' forms carry. A value naming a language Kordon has ({@code en…}, {@code ru…})
 *       wins; any other value is ignored;</li>
 *   <li>else {@code Accept-Language}: the first of English and Russian in the client's order of
 *       preference;</li>
 *   <li>else Russian.</li>
 * </ol>
 * The pages carry an explicit choice along in their links, redirects and forms; a choice made by
 * {@code Accept-Language} needs no carrying, since the browser sends the header again.
 */
public record Language(Locale locale, boolean explicit) {
    private static final Language DEFAULT = new Language(Bundles.RU, false);

    public static Language of(RoutingContext ctx) {
        Locale chosen = named(ctx.queryParams().get("lang"));
        if (chosen == null) {
            chosen = named(ctx.request().getFormAttribute("lang"));
        }
        if (chosen != null) {
            return new Language(chosen, true);
        }
        // Ordered by q; tag() is the primary subtag: en for en-US.
        for (LanguageHeader l : ctx.acceptableLanguages()) {
            String tag = l.tag().toLowerCase(Locale.ROOT);
            if (tag.equals("en") || tag.equals("ru")) {
                return new Language(named(tag), false);
            }
        }
        return DEFAULT;
    }

    private static Locale named(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return v.startsWith("en") ? Bundles.EN : v.startsWith("ru") ? Bundles.RU : null;
    }

    public boolean english() {
        return Bundles.EN.equals(locale);
    }

    /** {@code en} or {@code ru}: Content-Language, the page's {@code lang}. */
    public String code() {
        return english() ? "en" : "ru";
    }

    /** What the pages' forms carry in their field {@code lang}: the explicit choice, or "". */
    public String carried() {
        return explicit ? code() : "";
    }

    /** {@code ?lang=..} for a link or redirect without other parameters, or "". */
    public String query() {
        return explicit ? "?lang=" + code() : "";
    }

    /** {@code &lang=..} to append to a query, or "". */
    public String queryAnd() {
        return explicit ? "&lang=" + code() : "";
    }
}
