package dev.kordon.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.mfa.SoftAuthenticator;
import dev.kordon.support.LogCapture;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.util.encoders.Base32;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The ways to «Безопасность», the second step by passkey and the step-up page for {@link
 * AccessibilityTest}: a subscriber (no role demands a second step) who adds methods on the page. The
 * passkey is made by {@link SoftAuthenticator} and handed to the page's own form, as its script would,
 * so the same way serves the run with scripts refused.
 */
final class SecurityVisits {
    /** Where the portal proxy sends a path that asks for aal2 (AccessibilityTest's edge.aal2-prefixes). */
    static final String AAL2_PATH = "/portal/admin/users";

    private SecurityVisits() {}

    /** A subscriber signed in by password alone, its number and password. */
    record Person(String phone, String password, List<String> codes) {}

    static Person signedIn(PageVisitor v) {
        String password = LogCapture.secret("Security-Axe-Password-6");
        String phone = v.subscriber(password);
        v.signIn(phone, password);
        v.b.waitForPath(PageVisitor.PORTAL);
        return new Person(phone, password, List.of());
    }

    static void noMethods(PageVisitor v) {
        signedIn(v);
        v.b.go("/login/security");
        assertThat(v.b.find("#no-passkeys").isDisplayed()).isTrue();
    }

    /** Signed in by password, a passkey added on «Безопасность»: the recovery codes that came with it. */
    static Person withPasskey(PageVisitor v) {
        Person p = signedIn(v);
        v.b.go("/login/security");
        JavascriptExecutor js = (JavascriptExecutor) v.b.driver;
        v.b.driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        String options = (String) js.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + " var f = document.getElementById('passkey-form'); var body = new URLSearchParams();"
                + " body.append('csrf', f.elements.csrf.value);"
                + " fetch(f.getAttribute('data-options'), {method: 'POST', credentials: 'same-origin', body: body})"
                + ".then(function (r) { return r.text(); }).then(done, function (e) { done('failed: ' + e); });");
        JsonObject create = new JsonObject(options);
        String rpId = create.getJsonObject("rp").getString("id");
        String credential = new SoftAuthenticator("https://" + rpId, rpId).create(create);
        WebElement html = v.b.driver.findElement(By.tagName("html"));
        js.executeScript(
                "var f = document.getElementById('passkey-form'); f.elements.credential.value = arguments[0];"
                        + " f.elements.label.value = 'Ноутбук'; HTMLFormElement.prototype.submit.call(f);",
                credential);
        new WebDriverWait(v.b.driver, Duration.ofSeconds(10)).until(d -> {
            try {
                html.isEnabled();
                return false;
            } catch (org.openqa.selenium.WebDriverException gone) {
                return true;
            }
        });
        List<String> codes = v.b.driver.findElements(By.cssSelector("#recovery-codes code")).stream()
                .map(e -> LogCapture.secret(e.getText()))
                .toList();
        assertThat(codes).hasSize(10);
        return new Person(p.phone(), p.password(), codes);
    }

    /** The second step of an account with a passkey: its button shows when the page's script runs. */
    static void secondStepWithPasskey(PageVisitor v) {
        Person p = withPasskey(v);
        v.b.driver.manage().deleteAllCookies();
        v.signIn(p.phone(), p.password());
        v.b.waitForPath("/login/second-step");
        if (v.scripts) {
            new WebDriverWait(v.b.driver, Duration.ofSeconds(10))
                    .until(d -> v.b.find("#passkey-start").isDisplayed());
        } else {
            assertThat(v.b.find("#passkey-start").isDisplayed()).isFalse();
        }
    }

    /** A passkey, then signed in again by password and a recovery code: a session that took the step. */
    static Person stepped(PageVisitor v) {
        Person p = withPasskey(v);
        v.b.driver.manage().deleteAllCookies();
        v.signIn(p.phone(), p.password());
        v.b.waitForPath("/login/second-step");
        v.b.go("/login/second-step?method=recovery");
        v.b.type("#code", p.codes().get(0));
        v.b.submit("form[action='/login/second-step'][novalidate] button[type=submit]");
        v.b.waitForPath(PageVisitor.PORTAL);
        return p;
    }

    static void appAndPasskey(PageVisitor v) {
        stepped(v);
        v.b.go("/login/security/totp");
        byte[] secret = Base32.decode(v.b.text("#secret").replace(" ", ""));
        v.b.type("#code", PageVisitor.code(secret, 0));
        v.b.submit("form[action='/login/security/totp'] button.primary");
        // The passkey brought the recovery codes already: the app adds none and leads back to the page.
        v.b.waitForPath("/login/security");
        assertThat(v.b.find("#passkeys").isDisplayed()).isTrue();
        assertThat(v.b.driver.findElements(By.cssSelector("#totp-state a")))
                .as("the app is on: nothing left to add")
                .isEmpty();
    }

    /** New recovery codes, asked for by a session that took the step: shown once. */
    static void newCodes(PageVisitor v) {
        stepped(v);
        v.b.go("/login/security");
        v.b.submit("form[action='/login/security/codes'] button[type=submit]");
        assertThat(v.b.find("#recovery-codes").isDisplayed()).isTrue();
    }

    /** New recovery codes asked for by the session that had only the password: the 403 that says why. */
    static void refusedWithoutTheStep(PageVisitor v) {
        withPasskey(v);
        v.b.go("/login/security");
        v.b.submit("form[action='/login/security/codes'] button[type=submit]");
        assertThat(v.b.find(".form-error").isDisplayed()).isTrue();
    }

    /** A session by password alone at a path that asks for aal2: the page that leads on. */
    static void stepUp(PageVisitor v) {
        signedIn(v);
        v.b.go(AAL2_PATH);
        assertThat(v.b.find("a[href^='/login/security']").isDisplayed()).isTrue();
        if (v.scripts && "ru".equals(v.b.find("html").getAttribute("lang"))) {
            v.b.shot("22-step-up");
        }
    }
}
