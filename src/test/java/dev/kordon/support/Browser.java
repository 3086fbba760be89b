package dev.kordon.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium under Selenium, through the machine's chromedriver (never a download).
 * Without chromium the browser tests are skipped, unless KORDON_REQUIRE_BROWSER=true (CI sets it),
 * in which case they fail.
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final Path SCREENS = Path.of("target", "screens");

    public final WebDriver driver;
    public final String base;

    private Browser(WebDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    public static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("KORDON_REQUIRE_BROWSER"))) {
            throw new IllegalStateException(
                    "chromium and chromium-driver are required (apt-get install chromium chromium-driver)");
        }
        Assumptions.assumeTrue(present, "browser tests need Debian's chromium and chromium-driver");
    }

    /** {@code javascript}: false runs the page as a browser with scripts off would. */
    public static Browser open(String base, boolean javascript, String language) {
        requireChromium();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=420,900",
                "--lang=" + language,
                "--force-device-scale-factor=1");
        options.setExperimentalOption(
                "prefs",
                Map.of(
                        "intl.accept_languages",
                        language,
                        "profile.managed_default_content_settings.javascript",
                        javascript ? 1 : 2));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        // A click that submits a form returns before the next page is there: finding waits for it.
        driver.manage().timeouts().implicitlyWait(Duration.ofSeconds(3));
        return new Browser(driver, base);
    }

    public void go(String path) {
        driver.get(base + path);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public String text(String css) {
        return find(css).getText();
    }

    public void type(String css, String value) {
        WebElement e = find(css);
        e.clear();
        e.sendKeys(value);
    }

    public void click(String css) {
        find(css).click();
    }

    /** Clicks a button or link by its visible text, and waits for the page it leads to. */
    public void press(String visible) {
        clickAndWait(
                driver.findElement(By.xpath("//*[self::button or self::a][normalize-space(.)='" + visible + "']")));
    }

    /** Clicks the button or link {@code css} names, and waits for the page it leads to: the same in any language. */
    public void submit(String css) {
        clickAndWait(find(css));
    }

    private void clickAndWait(WebElement target) {
        WebElement html = driver.findElement(By.tagName("html"));
        target.click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> {
            try {
                html.isEnabled();
                return false;
            } catch (org.openqa.selenium.WebDriverException gone) {
                return true; // stale, or "no longer in the document": the next page is there
            }
        });
    }

    public void waitForPath(String pathPrefix) {
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> d.getCurrentUrl().startsWith(base + pathPrefix));
    }

    public String path() {
        return driver.getCurrentUrl().substring(base.length());
    }

    public String page() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** Saves a screenshot as target/screens/NAME.png. */
    public void shot(String name) {
        try {
            Files.createDirectories(SCREENS);
            Path png = ((org.openqa.selenium.TakesScreenshot) driver)
                    .getScreenshotAs(OutputType.FILE)
                    .toPath();
            Files.copy(png, SCREENS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
