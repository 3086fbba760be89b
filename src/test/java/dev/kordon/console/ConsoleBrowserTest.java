package dev.kordon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.gate.SignedIn;
import dev.kordon.support.Browser;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in a real headless Chromium with JavaScript off: a support desk's day, from
 * the sign-in with the admin token to the sign-out, each action checked against what the customer
 * then meets on the public port.
 */
class ConsoleBrowserTest {
    static final String PASSWORD = LogCapture.secret("Console-desk-passw0rd");
    static final Pattern TEMP = Mailbox.TEMP_PASSWORD;
    static Rig rig;
    Browser b;

    @BeforeAll
    static void up() {
        Browser.requireChromium();
        LogCapture.secret(Rig.ADMIN_TOKEN);
        // A lock after three wrong passwords, so the desk has one to lift.
        rig = Rig.builder()
                .set("cookie.secure", false)
                .set("login.lock-after", 3)
                .start();
    }

    @AfterAll
    static void down() {
        if (rig != null) {
            rig.close();
        }
    }

    @BeforeEach
    void browser() {
        b = Browser.open("http://127.0.0.1:" + rig.running.adminPort(), false, "ru");
        b.driver.manage().window().setSize(new Dimension(1100, 1300));
    }

    @AfterEach
    void closeBrowser() {
        b.close();
    }

    /** A sign-in by the API: its access token, refresh token and the refresh family's id (the session's). */
    record SignedIn(String access, String refresh, String family) {}

