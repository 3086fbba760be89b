package dev.kordon.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.mfa.Totp;
import dev.kordon.support.Browser;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import org.bouncycastle.util.encoders.Base32;
import org.openqa.selenium.JavascriptExecutor;

/**
 * A person at the public pages, in whatever language the browser asks for: the ways to reach each
 * state of a page with real accounts, mails and codes, so a list of pages can name them in a line.
 * Buttons are found by their place, not their text, so that one way serves both languages.
 */
final class PageVisitor {
    static final String PORTAL = "/health/live";
    private static final AtomicInteger NEXT = new AtomicInteger(5_000_000);

    final Browser b;
    final Rig rig;
    /** Whether the page's scripts run (false: the run with them refused). */
    final boolean scripts;

    PageVisitor(Browser b, Rig rig, boolean scripts) {
        this.b = b;
        this.rig = rig;
        this.scripts = scripts;
    }

    /** A number no other visit uses: +37529NNNNNNN. */
    static String phone() {
        return "+37529" + NEXT.incrementAndGet();
    }

    /** A subscriber with a password; its number. */
    String subscriber(String password) {
        String phone = phone();
        rig.account(phone, password);
        return phone;
    }

    /** An administrator, who must take the second step; its number. */
    String administrator(String password) {
        String phone = subscriber(password);
        var put = rig.admin(
                HttpMethod.PUT,
                "/admin/v1/accounts/mobile/" + phone,
                new JsonObject()
                        .put("tariff", Rig.TARIFF)
                        .put("email", "org-" + phone.substring(1) + "@example.by")
                        .put("role", "administrator"),
                Rig.ADMIN_TOKEN);
        assertThat(put.statusCode()).isEqualTo(200);
        return phone;
    }

    /** The sign-in form filled and sent, by password. */
    void signIn(String phone, String password) {
        b.go("/login");
        b.type("#login", phone.substring(4));
        b.type("#password", password);
        b.submit("form[action='/login'] button.primary");
    }

    void wrongPassword() {
        signIn(subscriber(LogCapture.secret("Right-Axe-Password-1")), "wrong-axe-password");
        assertThat(b.find(".form-error").isDisplayed()).isTrue();
    }

    void smsCodeSent() {
        String phone = subscriber(null);
        b.go("/login?mode=sms");
        b.type("#login", phone.substring(4));
        b.submit("button[formaction='/login/sms-code']");
        b.waitForPath("/login?mode=sms&code=sent");
    }

    void forgotAnswered() {
        String phone = phone();
        rig.account("mobile", phone, Rig.TARIFF, "active", null, "forgot-" + phone.substring(1) + "@org.by");
        b.go("/password/forgot");
        b.type("#login", phone.substring(4));
        b.submit("form[action='/password/forgot'] button.primary");
        b.waitForPath("/login?sent=email");
    }

    /** Signed in by a mailed temporary password, which leads to «Изменение пароля». */
    void forcedChange() {
        String phone = phone();
        String email = "change-" + phone.substring(1) + "@org.by";
        rig.account("mobile", phone, Rig.TARIFF, "active", null, email);
        var sent = rig.post(
                "/api/v1/password/recovery",
                new JsonObject().put("category", "mobile").put("login", phone).put("channel", "email"));
        assertThat(sent.statusCode()).isEqualTo(202);
        Matcher m = Mailbox.TEMP_PASSWORD.matcher(
                Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0).text());
        assertThat(m.find()).isTrue();
        signIn(phone, LogCapture.secret(m.group(1)));
        b.waitForPath("/password/change");
    }

    void change(String next, String confirm) {
        b.type("#new_password", next);
        b.type("#confirm_password", confirm);
        b.submit("form[action='/password/change'] button.primary");
    }

    void changeRefused() {
        forcedChange();
        change("Orchid-Axe-Lantern-1", "Orchid-Axe-Lantern-2");
        assertThat(b.find("#confirm_password-error").isDisplayed()).isTrue();
    }

    void changed() {
        forcedChange();
        String chosen = LogCapture.secret("Orchid-Axe-Lantern-3");
        change(chosen, chosen);
        b.waitForPath("/password/changed");
    }

    /** Signed in, the change form asks for the current password too. */
    void changeWhileSignedIn() {
        String password = LogCapture.secret("Signed-In-Axe-Password-4");
        signIn(subscriber(password), password);
        b.waitForPath(PORTAL);
        b.go("/password/change");
        assertThat(b.find("#current_password").isDisplayed()).isTrue();
    }

    /** A form sent without its CSRF token: the error page. */
    void errorPage() {
        b.go("/login");
        ((JavascriptExecutor) b.driver).executeScript("document.querySelector('input[name=csrf]').value = 'forged'");
        b.type("#login", phone().substring(4));
        b.type("#password", "anything-at-all");
        b.submit("form[action='/login'] button.primary");
        assertThat(b.find(".form-error").isDisplayed()).isTrue();
    }

    /** An administrator and the key of the app the enrolment page gave. */
    record Admin(String phone, String password, byte[] secret) {}

    /** An administrator's password leads to the enrolment; the page's key, decoded. */
    Admin enrolment() {
        String password = LogCapture.secret("Admin-Axe-Password-5");
        String phone = administrator(password);
        signIn(phone, password);
        b.waitForPath("/login/enrol");
        return new Admin(phone, password, Base32.decode(b.text("#secret").replace(" ", "")));
    }

    void enrolRefused() {
        byte[] secret = enrolment().secret();
        b.type("#code", wrongCode(secret));
        b.submit("form[action='/login/enrol'] button.primary");
        assertThat(b.find(".form-error").isDisplayed()).isTrue();
    }

    /** Enrolled: the recovery codes page. */
    Admin enrolled() {
        Admin admin = enrolment();
        b.type("#code", code(admin.secret(), 0));
        b.submit("form[action='/login/enrol'] button.primary");
        assertThat(b.find("#recovery-codes").isDisplayed()).isTrue();
        return admin;
    }

    /** Enrolled, signed out, and back at the second step after the password. */
    Admin secondStep() {
        Admin admin = enrolled();
        b.driver.manage().deleteAllCookies();
        signIn(admin.phone(), admin.password());
        b.waitForPath("/login/second-step");
        return admin;
    }

    void secondStepRefused() {
        b.type("#code", wrongCode(secondStep().secret()));
        b.submit("form[action='/login/second-step'] button.primary");
        assertThat(b.find(".form-error").isDisplayed()).isTrue();
    }

    void secondStepByRecoveryCode() {
        secondStep();
        b.submit("p.forgot a");
        b.waitForPath("/login/second-step?method=recovery");
    }

    static String code(byte[] secret, long stepOffset) {
        return Totp.code(secret, Totp.step(System.currentTimeMillis() / 1000) + stepOffset, Totp.DIGITS);
    }

    /** A code none of the steps around now would give: wrong for certain. */
    static String wrongCode(byte[] secret) {
        Set<String> near = Set.of(code(secret, -1), code(secret, 0), code(secret, 1), code(secret, 2));
        for (int i = 0; ; i++) {
            String c = String.format("%06d", 123456 + i);
            if (!near.contains(c)) {
                return c;
            }
        }
    }
}
