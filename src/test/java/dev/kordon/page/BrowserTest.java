package dev.kordon.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.Browser;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import dev.kordon.support.TestServers;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/** The seed's screens in a real headless Chromium: what a person sees and clicks. */
class BrowserTest {
    static Rig rig;
    static SmsProviderStub sms;
    static String base;
    static final Pattern TEMP = Mailbox.TEMP_PASSWORD;
    static final Pattern CODE = Pattern.compile("(\\d{6})");
    Browser b;

    @BeforeAll
    static void up() {
        Browser.requireChromium();
        sms = new SmsProviderStub();
        int port = TestServers.freePort();
        base = "http://127.0.0.1:" + port;
        rig = Rig.builder()
                .set("http.port", port)
                .set("cookie.secure", false)
                .set("portal.url", base + "/health/live")
                .set("sms.provider", "http")
                .set("sms.http.url", sms.url())
                .set("sms-code.resend-after", "3s")
                .start();
    }

    @AfterAll
    static void down() {
        if (rig != null) {
            rig.close();
        }
        if (sms != null) {
            sms.close();
        }
    }

    @BeforeEach
    void browser() {
        b = Browser.open(base, true, "ru");
    }

    @AfterEach
    void closeBrowser() {
        b.close();
    }

    private void verifyCookieSignsIn() {
        Cookie session = b.driver.manage().getCookieNamed("kordon-session");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Lax");
        var verify = Rig.await(rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/auth/verify")
                .putHeader("Cookie", "kordon-session=" + session.getValue())
                .send());
        assertThat(verify.statusCode()).isEqualTo(200);
    }

    @Test
    void firstRegistrationByEmailThroughToTheMenu() {
        String email = "browser-first@org.by";
        rig.admin(
                HttpMethod.PUT,
                "/admin/v1/accounts/mobile/+375292000001",
                new JsonObject().put("tariff", "SIP-соединение").put("email", email),
                Rig.ADMIN_TOKEN);

        b.go("/login");
        b.shot("01-login-password");
        assertThat(b.text("h1")).isEqualTo("Вход в аккаунт");
        assertThat(b.page())
                .contains(
                        "Выберите категорию",
                        "По SMS",
                        "По паролю",
                        "Контактный телефон",
                        "+375",
                        "Пароль",
                        "Войти в аккаунт",
                        "Зарегистрироваться >",
                        "Забыли пароль?",
                        "Введите 9 цифр номера в формате 29xxxxxxx, 44xxxxxxx, 25xxxxxxx, 33xxxxxxx");
        assertThat(new Select(b.find("#category")).getFirstSelectedOption().getText())
                .isEqualTo("Мобильная связь");

        b.press("Зарегистрироваться >");
        b.waitForPath("/register");
        assertThat(b.text("h1")).isEqualTo("Регистрация");
        b.type("#login", "29 200-00-01");
        new Select(b.find("#channel")).selectByVisibleText("E-mail");
        b.shot("04-register");
        b.press("Получить пароль");
        b.waitForPath("/login?sent=email");
        assertThat(b.text(".banner"))
                .isEqualTo("На Ваш email отправлен временный пароль (действителен в течение 24 часов)");
        assertThat(b.find("#login").getAttribute("value")).isEqualTo("29 200-00-01");
        assertThat(b.find(".prefix").getText()).isEqualTo("+375");
        b.shot("05-login-after-recovery");

        Matcher m = TEMP.matcher(
                Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0).text());
        assertThat(m.find()).isTrue();
        String temp = LogCapture.secret(m.group(1));
        b.type("#password", temp);
        b.press("Войти в аккаунт");
        b.waitForPath("/password/change");
        assertThat(b.text("h1")).isEqualTo("Изменение пароля");
        assertThat(b.page()).contains("Введите новый пароль", "Подтвердите новый пароль", "Сохранить");
        b.shot("06-change-password");

