package dev.kordon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.mfa.SecondFactors;
import dev.kordon.mfa.Totp;
import dev.kordon.store.Database;
import dev.kordon.support.Await;
import dev.kordon.support.Browser;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * An operator at the console, in whatever language the browser asks for: the ways to reach each
 * state of its pages, with accounts that have something to show (a session, events, a lock, an
 * enrolled second step). Buttons are found by their id, not their text, so one way serves both languages.
 */
final class ConsoleVisitor {
    static final String PASSWORD = LogCapture.secret("Console-Axe-passw0rd");
    private static final AtomicInteger NEXT = new AtomicInteger(6_000_000);

    final Browser b;
    final Rig rig;

    ConsoleVisitor(Browser b, Rig rig) {
        this.b = b;
        this.rig = rig;
    }

    void signIn() {
        b.go("/console/login");
        b.type("#token", Rig.ADMIN_TOKEN);
        b.submit("#token-submit");
        b.waitForPath("/console/");
    }

    void wrongToken() {
        b.go("/console/login");
        b.type("#token", "not-the-admin-token-at-all");
        b.submit("#token-submit");
        assertThat(b.find(".form-error").isDisplayed()).isTrue();
    }

    void signedOut() {
        signIn();
        b.submit("#sign-out");
        b.waitForPath("/console/login?out=1");
    }

    /** A subscriber with an organisation's e-mail and no password yet; its number. */
    String subscriber() {
        String phone = "+37529" + NEXT.incrementAndGet();
        rig.account("mobile", phone, Rig.TARIFF, "active", null, "axe-" + phone.substring(1) + "@org.by");
        return phone;
    }

    /** A search for {@code query}, whose answer shows {@code shown}. */
    void search(String query, String shown) {
        signIn();
        b.type("#q", query);
        b.submit("form.search button.primary");
        assertThat(b.find(shown).isDisplayed()).isTrue();
    }

    /**
     * A supervisor (outside mfa.required-roles, so a password alone makes a session) with everything the account page can show: a session, failed sign-ins up to
     * the lock, an enrolled authenticator app and recovery codes; signed in, on its page.
     */
    String account() {
        String page = accountWithHistory();
        signIn();
        b.go(page);
        assertThat(b.find("#sessions").isDisplayed()).isTrue();
        return page;
    }

    /** The account {@link #account} shows, made but not visited: its page's path. */
    String accountWithHistory() {
        String phone = "+37529" + NEXT.incrementAndGet();
        Account a =
                rig.account("mobile", phone, Rig.TARIFF, "active", PASSWORD, "axe-" + phone.substring(1) + "@org.by");
        var put = rig.admin(
                HttpMethod.PUT,
                "/admin/v1/accounts/mobile/" + phone,
                new JsonObject()
                        .put("tariff", Rig.TARIFF)
                        .put("email", "axe-" + phone.substring(1) + "@org.by")
                        .put("role", "supervisor")
                        .put("status", "active"),
                Rig.ADMIN_TOKEN);
        assertThat(put.statusCode()).isEqualTo(200);
        // After the role is set: a change of role ends the account's sessions.
        assertThat(rig.login(phone, PASSWORD).statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            rig.login(phone, "wrong-password-" + i);
        }
        enrolApp(rig, a);
        return "/console/accounts/mobile/%2B" + phone.substring(1);
    }

    /** An authenticator app and ten recovery codes for {@code a}, as an enrolment leaves them; the store they are in. */
    static SecondFactors enrolApp(Rig rig, Account a) {
        SecondFactors factors = new SecondFactors(
                new Database(rig.running.wiring().pg(), Duration.ofSeconds(5)),
                rig.running.wiring().secrets());
        Rig.await(factors.startTotp(a.id(), Totp.newSecret()));
        Rig.await(factors.confirmTotp(a.id()));
        Rig.await(factors.newRecoveryCodes(a.id())).forEach(LogCapture::secret);
        return factors;
    }

    /** On an account's page, the action {@code button} asks first: its question. */
    void question(String button) {
        account();
        b.submit(button);
        assertThat(b.find("#question").isDisplayed()).isTrue();
    }

    /** On an account's page, the action {@code button} done, its banner shown. */
    void done(String button, String done) {
        account();
        act(button, done);
    }

    /** On an account's page, the action {@code button} done, confirmed if it asks: its banner shown. */
    void act(String button, String done) {
        b.submit(button);
        if (!b.driver.findElements(By.id("confirm")).isEmpty()) {
            b.submit("#confirm");
        }
        new WebDriverWait(b.driver, Duration.ofSeconds(10))
                .until(d -> d.getCurrentUrl().contains("done=" + done));
        assertThat(b.find(".banner").isDisplayed()).isTrue();
    }

    /** A recovery mail to {@code refused}, which the relay refuses for good: a dead letter, on its page. */
    void deadLetter(String refused) {
        String phone = "+37529" + NEXT.incrementAndGet();
        rig.account("mobile", phone, Rig.TARIFF, "active", null, refused);
        var sent = rig.post(
                "/api/v1/password/recovery",
                new JsonObject().put("category", "mobile").put("login", phone).put("channel", "email"));
        assertThat(sent.statusCode()).isEqualTo(202);
        signIn();
        Await.until(Duration.ofSeconds(10), () -> {
            b.go("/console/dead-letters");
            return !b.driver.findElements(By.id("dead-letters")).isEmpty();
        });
        assertThat(b.find("#dead-letters").isDisplayed()).isTrue();
    }

    /** A dead letter sent again: the page's banner says so. */
    void redriven(String refused) {
        deadLetter(refused);
        b.submit("#dead-letters tbody tr button");
        b.waitForPath("/console/dead-letters?done=");
        assertThat(b.find(".banner").isDisplayed()).isTrue();
    }

    void newClient() {
        signIn();
        b.go("/console/new-client");
    }

    void clientRefused() {
        newClient();
        b.type("#client_id", "axe-" + NEXT.incrementAndGet());
        b.type("#client_name", "Личный кабинет");
        b.type("#redirect_uris", "http://portal.example.by/cb");
        b.submit("#save");
        assertThat(b.find("#redirect_uris-error").isDisplayed()).isTrue();
    }

    /** A client registered: the page that shows its secret once; its id. */
    String clientSecret() {
        newClient();
        String id = "axe-" + NEXT.incrementAndGet();
        b.type("#client_id", id);
        b.type("#client_name", "Личный кабинет");
        b.type("#redirect_uris", "https://portal.example.by/cb");
        b.click("input[name=scope][value=phone]");
        b.submit("#save");
        LogCapture.secret(b.find("#client-secret").getAttribute("value"));
        return id;
    }

    void client() {
        String id = clientSecret();
        b.go("/console/clients/" + id);
        b.waitForPath("/console/clients/" + id);
    }

    void clients() {
        clientSecret();
        b.go("/console/clients");
        assertThat(b.find("#clients").isDisplayed()).isTrue();
    }

    void clientDeleteQuestion() {
        client();
        b.submit("#act-delete");
        assertThat(b.find("#confirm").isDisplayed()).isTrue();
    }
}
