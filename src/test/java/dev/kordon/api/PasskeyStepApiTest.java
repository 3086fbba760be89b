package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.mfa.PasskeyOutcome;
import dev.kordon.mfa.Passkeys;
import dev.kordon.mfa.SecondFactors;
import dev.kordon.mfa.SoftAuthenticator;
import dev.kordon.store.Database;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A passkey as the second step on the JSON API, answered by a software authenticator: the options
 * for the step's account, the assertion accepted once with amr ["pwd","hwk"], the same assertion
 * replayed refused, a counter that did not move forward refused and audited and mailed, a wrong
 * signature counted as a wrong code.
 */
class PasskeyStepApiTest {
    static final String PASSWORD = LogCapture.secret("Passkey-Step-Password-1");
    static final String ORIGIN = "https://auth.example.by";
    static final String RP_ID = "auth.example.by";
    static Rig rig;
    /** The same store and challenges as the server's: a passkey registered here is the account's. */
    static Passkeys passkeys;

    @BeforeAll
    static void up() {
        rig = Rig.builder()
                .set("mfa.required-roles", List.of("administrator"))
                .set("jwt.issuer", ORIGIN)
                .start();
        passkeys = new Passkeys(
                new SecondFactors(
                        new Database(rig.running.wiring().pg(), Duration.ofSeconds(5)),
                        rig.running.wiring().secrets()),
                rig.running.wiring().redis(),
                Passkeys.RelyingParty.of(ORIGIN, "Kordon"));
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void aPasskeySignsInWithPwdAndHwkAndItsAssertionReplayedWithAFreshStepIsRefused() {
        SoftAuthenticator key = administratorWithPasskey("+375297700001", "pk1@example.by");

        JsonObject step = password("+375297700001");
        assertThat(step.getJsonArray("methods")).contains("passkey");
        String token = step.getString("step_token");
        JsonObject options = options(token);
        assertThat(options.getString("rpId")).isEqualTo(RP_ID);
        assertThat(options.getString("userVerification")).isEqualTo("required");
        assertThat(options.getJsonArray("allowCredentials").getJsonObject(0).getString("id"))
                .isEqualTo(key.id());

        String assertion = key.get(options, null, false);
        HttpResponse<Buffer> in = passkey(token, assertion);
        assertThat(in.statusCode()).as(in.bodyAsString()).isEqualTo(200);
        assertThat(amr(in.bodyAsJsonObject().getString("access_token"))).containsExactly("pwd", "hwk");

        String fresh = password("+375297700001").getString("step_token");
        HttpResponse<Buffer> replay = passkey(fresh, assertion);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.bodyAsJsonObject().getString("code"))
                .as("the challenge answered once is gone: the same answer as a wrong code")
                .isEqualTo("invalid_credentials");
    }

    @Test
    void aCounterThatDidNotMoveForwardIsRefusedAuditedAndMailed() {
        SoftAuthenticator key = administratorWithPasskey("+375297700002", "pk2@example.by");
        String token = password("+375297700002").getString("step_token");
        key.counting = false;
        key.counter = 3; // registered at 5: a copy of the key, behind the original
        HttpResponse<Buffer> cloned = passkey(token, key.get(options(token), null, false));
        assertThat(cloned.statusCode()).isEqualTo(401);
        assertThat(cloned.bodyAsJsonObject().getString("code")).isEqualTo("invalid_credentials");
        assertThat(counted("mfa.passkey_cloned", "+375297700002", 1)).isTrue();
        assertThat(Mailbox.await(TestServers.smtp(), "pk2@example.by", 1, 10_000))
                .anySatisfy(m -> assertThat(m.subject()).contains("копия"));
    }