        String chosen = LogCapture.secret("Browser-Lantern-73");
        b.type("#new_password", chosen);
        b.type("#confirm_password", chosen);
        b.press("Сохранить");
        b.waitForPath("/password/changed");
        assertThat(b.page()).contains("Изменение пароля", "Ваш пароль был успешно изменен.");
        assertThat(b.driver.findElement(By.linkText("В меню")).getAttribute("href"))
                .isEqualTo(base + "/health/live");
        b.shot("07-password-changed");
        verifyCookieSignsIn();

        b.press("В меню");
        b.waitForPath("/health/live");
        // The new password signs in from the page too.
        b.driver.manage().deleteAllCookies();
        b.go("/login");
        b.type("#login", "292000001");
        b.type("#password", chosen);
        b.find("#password").sendKeys(Keys.ENTER);
        b.waitForPath("/health/live");
        verifyCookieSignsIn();
    }

    @Test
    void smsSignIn() {
        rig.account("+375292000002", null);
        b.go("/login");
        b.click("input[name=mode][value=sms]");
        b.waitForPath("/login?mode=sms");
        assertThat(b.page())
                .contains(
                        "Выслать код подтверждения",
                        "SMS код",
                        "SMS-код является одноразовым и действует в течение одного визита. Ваш постоянный пароль не изменится.");
        b.shot("02-login-sms");
        b.type("#login", "+375 29 200-00-02");
        b.press("Выслать код подтверждения");
        b.waitForPath("/login?mode=sms&code=sent");
        Await.until(Duration.ofSeconds(10), () -> !sms.to("+375292000002").isEmpty());
        Matcher m = CODE.matcher(sms.to("+375292000002").get(0).getString("text"));
        assertThat(m.find()).isTrue();
        String code = LogCapture.secret(m.group(1));
        assertThat(b.find("button[formaction='/login/sms-code']").isEnabled()).isFalse(); // the countdown runs
        b.shot("03-login-sms-code-sent");
        b.type("#code", code);
        b.press("Войти в аккаунт");
        b.waitForPath("/health/live");
        verifyCookieSignsIn();
    }

    @Test
    void wrongPasswordStaysOnTheFormWithTheReason() {
        rig.account("+375292000003", "Right-Password-303");
        b.go("/login");
        b.type("#login", "292000003");
        b.type("#password", "wrong-password-303");
        b.press("Войти в аккаунт");
        assertThat(b.text(".form-error")).isEqualTo("Неверный номер телефона или пароль.");
        assertThat(b.path()).isEqualTo("/login");
        assertThat(b.find("#login").getAttribute("value")).isEqualTo("292000003");
        assertThat(b.find("#password").getAttribute("value")).isEmpty();
        b.shot("08-wrong-password");
    }

    @Test
    void everyValidationMessage() {
        b.go("/login");
        b.press("Войти в аккаунт");
        assertThat(b.text("#login-error")).isEqualTo("Это поле обязательно для заполнения");
        assertThat(b.text("#password-error")).isEqualTo("Это поле обязательно для заполнения");
        assertThat(b.find("#login").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(b.find("#login").getAttribute("aria-describedby")).contains("login-error");
        b.shot("09-validation-required");

        b.type("#login", "17 123 45 67");
        b.type("#password", "anything-at-all");
        b.press("Войти в аккаунт");
        assertThat(b.text("#login-error"))
                .isEqualTo("Введите 9 цифр номера в формате 29xxxxxxx, 44xxxxxxx, 25xxxxxxx, 33xxxxxxx");

        b.go("/login?mode=sms");
        b.type("#login", "292000009");
        b.type("#code", "12ab");
        b.press("Войти в аккаунт");
        assertThat(b.text("#code-error")).isEqualTo("Введите 6 цифр из SMS");

        b.go("/password/forgot");
        assertThat(b.text("h1")).isEqualTo("Восстановление пароля");
        assertThat(b.page())
                .contains("Контактный телефон", "Идентификация через", "Восстановить пароль", "Войти в аккаунт >");
        b.shot("10-forgot");
        b.press("Восстановить пароль");
        assertThat(b.text("#login-error")).isEqualTo("Это поле обязательно для заполнения");

        // The change form's own refusals, reached the seed's way.
        String email = "browser-rules@org.by";
        rig.account("mobile", "+375292000004", Rig.TARIFF, "active", null, email);
        b.go("/password/forgot");
        b.type("#login", "292000004");
        b.press("Восстановить пароль");
        b.waitForPath("/login?sent=email");
        Matcher m = TEMP.matcher(
                Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0).text());
        assertThat(m.find()).isTrue();
        b.type("#password", LogCapture.secret(m.group(1)));
        b.press("Войти в аккаунт");
        b.waitForPath("/password/change");
        change("Orchid-Lantern-1", "Orchid-Lantern-2");
        assertThat(b.text("#confirm_password-error")).isEqualTo("Пароли не совпадают");
        b.shot("11-change-mismatch");
        change("password1", "password1");
        assertThat(b.text("#new_password-error")).isEqualTo("Этот пароль слишком распространён, выберите другой");
        change("Ab1-cd", "Ab1-cd");
        assertThat(b.text("#new_password-error")).isEqualTo("Пароль должен быть не короче 8 символов");
        change("x2000004-quiet", "x2000004-quiet");
        assertThat(b.text("#new_password-error"))
                .isEqualTo("Пароль не должен содержать номер телефона или лицевого счёта");
        change("", "");
        assertThat(b.text("#new_password-error")).isEqualTo("Это поле обязательно для заполнения");
    }

    private void change(String next, String confirm) {
        b.type("#new_password", next);
        b.type("#confirm_password", confirm);
        b.press("Сохранить");
    }

    @Test
    void aFormWithoutItsCsrfTokenIsRefused() {
        rig.account("+375292000005", "Csrf-Password-505");
        b.go("/login");
        ((JavascriptExecutor) b.driver).executeScript("document.querySelector('input[name=csrf]').value = 'forged'");
        b.type("#login", "292000005");
        b.type("#password", "Csrf-Password-505");
        b.press("Войти в аккаунт");
        assertThat(b.text(".form-error")).isEqualTo("Форма устарела. Обновите страницу и попробуйте снова.");
        assertThat(b.driver.manage().getCookieNamed("kordon-session")).isNull();
        b.shot("12-csrf-refused");
    }

    @Test
    void worksWithoutJavaScript() {
        b.close();
        b = Browser.open(base, false, "ru");
        rig.account("+375292000006", "NoScript-Password-606");
        b.go("/login");
        // Without script the mode switch is a small form of its own.
        b.click("input[name=mode][value=sms]");
        b.press("Выбрать");
        b.waitForPath("/login?mode=sms");
        assertThat(b.page()).contains("SMS код");
        b.click("input[name=mode][value=password]");
        b.press("Выбрать");
        b.type("#login", "292000006");
        b.type("#password", "NoScript-Password-606");
        b.press("Войти в аккаунт");
        b.waitForPath("/health/live");
        verifyCookieSignsIn();
    }

    @Test
    void keyboardOnly() {
        rig.account("+375292000007", "Keyboard-Password-707");
        b.go("/login");
        for (String id : new String[] {"category", "login", "password"}) {
            assertThat(b.driver.findElements(By.cssSelector("label[for=" + id + "]")))
                    .as(id)
                    .hasSize(1);
        }
        // Tab from the top: every control is reachable and labelled; Enter submits.
        b.find("body").sendKeys(Keys.TAB);
        for (int i = 0;
                i < 12 && !"login".equals(b.driver.switchTo().activeElement().getAttribute("id"));
                i++) {
            b.driver.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        assertThat(b.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("login");
        b.driver.switchTo().activeElement().sendKeys("292000007", Keys.TAB);
        assertThat(b.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("password");
        b.driver.switchTo().activeElement().sendKeys("Keyboard-Password-707", Keys.ENTER);
        b.waitForPath("/health/live");
    }

    @Test
    void englishOnRequest() {
        b.go("/login?lang=en");
        assertThat(b.text("h1")).isEqualTo("Sign in");
        assertThat(b.page()).contains("Choose a category", "Forgot your password?");
        b.press("Sign in");
        assertThat(b.text("#login-error")).isEqualTo("This field is required");
        b.shot("13-login-english");
    }
}
