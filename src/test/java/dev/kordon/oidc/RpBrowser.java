package dev.kordon.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.Browser;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.NodeProject;
import dev.kordon.support.SmsProviderStub;
import dev.kordon.support.TestServers;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A person in Debian's headless Chromium, and the portal they use: one run of
 * src/test/node/oidc-rp/rp.mjs (openid-client behind a small HTTP server). The person goes to the
 * portal, which sends them to Kordon; they sign in on the seed's own pages, as they would by hand;
 * the portal tells what its library checked, one JSON event a line.
 */
final class RpBrowser implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern SMS_CODE = Pattern.compile("(\\d{6})");
    static final String BACKCHANNEL = "backchannel";

    final NodeProject.Script script;
    final Browser b;
    final String issuer;
    final String portal;
    private final List<JsonObject> early = new ArrayList<>();

    private RpBrowser(NodeProject.Script script, Browser b, String issuer, String portal) {
        this.script = script;
        this.b = b;
        this.issuer = issuer;
        this.portal = portal;
    }

    /** rp.mjs for {@code client} on {@code port}, once it discovered Kordon and listens. */
    static RpBrowser start(NodeProject rp, String issuer, String client, String secret, int port) {
        NodeProject.Script script =
                rp.run(Map.of("RP_CLIENT_SECRET", secret), List.of("rp.mjs", issuer, client, Integer.toString(port)));
        Browser b;
        try {
            b = Browser.open(issuer, true, "ru");
        } catch (RuntimeException e) {
            script.close();
            throw e;
        }
        RpBrowser run = new RpBrowser(script, b, issuer, "http://127.0.0.1:" + port);
        try {
            assertThat(run.next("ready").getBoolean("ok")).as(run.diagnosis()).isTrue();
        } catch (AssertionError e) {
            run.close();
            throw e;
        }
        return run;
    }

    /** The person opens the portal's sign-in link: the portal sends them to Kordon's authorization. */
    JsonObject toPortalSignIn(String query) {
        b.driver.get(portal + "/login" + query);
        return next("authorize");
    }

    /**
     * The next event the portal printed, which must be {@code event}; a back-channel logout may come
     * between any two (Kordon's outbox delivers it in its own time), and is kept for its own wait.
     */
    JsonObject next(String event) {
        for (int i = 0; i < early.size(); i++) {
            if (event.equals(early.get(i).getString("event"))) {
                return early.remove(i);
            }
        }
        while (true) {
            JsonObject e = script.nextJson(WAIT);
            String got = e.getString("event");
            if (event.equals(got)) {
                return e;
            }
            if (!BACKCHANNEL.equals(got)) {
                throw new AssertionError("the portal's event " + got + " where " + event + " was due" + diagnosis());
            }
            early.add(e);
        }
    }

    /** The ID token's claims, and userinfo, once the browser is back at the portal's redirect URI. */
    JsonObject signedIn() {
        waitFor("the portal's callback", url -> url.startsWith(portal + "/cb?"));
        assertThat(b.driver.getCurrentUrl()).as(diagnosis()).contains("code=", "state=", "iss=");
        return next("signed_in");
    }

    // ---- the seed's pages, as a person uses them

    void signInPage() {
        waitFor("the sign-in page", url -> url.startsWith(issuer + "/login?return="));
    }

    void byPassword(String phoneDigits, String password) {
        signInPage();
        new Select(b.find("#category")).selectByVisibleText("Мобильная связь");
        b.type("#login", phoneDigits);
        b.type("#password", password);
        // «Войти в аккаунт»; the wait for the page it leads to is the caller's.
        b.click(".actions button.primary");
    }

    /** «По SMS», «Выслать код подтверждения», the code the SMS provider's stand-in received, «Войти». */
    void bySmsCode(String phone, SmsProviderStub sms) {
        signInPage();
        b.click("input[name=mode][value=sms]");
        waitFor("the SMS form", url -> url.startsWith(issuer + "/login?") && url.contains("mode=sms"));
        b.type("#login", phone.substring("+375".length()));
        b.press("Выслать код подтверждения");
        waitFor("the page of a sent code", url -> url.contains("code=sent") && url.contains("return="));
        List<JsonObject> texts = Await.until(Duration.ofSeconds(10), () -> sms.to(phone), l -> !l.isEmpty());
        Matcher code = SMS_CODE.matcher(texts.get(texts.size() - 1).getString("text"));
        assertThat(code.find()).as(texts.toString()).isTrue();
        b.type("#code", LogCapture.secret(code.group(1)));
        b.click(".actions button.primary");
    }

    /**
     * «Забыли пароль?», a temporary password by mail, the sign-in with it, and «Изменение пароля»
     * with {@code chosen}: the page the change leads to is the caller's to wait for.
     */
    void byTemporaryPassword(String phoneDigits, String email, String chosen) {
        signInPage();
        b.press("Забыли пароль?");
        waitFor("«Восстановление пароля»", url -> url.startsWith(issuer + "/password/forgot"));
        assertThat(b.text("h1")).isEqualTo("Восстановление пароля");
        b.type("#login", phoneDigits);
        new Select(b.find("#channel")).selectByValue("email");
        b.press("Восстановить пароль");
        waitFor(
                "the sign-in page after the mail",
                url -> url.startsWith(issuer + "/login?sent=email") && url.contains("return="));
        Matcher temp = Mailbox.TEMP_PASSWORD.matcher(
                Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0).text());
        assertThat(temp.find()).isTrue();
        b.type("#password", LogCapture.secret(temp.group(1)));
        b.press("Войти в аккаунт");
        waitFor("«Изменение пароля»", url -> url.startsWith(issuer + "/password/change?return="));
        assertThat(b.text("h1")).isEqualTo("Изменение пароля");
        b.type("#new_password", LogCapture.secret(chosen));
        b.type("#confirm_password", chosen);
        b.click(".actions button.primary");
    }

    void waitFor(String what, Predicate<String> at) {
        try {
            new WebDriverWait(b.driver, WAIT).until(d -> at.test(d.getCurrentUrl()));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the browser did not reach " + what + " within " + WAIT + "\n" + diagnosis(), e);
        }
    }

    String diagnosis() {
        String source;
        String at;
        try {
            source = b.driver.getPageSource();
            at = b.driver.getCurrentUrl();
        } catch (RuntimeException e) {
            source = "(unavailable: " + e.getMessage() + ")";
            at = "?";
        }
        return "\nscript output:\n" + script.transcript() + "\nbrowser at: " + at + "\npage source:\n" + source;
    }

    @Override
    public void close() {
        try {
            b.close();
        } finally {
            script.close();
        }
    }
}
