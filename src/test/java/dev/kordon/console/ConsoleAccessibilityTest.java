package dev.kordon.console;

import dev.kordon.support.Axe;
import dev.kordon.support.Axe.Visit;
import dev.kordon.support.AxeBrowsers;
import dev.kordon.support.Browser;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.StrictSmtp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.Dimension;

/**
 * Every page of the operator console (admin port), in each state an operator meets it, in Russian
 * and in English, checked by axe-core in a real headless Chromium against the WCAG 2.1 AA rules
 * (docs/testing.md, "Accessibility"). A new page, or a new state of one, is a line in {@link #PAGES}.
 */
class ConsoleAccessibilityTest {
    /** The address the relay refuses for good: its mail becomes a dead letter at once. */
    static final String REFUSED = "refused@org.by";

    /** The pages and how an operator reaches each: from a browser without the console's cookies. */
    static final List<Visit<ConsoleVisitor>> PAGES = List.of(
            new Visit<>("sign-in", v -> v.b.go("/console/login")),
            new Visit<>("sign-in after a wrong token", ConsoleVisitor::wrongToken),
            new Visit<>("signed out", ConsoleVisitor::signedOut),
            new Visit<>("search", ConsoleVisitor::signIn),
            new Visit<>("search with results", v -> v.search(v.subscriber(), "#results")),
            new Visit<>("search without results", v -> v.search("+375 33 999-99-99", "#no-results")),
            new Visit<>("search refused", v -> v.search("кто-то", ".form-error")),
            new Visit<>("an account", ConsoleVisitor::account),
            new Visit<>("an account that does not exist", v -> {
                v.signIn();
                v.b.go("/console/accounts/mobile/%2B375339999999");
                v.b.find(".form-error");
            }),
            new Visit<>("an account after an action", v -> v.done("#act-resend", "resend")),
            new Visit<>("an account disabled", v -> v.done("#act-disable", "disable")),
            new Visit<>("confirmation: disable", v -> v.question("#act-disable")),
            new Visit<>("confirmation: reset the password", v -> v.question("#act-reset")),
            new Visit<>("confirmation: reset the second step", v -> v.question("#act-mfa-reset")),
            new Visit<>("clients", ConsoleVisitor::clients),
            new Visit<>("a new client", ConsoleVisitor::newClient),
            new Visit<>("a new client refused", ConsoleVisitor::clientRefused),
            new Visit<>("a client's secret, shown once", ConsoleVisitor::clientSecret),
            new Visit<>("a client", ConsoleVisitor::client),
            new Visit<>("confirmation: delete a client", ConsoleVisitor::clientDeleteQuestion),
            new Visit<>("dead letters, none", v -> {
                v.signIn();
                v.b.go("/console/dead-letters");
                v.b.find("#no-dead-letters");
            }),
            new Visit<>("dead letters, one to send again", v -> v.deadLetter(REFUSED)),
            new Visit<>("dead letters, one sent again", v -> v.redriven(REFUSED)),
            new Visit<>("operator sign-in after a wrong password", OperatorVisits::wrongPassword),
            new Visit<>("operator sign-in with its fields missing", OperatorVisits::fieldsMissing),
            new Visit<>("operator: the forced change", OperatorVisits::change),
            new Visit<>("operator: the forced change refused", OperatorVisits::changeRefused),
            new Visit<>("operator: the app's enrolment", OperatorVisits::enrol),
            new Visit<>("operator: the recovery codes", OperatorVisits::codes),
            new Visit<>("operator: the code at the next sign-in", OperatorVisits::code),
            new Visit<>("an account acted on by a named operator", OperatorVisits::accountByOperator));

    static StrictSmtp relay;

    static Rig rig;
    static final AxeBrowsers BROWSERS = new AxeBrowsers();

    @BeforeAll
    static void up() {
        Browser.requireChromium();
        Axe.source();
        LogCapture.secret(Rig.ADMIN_TOKEN);
        try {
            relay = new StrictSmtp().refuseForGood(REFUSED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rig = Rig.builder()
                .set("smtp.port", relay.port())
                .set("cookie.secure", false)
                .set("login.lock-after", 3)
                // Wrong tokens and operator passwords from the one browser would otherwise hold the later visits.
                .set("admin.console-failures", 100)
                .set("mfa.required-roles", List.of("administrator"))
                .start();
    }

    @AfterAll
    static void down() throws IOException {
        BROWSERS.close();
        if (rig != null) {
            rig.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    static Stream<Arguments> pagesInEachLanguage() {
        return Axe.inEachLanguage(PAGES);
    }

    /** The language is the browser's (Accept-Language), so that it holds on pages a form's POST answers too. */
    @ParameterizedTest(name = "{0} [{1}]")
    @MethodSource("pagesInEachLanguage")
    void breaksNoWcag21AaRule(Visit<ConsoleVisitor> visit, String lang) {
        Browser b = BROWSERS.get(lang, () -> {
            Browser opened = Browser.open("http://127.0.0.1:" + rig.running.adminPort(), true, lang);
            opened.driver.manage().window().setSize(new Dimension(1100, 1300));
            return opened;
        });
        AxeBrowsers.check(b, visit, opened -> new ConsoleVisitor(opened, rig), lang);
    }
}
