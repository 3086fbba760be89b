package dev.kordon.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.mfa.SoftAuthenticator;
import dev.kordon.mfa.Totp;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.PageClient;
import dev.kordon.support.Rig;
import dev.kordon.support.SecondStepRig;
import dev.kordon.support.SecondSteps;
import dev.kordon.support.TestServers;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.Test;

/**
 * «Безопасность» over HTTP, for a subscriber (no role demands a second step): opting in to the app
 * makes the next sign-in ask for it; new recovery codes void the old; a passkey added through the
 * page's endpoints and removed again, audited and mailed; once the account has a method only a
 * session that took the second step changes it; no session, no page.
 */
class SecurityPagesHttpTest extends SecondStepRig {
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final Pattern SECRET = Pattern.compile("name=\"secret\" value=\"([A-Z2-7]+)\"");
    static final Pattern OTPAUTH = Pattern.compile("name=\"otpauth\" value=\"([^\"]+)\"");
    static final Pattern CODE = Pattern.compile("<li><code>([a-z0-9-]+)</code></li>");

    /** One browser, its cookies kept. */
    static final class Client extends PageClient {
        Client() {
            super(rig);
        }

        /** A form of the security page, with its CSRF token. */
        MultiMap form() {
            return form(get("/login/security").bodyAsString());
        }

        static MultiMap form(String page) {
            return MultiMap.caseInsensitiveMultiMap().add("csrf", group(CSRF, page));
        }

        /** The password; the answer's redirect leads in, or to the second step. */
        HttpResponse<Buffer> password(String phone, String password) {
            HttpResponse<Buffer> r = post(
                    "/login",
                    form(get("/login").bodyAsString())
                            .add("mode", "password")
                            .add("category", "mobile")
                            .add("login", phone.substring(4))
                            .add("password", password));
            assertThat(r.statusCode()).isEqualTo(303);
            return r;
        }

        void signIn(String phone, String password) {
            assertThat(password(phone, password).getHeader("Location")).doesNotStartWith("/login");
        }

        /** The second step's form, {@code fields} added; signed in when it led out of /login. */
        void step(MultiMap fields) {
            MultiMap form = form(get("/login/second-step").bodyAsString()).addAll(fields);
            HttpResponse<Buffer> r = post("/login/second-step", form);
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(303);
            assertThat(r.getHeader("Location")).doesNotStartWith("/login");
        }
    }

