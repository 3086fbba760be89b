package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.store.Keys;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.SecondSteps;
import dev.kordon.support.SecondSteps.Enrolled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens say how the person signed in: {@code acr} {@code aal1} for a password alone, {@code aal2}
 * after the authenticator app's code or a recovery code, in the access token and in {@code /me}; a
 * refresh says what the sign-in that opened its family said, also for a family stored before the
 * family kept its amr.
 */
class AssuranceApiTest {
    static final String PASSWORD = LogCapture.secret("Assurance-Password-3");
    static Rig rig;
    static SecondSteps steps;

    @BeforeAll
    static void up() {
        rig = Rig.builder().set("mfa.required-roles", List.of("administrator")).start();
        steps = new SecondSteps(rig, PASSWORD);
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void aPasswordAloneIsAal1InTheTokenInMeAndAfterARefresh() {
        String phone = "+375297700001";
        rig.account(phone, PASSWORD);
        JsonObject tokens = rig.login(phone, PASSWORD).bodyAsJsonObject();
        assertSays(tokens, List.of("pwd"), "aal1");

        JsonObject me = rig.get("/api/v1/me", tokens.getString("access_token")).bodyAsJsonObject();
        assertThat(me.getJsonArray("amr").getList()).containsExactly("pwd");
        assertThat(me.getString("acr")).isEqualTo("aal1");

        assertSays(refresh(tokens), List.of("pwd"), "aal1");
    }

    @Test
    void theAppsCodeIsAal2AndEveryRefreshOfItsFamilySaysPwdOtpAndAal2() {
        String phone = "+375297700002";
        steps.administrator(phone, "assurance2@example.by");
        Enrolled enrolled = steps.enrol(phone);
        assertSays(enrolled.tokens(), List.of("pwd", "otp"), "aal2");
        assertThat(rig.get("/api/v1/me", enrolled.tokens().getString("access_token"))
                        .bodyAsJsonObject()
                        .getString("acr"))
                .isEqualTo("aal2");

        JsonObject once = refresh(enrolled.tokens());
        assertSays(once, List.of("pwd", "otp"), "aal2");
        assertSays(refresh(once), List.of("pwd", "otp"), "aal2");
    }

    @Test
    void aRecoveryCodeIsAal2AndItsRefreshSaysPwdRec() {
        String phone = "+375297700003";
        steps.administrator(phone, "assurance3@example.by");
        Enrolled enrolled = steps.enrol(phone);
        String code = LogCapture.secret(enrolled.codes().getString(0));
        HttpResponse<Buffer> in =
                steps.secondStep(steps.password(phone).getString("step_token"), "recovery_code", code);
        assertThat(in.statusCode()).as(in.bodyAsString()).isEqualTo(200);
        assertSays(in.bodyAsJsonObject(), List.of("pwd", "rec"), "aal2");
        assertSays(refresh(in.bodyAsJsonObject()), List.of("pwd", "rec"), "aal2");
    }

    @Test
    void aFamilyStoredBeforeItKeptItsAmrRefreshesAsAPasswordSignIn() {
        String phone = "+375297700004";
        steps.administrator(phone, "assurance4@example.by");
        JsonObject tokens = steps.enrol(phone).tokens();
        String refresh = tokens.getString("refresh_token");
        // The token as such a family's token was stored: fam, used, abs, and no amr.
        var redis = rig.running.wiring().redis();
        Rig.await(redis.send(Command.HDEL, redis.keys().refreshToken(accountOf(refresh), Keys.hashed(refresh)), "amr"));

        assertSays(refresh(tokens), List.of("pwd"), "aal1");
    }

    private static JsonObject refresh(JsonObject tokens) {
        HttpResponse<Buffer> r = rig.post(
                "/api/v1/token/refresh", new JsonObject().put("refresh_token", tokens.getString("refresh_token")));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        return r.bodyAsJsonObject();
    }

    private static void assertSays(JsonObject tokens, List<String> amr, String acr) {
        JsonObject claims = SecondSteps.claims(tokens.getString("access_token"));
        assertThat(claims.getJsonArray("amr").getList()).containsExactlyElementsOf(amr);
        assertThat(claims.getString("acr")).isEqualTo(acr);
    }

    /** A refresh token opens with its account's id. */
    private static UUID accountOf(String refreshToken) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getUrlDecoder().decode(refreshToken));
        return new UUID(b.getLong(), b.getLong());
    }
}
