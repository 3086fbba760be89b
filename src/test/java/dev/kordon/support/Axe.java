package dev.kordon.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * axe-core (src/test/node/axe, installed under target/ by {@link NodeProject}) run in the page a
 * browser shows, against the WCAG 2.0 and 2.1 A and AA rules. The script is given to the page by
 * WebDriver, which the page's Content-Security-Policy does not govern, so the page stays as it is served.
 */
public final class Axe {
    /** The rule tags of WCAG 2.1 level AA: its own and those of 2.0 it keeps. */
    public static final List<String> WCAG21AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");

    private static final String RUN = "const done = arguments[arguments.length - 1];"
            + "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
            + ".then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify({error: String(e)})));";

    /** The languages every page is checked in: the browser asks for each by Accept-Language. */
    public static final List<String> LANGUAGES = List.of("ru", "en");

    private static String source;

    /** A page in one of its states, and how a person {@code V} gets there from a browser without cookies. */
    public record Visit<V>(String page, Consumer<V> reach) {
        @Override
        public String toString() {
            return page;
        }
    }

    /** Each visit in each language: the arguments of a parameterized test. */
    public static <V> Stream<Arguments> inEachLanguage(List<Visit<V>> visits) {
        return visits.stream().flatMap(v -> LANGUAGES.stream().map(lang -> Arguments.of(v, lang)));
    }

    private Axe() {}

    /** axe.min.js, installed once per run; skipped (or failing in CI) without node and npm. */
    public static synchronized String source() {
        if (source == null) {
            NodeProject axe = NodeProject.prepare("axe");
            try {
                source = Files.readString(axe.dir.resolve("node_modules/axe-core/axe.min.js"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return source;
    }

    /**
     * The pages as a browser with scripts off shows them: every script file the pages load is
     * refused, while axe, given by WebDriver, still runs (it cannot in a browser with scripts off).
     */
    public static void blockPageScripts(WebDriver driver) {
        ChromeDriver chrome = (ChromeDriver) driver;
        chrome.executeCdpCommand("Network.enable", Map.of());
        chrome.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
        chrome.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*.js")));
    }

    /** One rule broken: its id, impact, what it asks, and the CSS targets of the elements that break it. */
    public record Violation(String id, String impact, String help, List<String> targets) {
        @Override
        public String toString() {
            return id + " (" + impact + "): " + help + "\n      " + String.join("\n      ", targets);
        }
    }

    /** The violations of the page the driver shows now, after the page has settled. */
    public static List<Violation> violations(WebDriver driver) {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        js.executeScript(source());
        Object raw = js.executeAsyncScript(RUN, WCAG21AA);
        String json = String.valueOf(raw);
        if (json.startsWith("{")) {
            throw new IllegalStateException("axe did not run on " + driver.getCurrentUrl() + ": " + json);
        }
        List<Violation> out = new ArrayList<>();
        for (Object o : new JsonArray(json)) {
            JsonObject v = (JsonObject) o;
            List<String> targets = new ArrayList<>();
            for (Object n : v.getJsonArray("nodes")) {
                JsonObject node = (JsonObject) n;
                targets.add(node.getJsonArray("target").encode() + " " + node.getString("html", ""));
            }
            out.add(new Violation(v.getString("id"), v.getString("impact"), v.getString("help"), targets));
        }
        return out;
    }

    /**
     * The page {@code b} shows is in {@code lang} and breaks none of the WCAG 2.1 AA rules; a failure
     * lists each rule broken with the elements that break it.
     */
    public static void assertNone(Browser b, String page, String lang) {
        String url = b.driver.getCurrentUrl();
        String shown = b.find("html").getAttribute("lang");
        if (!lang.equals(shown)) {
            throw new AssertionError(page + " (" + url + ") is in '" + shown + "', not '" + lang + "'");
        }
        List<Violation> found = violations(b.driver);
        if (!found.isEmpty()) {
            throw new AssertionError(report(page, url, found));
        }
    }

    /** A readable report of {@code violations} on {@code page}, for an assertion's message. */
    public static String report(String page, String url, List<Violation> violations) {
        StringBuilder s =
                new StringBuilder(page + " (" + url + "): " + violations.size() + " WCAG 2.1 AA violation(s)");
        for (Violation v : violations) {
            s.append("\n  - ").append(v);
        }
        return s.toString();
    }
}