    static SignedIn signIn(String phone) {
        var r = rig.login(phone, PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject pair = r.bodyAsJsonObject();
        String access = pair.getString("access_token");
        String sid = new JsonObject(
                        new String(Base64.getUrlDecoder().decode(access.split("\\.")[1]), StandardCharsets.UTF_8))
                .getString("sid");
        return new SignedIn(access, pair.getString("refresh_token"), sid);
    }

    static int refresh(String token) {
        return rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", token))
                .statusCode();
    }

    /** A disable or reset: the button leads to the question, «Да» does it; {@code shot} names a screenshot of the question. */
    void confirmed(String button, String done, String question, String shot) {
        b.click(button);
        assertThat(b.text("#question")).isEqualTo(question);
        if (shot != null) {
            b.shot(shot);
        }
        b.click("#confirm");
        new WebDriverWait(b.driver, Duration.ofSeconds(10))
                .until(d -> d.getCurrentUrl().contains("done=" + done));
    }

    /** Submits a console form by its button and waits for the account page it redirects to. */
    void act(String button, String done) {
        b.click(button);
        new WebDriverWait(b.driver, Duration.ofSeconds(10))
                .until(d -> d.getCurrentUrl().contains("done=" + done));
    }

    @Test
    void aSupportDeskDayFromSignInToSignOut() {
        String phone = "+375297000001";
        String email = "desk-" + rig.prefix + "@org.by";
        rig.account("mobile", phone, Rig.TARIFF, "active", PASSWORD, email);
        SignedIn first = signIn(phone);
        for (int i = 0; i < 3; i++) {
            assertThat(rig.login(phone, "wrong-password-" + i).statusCode()).isEqualTo(401);
        }
        // Locked: even the right password is refused now.
        assertThat(rig.login(phone, PASSWORD).statusCode()).isEqualTo(401);

        // Every console page needs the sign-in; a wrong token is refused.
        b.go("/console/");
        b.waitForPath("/console/login");
        assertThat(b.text("h1")).isEqualTo("Вход в консоль");
        b.shot("console-01-login");
        b.type("#token", "not-the-admin-token-at-all");
        b.press("Войти по токену");
        assertThat(b.text(".form-error")).isEqualTo("Неверный токен.");
        assertThat(b.path()).isEqualTo("/console/login");
        assertThat(b.find("#token").getAttribute("value")).isEmpty();
        b.shot("console-02-wrong-token");
        b.type("#token", Rig.ADMIN_TOKEN);
        b.press("Войти по токену");
        b.waitForPath("/console/");
        assertThat(b.text("h1")).isEqualTo("Поиск абонента");

        // Find the account by the number as the customer says it.
        b.type("#q", "29 700-00-01");
        b.press("Найти");
        assertThat(b.text("#results")).contains("+375 29 700-00-01", "Мобильная связь", email, "Активен");
        b.shot("console-03-search");
        b.driver.findElement(By.linkText("+375 29 700-00-01")).click();
        b.waitForPath("/console/accounts/");
        assertThat(b.text("h1")).isEqualTo("+375 29 700-00-01");
        assertThat(b.text("#facts")).contains("Мобильная связь", Rig.TARIFF, "Абонент", "Активен", email, "Задан");
        assertThat(b.text("#lock")).contains("Заблокирован");
        assertThat(b.find("#sessions").findElements(By.cssSelector("tbody tr"))).hasSize(1);
        assertThat(b.find("button[data-session='" + first.family() + "']").isDisplayed())
                .isTrue();
        assertThat(b.text("#events")).contains("login.failure", "login.locked", "login.success", "Неудачный вход");
        b.shot("console-04-account");

        // Unlock: the right password signs in again.
        act("#act-unlock", "unlock");
        assertThat(b.text(".banner")).isEqualTo("Блокировка снята.");
        assertThat(b.text("#lock")).startsWith("Нет");
        SignedIn second = signIn(phone);

        // End the first session: its refresh token and access token are refused, the second one's still work.
        b.go(b.path());
        assertThat(b.text("#events")).contains("admin.unlocked");
        assertThat(b.find("#sessions").findElements(By.cssSelector("tbody tr"))).hasSize(2);
        b.click("button[data-session='" + first.family() + "']");
        new WebDriverWait(b.driver, Duration.ofSeconds(10))
                .until(d -> d.getCurrentUrl().contains("done=session"));
        assertThat(b.text(".banner")).isEqualTo("Сеанс завершён.");
        assertThat(b.find("#sessions").findElements(By.cssSelector("tbody tr"))).hasSize(1);
        assertThat(b.find("button[data-session='" + second.family() + "']").isDisplayed())
                .isTrue();
        assertThat(refresh(first.refresh())).isEqualTo(401);
        assertThat(rig.get("/auth/verify", first.access()).statusCode()).isEqualTo(401);
        assertThat(rig.get("/auth/verify", second.access()).statusCode()).isEqualTo(200);
        b.shot("console-05-session-ended");

        // Send a temporary password: it arrives, and the current password keeps working.
        act("#act-resend", "resend");
        assertThat(b.text(".banner"))
                .isEqualTo(
                        "Временный пароль (действителен в течение 24 часов) отправлен на e-mail организации. Текущий пароль продолжает действовать.");
        var mails = Mailbox.await(TestServers.smtp(), email, 1, 10_000);
        assertThat(mails).hasSize(1);
        Matcher sent = TEMP.matcher(mails.get(0).text());
        assertThat(sent.find()).isTrue();
        LogCapture.secret(sent.group(1));
        assertThat(rig.login(phone, PASSWORD).statusCode()).isEqualTo(200);
        assertThat(rig.get("/auth/verify", second.access()).statusCode()).isEqualTo(200);
        b.shot("console-06-resend");

        // Disable: asked first; «Отмена» changes nothing.
        b.click("#act-disable");
        assertThat(b.text("#question")).isEqualTo("Отключить аккаунт +375 29 700-00-01?");
        b.click("#cancel");
        b.waitForPath("/console/accounts/");
        assertThat(b.text("#status")).isEqualTo("Активен");
        assertThat(rig.get("/auth/verify", second.access()).statusCode()).isEqualTo(200);
        // Confirmed: every token ends at once and sign-in is refused.
        confirmed("#act-disable", "disable", "Отключить аккаунт +375 29 700-00-01?", null);
        assertThat(b.text(".banner")).isEqualTo("Аккаунт отключён, все его сеансы завершены.");
        assertThat(b.text("#status")).isEqualTo("Отключён");
        assertThat(b.find("#no-sessions").isDisplayed()).isTrue();
        assertThat(rig.get("/auth/verify", second.access()).statusCode()).isEqualTo(401);
        assertThat(refresh(second.refresh())).isEqualTo(401);
        assertThat(rig.login(phone, PASSWORD).statusCode()).isEqualTo(401);
        b.shot("console-07-disabled");

        // Enable: sign-in works again.
        act("#act-enable", "enable");
        assertThat(b.text("#status")).isEqualTo("Активен");
        assertThat(rig.login(phone, PASSWORD).statusCode()).isEqualTo(200);

        // Force a reset: the password stops working, and the mailed temporary one leads to the change.
        confirmed("#act-reset", "reset", "Сбросить пароль аккаунта +375 29 700-00-01?", "console-10-confirm-reset");
        assertThat(b.text(".banner")).startsWith("Пароль сброшен, сеансы завершены, временный пароль");
        assertThat(rig.login(phone, PASSWORD).statusCode()).isEqualTo(401);
        mails = Mailbox.await(TestServers.smtp(), email, 2, 10_000);
        assertThat(mails).hasSize(2);
        Matcher reset = TEMP.matcher(mails.get(1).text());
        assertThat(reset.find()).isTrue();
        String temp = LogCapture.secret(reset.group(1));
        var change = rig.login(phone, temp);
        assertThat(change.statusCode()).isEqualTo(200);
        assertThat(change.bodyAsJsonObject().getBoolean("password_change_required"))
                .isTrue();
        b.go(b.path());
        assertThat(b.text("#facts")).contains("Не задан");
        assertThat(b.text("#events"))
                .contains(
                        "admin.password_reset",
                        "admin.account_disabled",
                        "admin.account_enabled",
                        "admin.temp_password_sent",
                        "admin.session_ended");
        b.shot("console-08-reset");

        // English through the language resolver, kept in the forms.
        b.go(b.path().replaceFirst("\\?.*", "") + "?lang=en");
        assertThat(b.text("h2")).isEqualTo("Actions");
        assertThat(b.find("input[name=lang]").getAttribute("value")).isEqualTo("en");
        b.shot("console-09-account-english");

        // Sign out: the console is closed to this browser again.
        b.go("/console/");
        b.click("#sign-out");
        b.waitForPath("/console/login?out=1");
        assertThat(b.text(".banner")).isEqualTo("Вы вышли из консоли.");
        b.go("/console/");
        b.waitForPath("/console/login");
    }

    @Test
    void searchByEmailAndAnUnknownNumberAndTheLinkBackAfterSignIn() {
        String email = "Search-" + rig.prefix + "@Org.by";
        rig.account("mobile", "+375297000002", Rig.TARIFF, "active", null, email);
        // A page asked for before the sign-in is where the sign-in leads.
        b.go("/console/?q=" + email.toLowerCase(java.util.Locale.ROOT));
        b.waitForPath("/console/login");
        b.type("#token", Rig.ADMIN_TOKEN);
        b.press("Войти по токену");
        b.waitForPath("/console/?q=");
        assertThat(b.text("#results")).contains("+375 29 700-00-02");
        b.type("#q", "+375 33 999-99-99");
        b.press("Найти");
        assertThat(b.text("#no-results")).isEqualTo("Ничего не найдено.");
        b.type("#q", "кто-то");
        b.press("Найти");
        assertThat(b.text(".form-error")).contains("Номер телефона или его начало");
        b.go("/console/accounts/mobile/%2B375339999999");
        assertThat(b.text(".form-error")).isEqualTo("Такого аккаунта нет.");
    }

    /** A portal registered from the form: refused by field, then its secret once; a delete asked first. */
    @Test
    void aDeskRegistersAPortalSeesItsSecretOnceAndDeletesIt() {
        b.go("/console/login");
        b.type("#token", Rig.ADMIN_TOKEN);
        b.press("Войти по токену");
        b.waitForPath("/console/");
        b.click("#nav-clients");
        b.waitForPath("/console/clients");
        assertThat(b.text("h1")).isEqualTo("Клиенты OpenID Connect");
        b.press("Зарегистрировать клиента");
        b.type("#client_id", "desk-portal");
        b.type("#client_name", "Личный кабинет");
        b.type("#redirect_uris", "http://portal.example.by/cb");
        b.click("input[name=scope][value=phone]");
        b.press("Сохранить");
        assertThat(b.text("#redirect_uris-error")).startsWith("Абсолютный адрес https");
        assertThat(b.find("#client_name").getAttribute("value")).isEqualTo("Личный кабинет");
        assertThat(b.find("input[name=scope][value=phone]").isSelected()).isTrue();
        b.shot("console-11-client-refused");
        String uris = "https://portal.example.by/cb\nhttps://portal.example.by/cb2";
        b.type("#redirect_uris", uris);
        b.press("Сохранить");
        String secret = LogCapture.secret(b.find("#client-secret").getAttribute("value"));
        assertThat(secret).matches("[A-Za-z0-9_-]{43}");
        assertThat(b.text("#secret-once")).contains("больше показан не будет");
        b.shot("console-12-client-secret");
        b.press("К клиенту");
        b.waitForPath("/console/clients/desk-portal");
        assertThat(b.driver.getPageSource()).doesNotContain(secret);
        assertThat(b.find("#redirect_uris").getAttribute("value")).isEqualTo(uris);
        b.press("Удалить клиента");
        b.press("Да, удалить");
        b.waitForPath("/console/clients?done=deleted");
        assertThat(b.text(".banner")).isEqualTo("Клиент удалён.");
        assertThat(b.driver.getPageSource()).doesNotContain("desk-portal");
    }
}
