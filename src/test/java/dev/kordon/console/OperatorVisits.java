package dev.kordon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.mfa.Totp;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import org.openqa.selenium.By;

/**
 * The ways through a named operator's sign-in for {@link ConsoleAccessibilityTest}: an operator
 * added by the admin API, its temporary password, the forced change, the app set up from the page's
 * key, the recovery codes, then password and code. Buttons are found by their form, not their text.
 */
final class OperatorVisits {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private OperatorVisits() {}

    /** An operator being signed in: its name, its password now, and the app's key once it has one. */
    record Operator(String name, String password, byte[] secret) {}

    /** A new operator, by the admin API: its name and temporary password. */
    static Operator added(ConsoleVisitor v) {
        String name = "axe" + NEXT.incrementAndGet();
        var put = v.rig.admin(
                HttpMethod.PUT,
                "/admin/v1/operators/" + name,
                new JsonObject().put("display_name", "Оператор " + name).put("email", name + "@desk.example.by"),
                Rig.ADMIN_TOKEN);
        assertThat(put.statusCode()).isEqualTo(201);
        return new Operator(name, LogCapture.secret(put.bodyAsJsonObject().getString("temporary_password")), null);
    }

    static void password(ConsoleVisitor v, String name, String password) {
        v.b.go("/console/login");
        v.b.type("#name", name);
        v.b.type("#password", password);
        v.b.submit("#operator-submit");
    }

    static void wrongPassword(ConsoleVisitor v) {
        password(v, added(v).name(), "not-the-operators-password");
        assertThat(v.b.find(".form-error").isDisplayed()).isTrue();
    }

    static void fieldsMissing(ConsoleVisitor v) {
        v.b.go("/console/login");
        v.b.submit("#operator-submit");
        assertThat(v.b.find(".form-error").isDisplayed()).isTrue();
    }

    /** The temporary password taken: «Новый пароль». */
    static Operator change(ConsoleVisitor v) {
        Operator o = added(v);
        password(v, o.name(), o.password());
        v.b.waitForPath(ConsoleOperatorSignIn.CHANGE);
        return o;
    }

    private static void choose(ConsoleVisitor v, String password, String repeat) {
        v.b.type("#password", password);
        v.b.type("#repeat", repeat);
        v.b.submit("form[action='/console/login/change'] button.primary");
    }

    static void changeRefused(ConsoleVisitor v) {
        change(v);
        choose(v, "Quiet-Axe-Lantern-1", "Quiet-Axe-Lantern-2");
        assertThat(v.b.find(".form-error").isDisplayed()).isTrue();
    }

    /** A password chosen: the enrolment with its QR code; the key the page shows. */
    static Operator enrol(ConsoleVisitor v) {
        Operator o = change(v);
        // The password rules refuse one that holds the operator's name.
        String chosen = LogCapture.secret("Quiet-Lantern-Desk-42");
        choose(v, chosen, chosen);
        v.b.waitForPath(ConsoleOperatorSignIn.ENROL);
        assertThat(v.b.find(".qr svg").isDisplayed()).isTrue();
        return new Operator(o.name(), chosen, ConsoleOperatorBrowserTest.decode(v.b.text("#secret")));
    }

    private static String code(byte[] secret, long ahead) {
        return Totp.code(secret, Totp.step(System.currentTimeMillis() / 1000) + ahead, Totp.DIGITS);
    }

    /** The app set up: the recovery codes, shown once. */
    static Operator codes(ConsoleVisitor v) {
        Operator o = enrol(v);
        v.b.type("#code", code(o.secret(), 0));
        v.b.submit("form[action='/console/login/enrol'] button.primary");
        assertThat(v.b.driver.findElements(By.cssSelector("#recovery-codes li")))
                .hasSize(10);
        return o;
    }

    /** Enrolled, signed out, and back with the password: the code's page. */
    static void code(ConsoleVisitor v) {
        Operator o = codes(v);
        v.b.submit("#continue");
        v.b.waitForPath("/console/");
        v.b.submit("#sign-out");
        v.b.waitForPath("/console/login");
        password(v, o.name(), o.password());
        v.b.waitForPath(ConsoleOperatorSignIn.CODE);
    }

    /** An account's page after an action by a named operator: «Кто» names them in the events. */
    static void accountByOperator(ConsoleVisitor v) {
        String page = v.accountWithHistory();
        Operator o = codes(v);
        v.b.submit("#continue");
        v.b.waitForPath("/console/");
        v.b.go(page);
        v.act("#act-resend", "resend");
        assertThat(v.b.text("#events")).contains(o.name());
    }
}
