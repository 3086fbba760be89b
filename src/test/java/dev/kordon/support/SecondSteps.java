package dev.kordon.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.mfa.Totp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.util.encoders.Base32;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The second step on the JSON API as a person takes it, for tests: an administrator made, the
 * password's step token, the authenticator app enrolled with the code a test computes from the
 * secret Kordon gave, a code given, and what a token says; a browser session as a sign-in makes it;
 * in Chromium, the password form and the app's enrolment page.
 */
public final class SecondSteps {
    private final Rig rig;
    private final String password;

    public SecondSteps(Rig rig, String password) {
        this.rig = rig;
        this.password = password;
    }

    /** An enrolment done on the API: the app's secret, when its first code was computed, the recovery codes. */
    public record Enrolled(byte[] secret, long at, JsonArray codes, JsonObject tokens) {}

    /** An active administrator with the password, mailed at {@code email}. */
    public Account administrator(String phone, String email) {
        return account(phone, email, "administrator");
    }

    /** An active account of {@code role} with the password, mailed at {@code email}; the role set through the admin API. */
    public Account account(String phone, String email, String role) {
        Account account = rig.account("mobile", phone, Rig.TARIFF, "active", password, email);
        HttpResponse<Buffer> r = rig.admin(
                HttpMethod.PUT,
                "/admin/v1/accounts/mobile/" + phone,
                new JsonObject()
                        .put("tariff", Rig.TARIFF)
                        .put("email", email)
                        .put("role", role)
                        .put("status", "active"),
                Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        return account;
    }

    /** The right password's answer: a step token (kept out of the logs), never tokens. */
    public JsonObject password(String phone) {
        HttpResponse<Buffer> r = rig.login(phone, password);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        LogCapture.secret(r.bodyAsJsonObject().getString("step_token"));
        return r.bodyAsJsonObject();
    }

    /** The app enrolled at a first sign-in, confirmed by its current code. */
    public Enrolled enrol(String phone) {
        String token = password(phone).getString("step_token");
        String base32 =
                LogCapture.secret(rig.post("/api/v1/login/second-step/totp", new JsonObject().put("step_token", token))
                        .bodyAsJsonObject()
                        .getString("secret"));
        byte[] secret = Base32.decode(base32 + "=".repeat((8 - base32.length() % 8) % 8));
        long now = System.currentTimeMillis() / 1000;
        HttpResponse<Buffer> confirmed = rig.post(
                "/api/v1/login/second-step/totp/confirm",
                new JsonObject()
                        .put("step_token", token)
                        .put("totp", LogCapture.secret(Totp.code(secret, Totp.step(now), 6))));
        assertThat(confirmed.statusCode()).as(confirmed.bodyAsString()).isEqualTo(200);
        JsonArray codes = confirmed.bodyAsJsonObject().getJsonArray("recovery_codes");
        codes.forEach(c -> LogCapture.secret((String) c));
        return new Enrolled(secret, now, codes, confirmed.bodyAsJsonObject());
    }

    /** A code ({@code field}: totp or recovery_code) given for a step token. */
    public HttpResponse<Buffer> secondStep(String token, String field, String code) {
        return rig.post(
                "/api/v1/login/second-step",
                new JsonObject().put("step_token", token).put(field, code));
    }

    /** A six-digit code the app does not show within the window around {@code now}. */
    public static String other(byte[] secret, long now) {
        for (int n = 0; ; n++) {
            String candidate = String.format("%06d", n);
            if (Totp.matchingStep(secret, candidate, now) < 0) {
                return candidate;
            }
        }
    }

    /**
     * A browser session of {@code account}, made by Kordon's own part as a sign-in that proved
     * {@code amr} makes it: the cookie's value.
     */
    public static String session(Rig rig, Account account, List<String> amr) {
        return Rig.await(rig.running
                .wiring()
                .browserSessions()
                .create(new JsonObject()
                        .put("sub", account.id().toString())
                        .put("login", account.login())
                        .put("cat", account.category())
                        .put("role", account.role())
                        .put("amr", new JsonArray(amr))));
    }

    /** The sign-in page's password form sent from a browser signed out (none of Kordon's cookies). */
    public static void passwordSignIn(Browser b, String nine, String password) {
        b.driver.manage().deleteAllCookies();
        b.go("/login");
        b.type("#login", nine);
        b.type("#password", password);
        b.find("#password").sendKeys(Keys.ENTER);
    }

    /** The app's key as the enrolment page shows it to type, in groups of four: its bytes. */
    public static byte[] appKey(Browser b) {
        String grouped = b.text("#secret");
        assertThat(grouped).matches("([A-Z2-7]{4} )+[A-Z2-7]{1,4}");
        return Base32.decode(grouped.replace(" ", ""));
    }

    /** The app's code typed on the enrolment page and taken: the recovery codes it shows, once. */
    public static List<String> confirmApp(Browser b, String code) {
        b.type("#code", code);
        b.press("Подключить");
        assertThat(b.text("h1")).isEqualTo("Коды восстановления");
        List<String> codes = b.driver.findElements(By.cssSelector("#recovery-codes li")).stream()
                .map(WebElement::getText)
                .toList();
        codes.forEach(LogCapture::secret);
        return codes;
    }

    /** A JWT's claims, unverified: what it says. */
    public static JsonObject claims(String jwt) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])));
    }
}
