package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.mfa.Totp;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.SecondSteps;
import dev.kordon.support.SecondSteps.Enrolled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Wrong second-step codes count on the account as wrong passwords do (login.lock-after here 4): many
 * step tokens, each with tries left, still lock the account at the fourth wrong code; a locked
 * account's step is refused like a locked password, the right code too. The right password leaves
 * the count; the right code clears it. A wrong password looks the same with or without a second step.
 */
class SecondStepLockTest {
    static final String PASSWORD = LogCapture.secret("Step-Lock-Password-5");
    static Rig rig;
    static SecondSteps steps;

    @BeforeAll
    static void up() {
        rig = Rig.builder()
                .set("mfa.required-roles", List.of("administrator"))
                .set("login.lock-after", 4)
                .set("login.delay-after", 4)
                .start();
        steps = new SecondSteps(rig, PASSWORD);
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void wrongCodesOverSeveralStepTokensLockTheAccountAsWrongPasswordsWould() {
        String phone = "+375297800001";
        steps.administrator(phone, "lock1@example.by");
        Enrolled app = steps.enrol(phone);
        String wrong = SecondSteps.other(app.secret(), System.currentTimeMillis() / 1000);

        // Each step token takes five tries; four tokens with one or two wrong codes each stay well within that.
        String kept = steps.password(phone).getString("step_token");
        for (int t = 0; t < 3; t++) {
            String token = steps.password(phone).getString("step_token");
            int tries = t == 0 ? 2 : 1;
            for (int i = 0; i < tries; i++) {
                assertThat(code(steps.secondStep(token, "totp", wrong))).isEqualTo("invalid_credentials");
            }
        }
        assertThat(state(phone)).containsEntry("failures", 4L).containsEntry("locked", true);

        // The step token taken before the lock, with the app's right code: refused as a locked password is.
        String right = LogCapture.secret(
                Totp.code(app.secret(), Totp.step(System.currentTimeMillis() / 1000) + 1, Totp.DIGITS));
        assertThat(code(steps.secondStep(kept, "totp", right))).isEqualTo("invalid_credentials");
        assertThat(Await.until(Duration.ofSeconds(10), () -> audited(phone, "login.locked") == 1))
                .as("audited as a locked sign-in, with the method")
                .isTrue();
        // And the password itself, right as it is, no longer opens the account.
        HttpResponse<Buffer> password = rig.login(phone, PASSWORD);
        assertThat(password.statusCode()).isEqualTo(401);
        assertThat(code(password)).isEqualTo("invalid_credentials");
    }

    @Test
    void theRightPasswordLeavesTheFailureCountAndTheRightCodeClearsIt() {
        String phone = "+375297800002";
        steps.administrator(phone, "lock2@example.by");
        Enrolled app = steps.enrol(phone);
        for (int i = 0; i < 2; i++) {
            assertThat(rig.login(phone, "Not-The-Password-" + i).statusCode()).isEqualTo(401);
        }
        String token = steps.password(phone).getString("step_token");
        assertThat(state(phone)).containsEntry("failures", 2L);

        String right = LogCapture.secret(
                Totp.code(app.secret(), Totp.step(System.currentTimeMillis() / 1000) + 1, Totp.DIGITS));
        HttpResponse<Buffer> in = steps.secondStep(token, "totp", right);
        assertThat(in.statusCode()).as(in.bodyAsString()).isEqualTo(200);
        assertThat(state(phone)).containsEntry("failures", 0L);
    }

    @Test
    void aWrongPasswordLooksTheSameForAnAccountWithASecondStepWithoutOneAndNone() {
        String admin = "+375297800003";
        steps.administrator(admin, "lock3@example.by");
        steps.enrol(admin);
        String subscriber = "+375297800004";
        rig.account(subscriber, PASSWORD);

        JsonObject forAdmin = rig.login(admin, "Wrong-Password-1").bodyAsJsonObject();
        JsonObject forSubscriber = rig.login(subscriber, "Wrong-Password-1").bodyAsJsonObject();
        JsonObject forNobody = rig.login("+375297800099", "Wrong-Password-1").bodyAsJsonObject();
        assertThat(forAdmin).isEqualTo(forSubscriber).isEqualTo(forNobody);
        assertThat(forAdmin.getString("code")).isEqualTo("invalid_credentials");
    }

    private static String code(HttpResponse<Buffer> r) {
        return r.bodyAsJsonObject().getString("code");
    }

    private static Map<String, Object> state(String phone) {
        return Rig.await(rig.running.wiring().throttles().passwordState("mobile", phone));
    }

    private static long audited(String phone, String event) {
        return Rig.await(rig.running
                        .wiring()
                        .pg()
                        .preparedQuery("SELECT count(*) FROM audit_events WHERE event = $1 AND login = $2"
                                + " AND detail->>'method' = 'totp'")
                        .execute(io.vertx.sqlclient.Tuple.of(event, phone)))
                .iterator()
                .next()
                .getLong(0);
    }
}
