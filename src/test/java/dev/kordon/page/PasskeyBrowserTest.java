package dev.kordon.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.mfa.Totp;
import dev.kordon.support.Browser;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.SecondStepBrowserRig;
import dev.kordon.support.SecondSteps;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Passkeys end to end in headless Chromium with scripts on and a WebDriver virtual authenticator
 * (CTAP2, built in, resident keys, the person verified): an administrator sets up the app, adds a
 * passkey on «Безопасность», signs out, and signs in by password and passkey, the session's amr
 * holding hwk; the assertion the page posted, sent again with a fresh step, is refused. WebAuthn
 * takes no IP address for an rp id, so the browser and Kordon's public address are
 * http://localhost (a secure context without TLS).
 */
class PasskeyBrowserTest extends SecondStepBrowserRig {
    VirtualAuthenticator authenticator;

    @BeforeAll
    static void up() {
        start("localhost", builder -> builder.set("jwt.issuer", base));
    }

    @BeforeEach
    void browser() {
        b = Browser.open(base, true, "ru");
        authenticator = ((HasVirtualAuthenticator) b.driver)
                .addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                        .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                        .setHasResidentKey(true)
                        .setHasUserVerification(true)
                        .setIsUserVerified(true));
    }

    @Test
    void anAdministratorAddsAPasskeyAndSignsInWithItAndItsAssertionCannotBeReplayed() {
        String password = LogCapture.secret("Passkey-Browser-1");
        new SecondSteps(rig, password).administrator("+375294300001", "org@example.by");

        // The first sign-in: the app from its key, then the recovery codes, which lead on to «Безопасность».
        passwordSignIn("294300001", password);
        b.waitForPath("/login/enrol");
        byte[] secret = SecondSteps.appKey(b);
        SecondSteps.confirmApp(b, Totp.code(secret, Totp.step(System.currentTimeMillis() / 1000), Totp.DIGITS));
        b.press("Ключ доступа можно добавить сейчас или позже на странице «Безопасность».");
        assertThat(b.text("h1")).isEqualTo("Безопасность");
        assertThat(b.text("#totp-state")).contains("подключено");
        assertThat(b.text("#no-passkeys")).isEqualTo("Ключей доступа нет.");

        b.type("#label", "Ноутбук");
        b.click("#passkey-start");
        waitFor("#passkeys");
        assertThat(b.text(".banner")).isEqualTo("Ключ доступа добавлен.");
        assertThat(b.text("#passkeys")).contains("Ноутбук", "Удалить");
        assertThat(authenticator.getCredentials()).hasSize(1);
        b.shot("20-security");
        b.press("Выйти");
        b.waitForPath("/login");
        assertThat(b.driver.manage().getCookieNamed("kordon-session")).isNull();

        // Password, then the passkey: the page's script asks for options, the authenticator signs.
        passwordSignIn("294300001", password);
        b.waitForPath("/login/second-step");
        assertThat(b.find("#passkey-start").isDisplayed()).isTrue();
        assertThat(b.text("#passkey-start")).isEqualTo("Войти с ключом доступа");
        b.shot("21-second-step-passkey");
        // What the page posts is kept before it goes, to send it again below.
        js("var f = document.getElementById('passkey-form');"
                + " f.submit = function () { window.posted = f.elements.credential.value; };");
        b.click("#passkey-start");
        new WebDriverWait(b.driver, Duration.ofSeconds(10)).until(d -> js("return window.posted || null") != null);
        String assertion = (String) js("return window.posted");
        js("HTMLFormElement.prototype.submit.call(document.getElementById('passkey-form'))");
        b.waitForPath(PORTAL);
        Cookie session = b.driver.manage().getCookieNamed("kordon-session");
        assertThat(session).isNotNull();
        JsonObject who = Rig.await(rig.running.wiring().browserSessions().lookup(session.getValue()));
        assertThat(who.getJsonArray("amr").getList()).containsExactly("pwd", "hwk");

        HttpResponse<Buffer> step = rig.login("+375294300001", password);
        String fresh = LogCapture.secret(step.bodyAsJsonObject().getString("step_token"));
        HttpResponse<Buffer> replay = rig.post(
                "/api/v1/login/second-step",
                new JsonObject().put("step_token", fresh).put("passkey", new JsonObject(assertion)));
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.bodyAsJsonObject().getString("code")).isEqualTo("invalid_credentials");
    }

    private void waitFor(String css) {
        new WebDriverWait(b.driver, Duration.ofSeconds(10))
                .until(d ->
                        !d.findElements(org.openqa.selenium.By.cssSelector(css)).isEmpty());
    }

    private Object js(String script) {
        return ((JavascriptExecutor) b.driver).executeScript(script);
    }
}