    @Test
    void withoutASessionTheSecurityPageSendsToTheSignIn() {
        HttpResponse<Buffer> r = new Client().get("/login/security");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.getHeader("Location")).isEqualTo("/login");
    }

    @Test
    void aSubscriberWhoSetsUpTheAppIsAskedForTheSecondStepAtTheNextSignIn() {
        String phone = "+375294400001";
        String password = subscriber(phone, "sec1@example.by");
        assertThat(rig.login(phone, password).bodyAsJsonObject().containsKey("access_token"))
                .as("before: the seed's sign-in")
                .isTrue();
        Client c = new Client();
        c.signIn(phone, password);
        String page = c.get("/login/security").bodyAsString();
        assertThat(page).contains("<h1>Безопасность</h1>", "не подключено", "href=\"/login/security/totp\"");

        List<String> codes = optIn(c).codes();
        assertThat(codes).hasSize(10);
        assertThat(c.get("/login/security").bodyAsString()).contains("Осталось кодов: 10");

        JsonObject next = rig.login(phone, password).bodyAsJsonObject();
        assertThat(next.getBoolean("second_step_required")).isTrue();
        assertThat(next.containsKey("access_token")).isFalse();
        LogCapture.secret(next.getString("step_token"));
        assertThat(next.getJsonArray("methods")).containsExactly("totp", "recovery_code");
        assertThat(audited("mfa.enrolled", phone, 1)).isTrue();
    }

    @Test
    void newRecoveryCodesNeedTheSecondStepVoidTheOldOnesAndAreMailed() {
        String phone = "+375294400002";
        String password = subscriber(phone, "sec2@example.by");
        Client c = new Client();
        c.signIn(phone, password);
        OptIn app = optIn(c);
        List<String> old = app.codes();
        HttpResponse<Buffer> unstepped = c.post("/login/security/codes", c.form());
        assertThat(unstepped.statusCode())
                .as("a session without the second step changes nothing once the account has a method")
                .isEqualTo(403);
        assertThat(unstepped.bodyAsString()).contains("войдите снова с кодом из приложения");

        Client stepped = new Client();
        assertThat(stepped.password(phone, password).getHeader("Location")).startsWith("/login/second-step");
        stepped.step(MultiMap.caseInsensitiveMultiMap().add("method", "totp").add("code", app.code(1)));
        HttpResponse<Buffer> renewed = stepped.post("/login/security/codes", stepped.form());
        assertThat(renewed.statusCode()).isEqualTo(200);
        assertThat(renewed.getHeader("Cache-Control")).contains("no-store");
        List<String> fresh = all(CODE, renewed.bodyAsString());
        assertThat(fresh).hasSize(10).doesNotContainAnyElementsOf(old);

        assertThat(stepWithCode(phone, password, old.get(0))).isEqualTo(401);
        assertThat(stepWithCode(phone, password, fresh.get(0))).isEqualTo(200);
        assertThat(audited("mfa.recovery_codes_renewed", phone, 1)).isTrue();
        assertThat(Mailbox.await(TestServers.smtp(), "sec2@example.by", 1, 10_000))
                .anySatisfy(m -> assertThat(m.subject()).contains("Новые коды"));
    }

    @Test
    void aPasskeyAddedOnThePageIsRemovedAfterTheSecondStepAuditedAndMailed() {
        String phone = "+375294400003";
        String password = subscriber(phone, "sec3@example.by");
        Client c = new Client();
        c.signIn(phone, password);

        HttpResponse<Buffer> options = c.post("/login/security/passkey/options", c.form());
        assertThat(options.statusCode()).isEqualTo(200);
        JsonObject create = options.bodyAsJsonObject();
        assertThat(create.getJsonObject("rp").getString("id")).isEqualTo("auth.example.by");
        SoftAuthenticator key = new SoftAuthenticator("https://auth.example.by", "auth.example.by");
        HttpResponse<Buffer> added = c.post(
                "/login/security/passkey",
                c.form().add("credential", key.create(create)).add("label", "Рабочий ключ"));
        assertThat(added.statusCode()).isEqualTo(200);
        assertThat(all(CODE, added.bodyAsString()))
                .as("the account's first method brings its recovery codes")
                .hasSize(10);
        String page = c.get("/login/security").bodyAsString();
        assertThat(page).contains("Рабочий ключ", "value=\"" + key.id() + "\"");

        assertThat(c.post("/login/security/passkey/remove", c.form().add("id", key.id()))
                        .statusCode())
                .as("the session that added the first passkey took no second step")
                .isEqualTo(403);

        // Signed in again with the passkey on the step's page, as its script would: options, then the answer.
        Client stepped = new Client();
        assertThat(stepped.password(phone, password).getHeader("Location")).startsWith("/login/second-step");
        HttpResponse<Buffer> get = stepped.post(
                "/login/second-step/passkey",
                Client.form(stepped.get("/login/second-step").bodyAsString()));
        assertThat(get.statusCode()).isEqualTo(200);
        stepped.step(MultiMap.caseInsensitiveMultiMap()
                .add("method", "passkey")
                .add("credential", key.get(get.bodyAsJsonObject(), null, false)));
        HttpResponse<Buffer> removed =
                stepped.post("/login/security/passkey/remove", stepped.form().add("id", key.id()));
        assertThat(removed.statusCode()).isEqualTo(303);
        assertThat(removed.getHeader("Location")).isEqualTo("/login/security?done=passkey-removed");
        assertThat(stepped.get(removed.getHeader("Location")).bodyAsString())
                .contains("Ключ доступа удалён.", "Ключей доступа нет.")
                .doesNotContain("Рабочий ключ");
        assertThat(audited("mfa.removed", phone, 1)).isTrue();
        assertThat(Mailbox.await(TestServers.smtp(), "sec3@example.by", 1, 10_000))
                .anySatisfy(m -> assertThat(m.subject()).contains("удалён"));
    }

    /** The app set up on the security page: its secret, and the recovery codes it brought. */
    private record OptIn(byte[] secret, List<String> codes) {
        /** The app's code {@code offset} steps from now. */
        String code(long offset) {
            return Totp.code(secret, Totp.step(System.currentTimeMillis() / 1000) + offset, Totp.DIGITS);
        }
    }

    private static OptIn optIn(Client c) {
        String enrol = c.get("/login/security/totp").bodyAsString();
        String secret = group(SECRET, enrol);
        OptIn app = new OptIn(Base32.decode(secret + "=".repeat((8 - secret.length() % 8) % 8)), new ArrayList<>());
        HttpResponse<Buffer> done = c.post(
                "/login/security/totp",
                Client.form(enrol)
                        .add("secret", secret)
                        .add("otpauth", group(OTPAUTH, enrol).replace("&amp;", "&"))
                        .add("code", app.code(0)));
        assertThat(done.statusCode()).as(done.bodyAsString()).isEqualTo(200);
        app.codes().addAll(all(CODE, done.bodyAsString()));
        app.codes().forEach(LogCapture::secret);
        return app;
    }

    private static int stepWithCode(String phone, String password, String code) {
        SecondSteps steps = new SecondSteps(rig, password);
        return steps.secondStep(steps.password(phone).getString("step_token"), "recovery_code", code)
                .statusCode();
    }

    private static String subscriber(String phone, String email) {
        String password = LogCapture.secret("Security-Page-" + phone.substring(9));
        rig.account("mobile", phone, Rig.TARIFF, "active", password, email);
        return password;
    }

    private static boolean audited(String event, String login, long n) {
        return Await.until(
                Duration.ofSeconds(10),
                () -> Rig.await(rig.running
                                        .wiring()
                                        .pg()
                                        .preparedQuery(
                                                "SELECT count(*) FROM audit_events WHERE event = $1 AND login = $2")
                                        .execute(Tuple.of(event, login)))
                                .iterator()
                                .next()
                                .getLong(0)
                        == n);
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertThat(m.find()).as(p.pattern()).isTrue();
        return m.group(1);
    }

    private static List<String> all(Pattern p, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
