package dev.kordon.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The browsers of an accessibility test, one for each way of opening the pages (a language, with or
 * without script), kept across the pages so that each is not a browser's start, and closed at the end.
 */
public final class AxeBrowsers implements AutoCloseable {
    private final Map<String, Browser> open = new LinkedHashMap<>();

    /** The browser opened as {@code way}, opened by {@code opener} the first time. */
    public synchronized Browser get(String way, Supplier<Browser> opener) {
        return open.computeIfAbsent(way, w -> opener.get());
    }

    /**
     * Reaches the visit's page from {@code b} without cookies, as the person {@code visitor} makes
     * of it, and checks that page in {@code lang} against WCAG 2.1 AA.
     */
    public static <V> void check(Browser b, Axe.Visit<V> visit, Function<Browser, V> visitor, String lang) {
        b.driver.manage().deleteAllCookies();
        visit.reach().accept(visitor.apply(b));
        Axe.assertNone(b, visit.page(), lang);
    }

    @Override
    public synchronized void close() {
        open.values().forEach(Browser::close);
        open.clear();
    }
}
