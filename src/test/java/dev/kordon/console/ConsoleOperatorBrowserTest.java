package dev.kordon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.mfa.Totp;
import dev.kordon.support.Browser;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

/**
 * A named operator's first and second sign-in to the console in a real headless Chromium with
 * JavaScript off: the temporary password replaced, the app set up from the key the page shows, the
 * recovery codes, then password and code.
 */
class ConsoleOperatorBrowserTest {
    static Rig rig;

    @BeforeAll
    static void up() {
        Browser.requireChromium();
        LogCapture.secret(Rig.ADMIN_TOKEN);
        rig = Rig.builder().set("cookie.secure", false).start();
    }

    @AfterAll
    static void down() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void anOperatorSetsUpTheAppAtTheFirstSignInAndSignsInWithACodeTheNextTime() {
        String temporary = LogCapture.secret(rig.admin(
                        HttpMethod.PUT,
                        "/admin/v1/operators/olga",
                        new JsonObject()
                                .put("display_name", "Ольга, служба поддержки")
                                .put("email", "olga@desk.example.by"),
                        Rig.ADMIN_TOKEN)
                .bodyAsJsonObject()
                .getString("temporary_password"));
        String chosen = LogCapture.secret("Quiet-Lantern-Desk-42");
        try (Browser b = Browser.open("http://127.0.0.1:" + rig.running.adminPort(), false, "ru")) {
            b.driver.manage().window().setSize(new Dimension(1100, 1300));
            b.go("/console/");
            b.waitForPath("/console/login");
            b.shot("30-console-operator-login");
            b.type("#name", "olga");
            b.type("#password", temporary);
            b.press("Войти");
            b.waitForPath(ConsoleOperatorSignIn.CHANGE);
            assertThat(b.text("h1")).isEqualTo("Новый пароль");
            b.shot("31-console-operator-change");
            b.type("#password", chosen);
            b.type("#repeat", chosen);
            b.press("Сохранить пароль");
            b.waitForPath(ConsoleOperatorSignIn.ENROL);
            assertThat(b.find(".qr svg").isDisplayed()).isTrue();
            b.shot("32-console-operator-enrol");
            byte[] secret = decode(b.text("#secret"));
            long now = Totp.step(System.currentTimeMillis() / 1000);
            b.type("#code", Totp.code(secret, now, 6));
            b.press("Подключить");
            assertThat(b.driver.findElements(By.cssSelector("#recovery-codes li")))
                    .hasSize(10);
            b.shot("33-console-operator-codes");
            b.press("Перейти в консоль");
            b.waitForPath("/console/");
            b.press("Выйти");
            b.waitForPath("/console/login");

            b.type("#name", "olga");
            b.type("#password", chosen);
            b.press("Войти");
            b.waitForPath(ConsoleOperatorSignIn.CODE);
            b.shot("34-console-operator-code");
            b.type("#code", Totp.code(secret, now + 1, 6));
            b.press("Войти");
            b.waitForPath("/console/");
            assertThat(b.find("#sign-out").isDisplayed()).isTrue();
        }
    }

    static byte[] decode(String shown) {
        String b32 = shown.replace(" ", "");
        int rest = b32.length() % 8;
        return Base32.decode(rest == 0 ? b32 : b32 + "=".repeat(8 - rest));
    }
}