    @Test
    void aWrongSignatureCountsAsAWrongCodeAndFiveSpendTheStep() {
        SoftAuthenticator key = administratorWithPasskey("+375297700003", "pk3@example.by");
        String token = password("+375297700003").getString("step_token");
        for (int i = 0; i < 5; i++) {
            HttpResponse<Buffer> wrong = passkey(token, key.get(options(token), null, true));
            assertThat(wrong.bodyAsJsonObject().getString("code")).isEqualTo("invalid_credentials");
        }
        assertThat(counted("login.failure", "+375297700003", 5)).isTrue();
        HttpResponse<Buffer> right = passkey(token, key.get(options(token), null, false));
        assertThat(right.statusCode()).isEqualTo(401);
        assertThat(right.bodyAsJsonObject().getString("code"))
                .as("five tries spent: even the right passkey finds no step")
                .isEqualTo("unauthorized");
    }

    @Test
    void anAccountWithoutAPasskeyIsOfferedNoneAndExactlyOneMethodIsTaken() {
        rig.account("mobile", "+375297700004", Rig.TARIFF, "active", PASSWORD, "pk4@example.by");
        role("+375297700004", "pk4@example.by");
        JsonObject step = password("+375297700004");
        assertThat(step.getJsonArray("methods")).doesNotContain("passkey");
        String token = step.getString("step_token");
        assertThat(rig.post("/api/v1/login/second-step/passkey/options", new JsonObject().put("step_token", token))
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<Buffer> both = rig.post(
                "/api/v1/login/second-step",
                new JsonObject()
                        .put("step_token", token)
                        .put("totp", "123456")
                        .put("passkey", new JsonObject().put("id", "x")));
        assertThat(both.statusCode()).isEqualTo(400);
        HttpResponse<Buffer> text = rig.post(
                "/api/v1/login/second-step",
                new JsonObject().put("step_token", token).put("passkey", "x"));
        assertThat(text.statusCode())
                .as("a passkey is the credential's JSON object")
                .isEqualTo(400);
    }

    /** An administrator with a passkey registered at counter 5, the software key that holds it. */
    private static SoftAuthenticator administratorWithPasskey(String phone, String email) {
        Account a = rig.account("mobile", phone, Rig.TARIFF, "active", PASSWORD, email);
        role(phone, email);
        SoftAuthenticator key = new SoftAuthenticator(ORIGIN, RP_ID);
        key.counter = 5;
        JsonObject create = Rig.await(passkeys.registrationOptions(a.id(), phone, phone));
        assertThat(Rig.await(passkeys.register(a.id(), key.create(create), "Ноутбук"))
                        .verdict())
                .isEqualTo(PasskeyOutcome.Verdict.ACCEPTED);
        return key;
    }

    private static void role(String phone, String email) {
        HttpResponse<Buffer> r = rig.admin(
                HttpMethod.PUT,
                "/admin/v1/accounts/mobile/" + phone,
                new JsonObject().put("tariff", Rig.TARIFF).put("email", email).put("role", "administrator"),
                Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }

    private static JsonObject password(String phone) {
        HttpResponse<Buffer> r = rig.login(phone, PASSWORD);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getBoolean("second_step_required")).isTrue();
        LogCapture.secret(r.bodyAsJsonObject().getString("step_token"));
        return r.bodyAsJsonObject();
    }

    private static JsonObject options(String token) {
        HttpResponse<Buffer> r =
                rig.post("/api/v1/login/second-step/passkey/options", new JsonObject().put("step_token", token));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        return r.bodyAsJsonObject();
    }

    private static HttpResponse<Buffer> passkey(String token, String assertion) {
        return rig.post(
                "/api/v1/login/second-step",
                new JsonObject().put("step_token", token).put("passkey", new JsonObject(assertion)));
    }

    /** Whether the audit comes to {@code n} such events: it is written after the answer. */
    private static boolean counted(String event, String login, long n) {
        return dev.kordon.support.Await.until(Duration.ofSeconds(10), () -> count(event, login) == n);
    }

    private static long count(String event, String login) {
        return Rig.await(rig.running
                        .wiring()
                        .pg()
                        .preparedQuery("SELECT count(*) FROM audit_events WHERE event = $1 AND login = $2")
                        .execute(Tuple.of(event, login)))
                .iterator()
                .next()
                .getLong(0);
    }

    private static List<Object> amr(String jwt) {
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])));
        return claims.getJsonArray("amr").getList();
    }
}
