package dev.kordon.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Browser;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.SecondStepBrowserRig;
import dev.kordon.support.SecondSteps;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;

/**
 * The second step in a real headless Chromium, scripts off (the pages need none): an administrator
 * enrols an authenticator app from the page's own key, then signs in with a code from it, and with a
 * recovery code once and not twice; a subscriber still goes straight in.
 */
class SecondStepBrowserTest extends SecondStepBrowserRig {
    @BeforeAll
    static void up() {
        start("127.0.0.1", builder -> builder);
    }

    @BeforeEach
    void browser() {
        b = Browser.open(base, false, "ru");
    }

    /** An account of {@code role} with {@code password}, the role set through the admin API. */
    static void account(String phone, String password, String role) {
        new SecondSteps(rig, password).account(phone, "org@example.by", role);
    }

    /** The session cookie the browser holds lets /auth/verify through. */
    private void signedIn() {
        b.waitForPath(PORTAL);
        Cookie session = b.driver.manage().getCookieNamed("kordon-session");
        assertThat(session).isNotNull();
        var verify = Rig.await(rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/auth/verify")
                .putHeader("Cookie", "kordon-session=" + session.getValue())
                .send());
        assertThat(verify.statusCode()).isEqualTo(200);
        assertThat(b.driver.manage().getCookieNamed("kordon-step")).isNull();
    }

    @Test
    void anAdministratorEnrolsThenSignsInByCodeAndByARecoveryCodeOnlyOnce() {
        String password = LogCapture.secret("Admin-Second-Step-1");
        account("+375294100001", password, "administrator");

        // The password alone leads to the enrolment, not in.
        passwordSignIn("294100001", password);
        b.waitForPath("/login/enrol");
        assertThat(b.text("h1")).isEqualTo("Подключение приложения");
        assertThat(b.driver.manage().getCookieNamed("kordon-session")).isNull();
        Cookie step = b.driver.manage().getCookieNamed("kordon-step");
        assertThat(step).isNotNull();
        assertThat(step.isHttpOnly()).isTrue();
        assertThat(step.getSameSite()).isEqualTo("Strict");
        assertThat(b.find(".qr svg").getAttribute("aria-label")).isNotBlank();
        b.shot("14-enrol");
        String grouped = b.text("#secret");
        byte[] secret = SecondSteps.appKey(b);

        // A wrong code: the page again, the reason at the top, the same key to type.
        b.type("#code", PageVisitor.wrongCode(secret));
        b.press("Подключить");
        assertThat(b.text(".form-error")).isEqualTo("Неверный код. Проверьте код в приложении и попробуйте снова.");
        assertThat(b.text("#secret")).isEqualTo(grouped);
        b.shot("15-enrol-wrong-code");

        List<String> codes = SecondSteps.confirmApp(b, PageVisitor.code(secret, 0));
        assertThat(codes).hasSize(10).doesNotHaveDuplicates();
        assertThat(b.page()).contains("Сохраните эти коды в надёжном месте");
        b.shot("16-recovery-codes");
        b.press("Продолжить");
        signedIn();

        // Signed out, in again: the password, then a code from the app (the next step's, no replay).
        passwordSignIn("294100001", password);
        b.waitForPath("/login/second-step");
        assertThat(b.text("h1")).isEqualTo("Второй шаг");
        assertThat(b.find("#code").getAttribute("autocomplete")).isEqualTo("one-time-code");
        assertThat(b.find("#code").getAttribute("inputmode")).isEqualTo("numeric");
        b.shot("17-second-step");
        b.type("#code", PageVisitor.code(secret, 1));
        b.press("Подтвердить");
        signedIn();

        // A recovery code instead of the app.
        passwordSignIn("294100001", password);
        b.waitForPath("/login/second-step");
        b.press("Нет доступа к приложению? Ввести код восстановления");
        assertThat(b.path()).startsWith("/login/second-step?method=recovery");
        assertThat(b.find("label[for=code]").getText()).isEqualTo("Код восстановления");
        b.shot("18-second-step-recovery");
        b.type("#code", codes.get(0));
        b.press("Подтвердить");
        signedIn();

        // The same recovery code again is refused, and the person stays on the step.
        passwordSignIn("294100001", password);
        b.waitForPath("/login/second-step");
        b.press("Нет доступа к приложению? Ввести код восстановления");
        b.type("#code", codes.get(0));
        b.press("Подтвердить");
        assertThat(b.text(".form-error")).isEqualTo("Неверный или уже использованный код восстановления.");
        assertThat(b.path()).startsWith("/login/second-step");
        assertThat(b.driver.manage().getCookieNamed("kordon-session")).isNull();
        b.shot("19-recovery-code-used");
    }

    @Test
    void aSubscribersPasswordStillSignsStraightIn() {
        String password = LogCapture.secret("Subscriber-No-Step-2");
        account("+375294100002", password, "subscriber");
        passwordSignIn("294100002", password);
        signedIn();
    }
}
