package dev.kordon.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kordon.support.Axe;
import dev.kordon.support.Axe.Visit;
import dev.kordon.support.AxeBrowsers;
import dev.kordon.support.Browser;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Every public page, in each state a person meets it, in Russian and in English, checked by axe-core
 * in a real headless Chromium against the WCAG 2.1 AA rules (docs/testing.md, "Accessibility").
 * A new page, or a new state of one, is a line in {@link #PAGES}.
 */
class AccessibilityTest {
    /** The pages and how a person reaches each: from a browser without Kordon's cookies. */
    static final List<Visit<PageVisitor>> PAGES = List.of(
            new Visit<>("sign-in by password", v -> v.b.go("/login")),
            new Visit<>("sign-in by SMS", v -> v.b.go("/login?mode=sms")),
            new Visit<>("sign-in with its fields missing", v -> {
                v.b.go("/login");
                v.b.submit("form[action='/login'] button.primary");
            }),
            new Visit<>("sign-in after a wrong password", PageVisitor::wrongPassword),
            new Visit<>("SMS code entry, the code sent", PageVisitor::smsCodeSent),
            new Visit<>("SMS code entry, a malformed code", v -> {
                v.smsCodeSent();
                v.b.type("#code", "12ab");
                v.b.submit("form[action='/login'] button.primary");
            }),
            new Visit<>("sign-in after the second step expired", v -> v.b.go("/login?step=expired")),
            new Visit<>("«Забыли пароль?»", v -> v.b.go("/password/forgot")),
            new Visit<>("«Забыли пароль?» answered", PageVisitor::forgotAnswered),
            new Visit<>("registration", v -> v.b.go("/register")),
            new Visit<>("«Изменение пароля» forced", PageVisitor::forcedChange),
            new Visit<>("«Изменение пароля» refused", PageVisitor::changeRefused),
            new Visit<>("«Ваш пароль был успешно изменен» with «В меню»", PageVisitor::changed),
            new Visit<>("«Изменение пароля» signed in", PageVisitor::changeWhileSignedIn),
            new Visit<>("the error page", PageVisitor::errorPage),
            new Visit<>("enrolment with the QR code", PageVisitor::enrolment),
            new Visit<>("enrolment after a wrong code", PageVisitor::enrolRefused),
            new Visit<>("the recovery codes", PageVisitor::enrolled),
            new Visit<>("second step by the app", PageVisitor::secondStep),
            new Visit<>("second step after a wrong code", PageVisitor::secondStepRefused),
            new Visit<>("second step by a recovery code", PageVisitor::secondStepByRecoveryCode),
            new Visit<>("second step with a passkey", SecurityVisits::secondStepWithPasskey),
            new Visit<>("«Безопасность» without methods", SecurityVisits::noMethods),
            new Visit<>("«Безопасность» with the app and a passkey", SecurityVisits::appAndPasskey),
            new Visit<>("«Безопасность» new recovery codes", SecurityVisits::newCodes),
            new Visit<>("«Безопасность» refused without the second step", SecurityVisits::refusedWithoutTheStep),
            new Visit<>("the step-up page", SecurityVisits::stepUp));

    static Rig rig;
    static String base;
    static final AxeBrowsers BROWSERS = new AxeBrowsers();

    @BeforeAll
    static void up() {
        Browser.requireChromium();
        Axe.source();
        int port = TestServers.freePort();
        base = "http://127.0.0.1:" + port;
        rig = Rig.builder()
                .set("http.port", port)
                .set("cookie.secure", false)
                .set("portal.url", base + PageVisitor.PORTAL)
                .set("mfa.required-roles", List.of("administrator"))
                // The portal proxy's step-up page: nothing listens upstream, the page answers first.
                .set("edge.aal2-prefixes", List.of("/portal/admin"))
                .set("proxy.routes", List.of("/portal=http://127.0.0.1:" + TestServers.freePort()))
                .start();
    }

    @AfterAll
    static void down() {
        BROWSERS.close();
        if (rig != null) {
            rig.close();
        }
    }

    static Stream<Arguments> pagesInEachLanguage() {
        return Axe.inEachLanguage(PAGES);
    }

    /** The language is the browser's (Accept-Language), so that it holds on pages reached by a form too. */
    @ParameterizedTest(name = "{0} [{1}]")
    @MethodSource("pagesInEachLanguage")
    void breaksNoWcag21AaRule(Visit<PageVisitor> visit, String lang) {
        check(visit, lang, true);
    }

    static Stream<Visit<PageVisitor>> pages() {
        return PAGES.stream();
    }

    /** The pages need no script, and without it they show a little more (the mode switch's own button). */
    @ParameterizedTest(name = "{0} [ru, no script]")
    @MethodSource("pages")
    void breaksNoWcag21AaRuleWithoutScript(Visit<PageVisitor> visit) {
        check(visit, "ru", false);
    }

    private static void check(Visit<PageVisitor> visit, String lang, boolean script) {
        Browser b = BROWSERS.get(lang + (script ? "" : ", no script"), () -> {
            Browser opened = Browser.open(base, true, lang);
            if (!script) {
                Axe.blockPageScripts(opened.driver);
            }
            return opened;
        });
        AxeBrowsers.check(b, visit, opened -> new PageVisitor(opened, rig, script), lang);
    }

    /** The check can fail: a field stripped of its label and a grey too pale to read are reported, by rule and element. */
    @Test
    void aPageMadeWorseIsReported() {
        Browser b = BROWSERS.get("ru", () -> Browser.open(base, true, "ru"));
        b.go("/login");
        ((JavascriptExecutor) b.driver)
                .executeScript("document.querySelector('label[for=password]').remove();"
                        + "document.querySelector('.hint').style.color = '#c8c8c8';");
        List<Axe.Violation> found = Axe.violations(b.driver);
        assertThat(found).extracting(Axe.Violation::id).contains("label", "color-contrast");
        assertThat(found.stream()
                        .filter(v -> v.id().equals("label"))
                        .findFirst()
                        .orElseThrow()
                        .targets())
                .singleElement()
                .asString()
                .startsWith("[\"#password\"]");
        assertThatThrownBy(() -> Axe.assertNone(b, "sign-in made worse", "ru"))
                .hasMessageContaining("label (critical)")
                .hasMessageContaining("#password");
    }
}
