package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.mfa.Totp;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.SecondSteps;
import dev.kordon.support.SecondSteps.Enrolled;
import dev.kordon.support.SmsProviderStub;
import dev.kordon.support.TestServers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The second step on the JSON API, with mfa.required-roles naming administrators: the password
 * alone gives a step token, never tokens; the authenticator app is enrolled by its first code and
 * then signs in once per code; a recovery code works once and is mailed; an SMS code never opens
 * such an account; a subscriber signs in exactly as before.
 */
class SecondStepApiTest {
    static final String PASSWORD = LogCapture.secret("Second-Step-Password-1");
    static Rig rig;
    static SmsProviderStub sms;
    static SecondSteps steps;

    @BeforeAll
    static void up() {
        sms = new SmsProviderStub();
        rig = Rig.builder()
                .set("mfa.required-roles", List.of("administrator"))
                .set("sms.provider", "http")
                .set("sms.http.url", sms.url())
                .start();
        steps = new SecondSteps(rig, PASSWORD);
    }

    @AfterAll
    static void down() {
        rig.close();
        sms.close();
    }

    @Test
    void anAdministratorEnrolsByTheAppsFirstCodeThenSignsInWithPasswordAndCodeAndACodeWorksOnce() {
        String phone = "+375297600001";
        administrator(phone, "admin1@example.by");

        JsonObject step = password(phone);
        assertThat(step.getBoolean("second_step_required")).isTrue();
        assertThat(step.containsKey("access_token"))
                .as("no token before the second step")
                .isFalse();
        assertThat(step.getBoolean("enrol")).isTrue();
        assertThat(step.getJsonArray("methods")).isEmpty();

        HttpResponse<Buffer> enrolment = rig.post(
                "/api/v1/login/second-step/totp", new JsonObject().put("step_token", step.getString("step_token")));
        assertThat(enrolment.statusCode()).as(enrolment.bodyAsString()).isEqualTo(200);
        String base32 = LogCapture.secret(enrolment.bodyAsJsonObject().getString("secret"));
        assertThat(enrolment.bodyAsJsonObject().getString("otpauth_uri"))
                .startsWith("otpauth://totp/")
                .contains(base32);
        byte[] secret = Base32.decode(base32 + "=".repeat((8 - base32.length() % 8) % 8));

        long now = System.currentTimeMillis() / 1000;
        HttpResponse<Buffer> wrong = rig.post(
                "/api/v1/login/second-step/totp/confirm",
                new JsonObject().put("step_token", step.getString("step_token")).put("totp", other(secret, now)));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.bodyAsJsonObject().getString("code")).isEqualTo("invalid_credentials");

        String code = LogCapture.secret(Totp.code(secret, Totp.step(now), 6));
        HttpResponse<Buffer> confirmed = rig.post(
                "/api/v1/login/second-step/totp/confirm",
                new JsonObject().put("step_token", step.getString("step_token")).put("totp", code));
        assertThat(confirmed.statusCode()).as(confirmed.bodyAsString()).isEqualTo(200);
        JsonObject tokens = confirmed.bodyAsJsonObject();
        JsonArray recovery = tokens.getJsonArray("recovery_codes");
        assertThat(recovery).hasSize(10);
        recovery.forEach(c -> LogCapture.secret((String) c));
        assertThat(amr(tokens.getString("access_token"))).containsExactly("pwd", "otp");
        assertThat(tokens.getString("refresh_token")).isNotBlank();

        // Signed in again: the app's code once; the same code again (its step claimed) is refused.
        JsonObject again = password(phone);
        assertThat(again.getBoolean("enrol")).isFalse();
        assertThat(again.getJsonArray("methods")).containsExactly("totp", "recovery_code");
        String next = LogCapture.secret(Totp.code(secret, Totp.step(now) + 1, 6));
        assertThat(secondStep(again.getString("step_token"), "totp", next).statusCode())
                .isEqualTo(200);
        JsonObject third = password(phone);
        HttpResponse<Buffer> replay = secondStep(third.getString("step_token"), "totp", next);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.bodyAsJsonObject().getString("code")).isEqualTo("invalid_credentials");
    }

    @Test
    void aRecoveryCodeOpensTheAccountOnceIsMailedAndAStepTokenEndsAfterFiveWrongCodes() {
        String phone = "+375297600002";
        administrator(phone, "admin2@example.by");
        Enrolled enrolled = enrol(phone);
        byte[] secret = enrolled.secret();
        long now = enrolled.at();
        JsonArray codes = enrolled.codes();
        String recovery = LogCapture.secret(codes.getString(3));

        JsonObject first = password(phone);
        HttpResponse<Buffer> in = secondStep(first.getString("step_token"), "recovery_code", recovery.toUpperCase());
        assertThat(in.statusCode()).as(in.bodyAsString()).isEqualTo(200);
        assertThat(amr(in.bodyAsJsonObject().getString("access_token"))).containsExactly("pwd", "rec");
        assertThat(Mailbox.await(TestServers.smtp(), "admin2@example.by", 1, 10_000))
                .as("the organisation hears a recovery code was used")
                .anySatisfy(m -> assertThat(m.subject()).contains("код восстановления"));

        JsonObject second = password(phone);
        assertThat(secondStep(second.getString("step_token"), "recovery_code", recovery)
                        .statusCode())
                .as("a recovery code works once")
                .isEqualTo(401);
        for (int i = 0; i < 4; i++) {
            assertThat(secondStep(second.getString("step_token"), "totp", other(secret, now))
                            .bodyAsJsonObject()
                            .getString("code"))
                    .isEqualTo("invalid_credentials");
        }
        HttpResponse<Buffer> dead =
                secondStep(second.getString("step_token"), "totp", Totp.code(secret, Totp.step(now) + 1, 6));
        assertThat(dead.statusCode()).isEqualTo(401);
        assertThat(dead.bodyAsJsonObject().getString("code"))
                .as("five tries spent: even the right code finds no step")
                .isEqualTo("unauthorized");
    }

    @Test
    void anAdministratorGetsNoSmsCodeAndNoCodeOpensTheAccountWhileASubscriberSignsInAsBefore() {
        String admin = "+375297600003";
        administrator(admin, "admin3@example.by");
        String subscriber = "+375297600004";
        rig.account(subscriber, PASSWORD);

        for (String phone : List.of(admin, subscriber)) {
            HttpResponse<Buffer> sent = rig.post(
                    "/api/v1/login/sms-code",
                    new JsonObject().put("category", "mobile").put("login", phone));
            assertThat(sent.statusCode()).as("the same answer for both").isEqualTo(202);
        }
        assertThat(dev.kordon.support.Await.until(
                        java.time.Duration.ofSeconds(10),
                        () -> !sms.to(subscriber).isEmpty()))
                .isTrue();
        assertThat(sms.to(admin)).as("no code goes to an administrator").isEmpty();

        // The «По SMS» form tells everyone alike why, never whether a number is such an account.
        assertThat(rig.get("/login?mode=sms", null).bodyAsString())
                .contains("id=\"sms-roles-note\"", "SMS-код для них не приходит");

        HttpResponse<Buffer> plain = rig.login(subscriber, PASSWORD);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.bodyAsJsonObject().getString("access_token")).isNotBlank();
        assertThat(plain.bodyAsJsonObject().containsKey("second_step_required")).isFalse();
    }

    @Test
    void anOperatorSeesAndResetsTheMethodsAuditedAndMailedAndThePersonEnrolsAgain() {
        String phone = "+375297600005";
        administrator(phone, "admin5@example.by");
        enrol(phone);

        String path = "/admin/v1/accounts/mobile/" + phone + "/second-step";
        JsonObject methods =
                rig.admin(HttpMethod.GET, path, null, Rig.ADMIN_TOKEN).bodyAsJsonObject();
        assertThat(methods.getBoolean("totp")).isTrue();
        assertThat(methods.getInteger("recovery_codes_left")).isEqualTo(10);
        assertThat(methods.getJsonArray("passkeys")).isEmpty();

        assertThat(rig.admin(HttpMethod.DELETE, path, null, Rig.ADMIN_TOKEN).statusCode())
                .isEqualTo(204);
        assertThat(rig.admin(HttpMethod.DELETE, path + "/totp", null, Rig.ADMIN_TOKEN)
                        .statusCode())
                .as("nothing left to remove")
                .isEqualTo(404);
        JsonObject after =
                rig.admin(HttpMethod.GET, path, null, Rig.ADMIN_TOKEN).bodyAsJsonObject();
        assertThat(after.getBoolean("totp")).isFalse();
        assertThat(after.getInteger("recovery_codes_left")).isZero();
        assertThat(Mailbox.await(TestServers.smtp(), "admin5@example.by", 1, 10_000))
                .anySatisfy(m -> assertThat(m.subject()).contains("сброшен"));
        long audited = Rig.await(rig.running
                        .wiring()
                        .pg()
                        .preparedQuery("SELECT count(*) FROM audit_events WHERE event = 'admin.mfa_reset'"
                                + " AND login = $1 AND detail->>'removed' = 'all'")
                        .execute(io.vertx.sqlclient.Tuple.of(phone)))
                .iterator()
                .next()
                .getLong(0);
        assertThat(audited).isEqualTo(1);

        JsonObject again = password(phone);
        assertThat(again.getBoolean("enrol")).as("the person enrols again").isTrue();
    }

    private static Enrolled enrol(String phone) {
        return steps.enrol(phone);
    }

    private static void administrator(String phone, String email) {
        steps.administrator(phone, email);
    }

    private static JsonObject password(String phone) {
        return steps.password(phone);
    }

    private static HttpResponse<Buffer> secondStep(String token, String field, String code) {
        return steps.secondStep(token, field, code);
    }

    private static String other(byte[] secret, long now) {
        return SecondSteps.other(secret, now);
    }

    private static List<Object> amr(String jwt) {
        return SecondSteps.claims(jwt).getJsonArray("amr").getList();
    }
}
