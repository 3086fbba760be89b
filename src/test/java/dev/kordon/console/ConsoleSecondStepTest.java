package dev.kordon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.mfa.SecondFactors;
import dev.kordon.support.ConsoleDesk;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator console's view of an account's second step and its reset: asked again before it is
 * done, audited, mailed, and the person enrols again at the next sign-in.
 */
class ConsoleSecondStepTest {
    static final String PHONE = "+375297800001";
    static final String PASSWORD = LogCapture.secret("Console-Second-Step-1");
    static Rig rig;

    @BeforeAll
    static void up() {
        rig = Rig.builder().set("mfa.required-roles", List.of("administrator")).start();
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void anOperatorSeesTheMethodsResetsThemAfterConfirmingAndThePersonEnrolsAgain() {
        Account a = rig.account("mobile", PHONE, Rig.TARIFF, "active", PASSWORD, "org-mfa@example.by");
        assertThat(rig.admin(
                                HttpMethod.PUT,
                                "/admin/v1/accounts/mobile/" + PHONE,
                                new JsonObject()
                                        .put("tariff", Rig.TARIFF)
                                        .put("email", "org-mfa@example.by")
                                        .put("role", "administrator")
                                        .put("status", "active"),
                                Rig.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(200);
        SecondFactors factors = ConsoleVisitor.enrolApp(rig, a);

        ConsoleDesk desk = new ConsoleDesk(rig).signIn();
        String page = "/console/accounts/mobile/%2B375297800001";
        String shown = desk.get(page).bodyAsString();
        assertThat(shown)
                .contains("id=\"second-step-totp\">подключено<", "id=\"second-step-codes\">10<", "act-mfa-reset");

        String csrf = desk.csrf(page);
        HttpResponse<Buffer> asked = desk.post(
                page + "/mfa-reset", MultiMap.caseInsensitiveMultiMap().add("csrf", csrf));
        assertThat(asked.statusCode()).isEqualTo(200);
        assertThat(asked.bodyAsString()).contains("Сбросить второй шаг аккаунта");
        assertThat(Rig.await(factors.methods(a.id())).totp())
                .as("asking changes nothing")
                .isTrue();

        HttpResponse<Buffer> done = desk.post(
                page + "/mfa-reset",
                MultiMap.caseInsensitiveMultiMap().add("csrf", desk.csrf(page)).add("confirmed", "yes"));
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.getHeader("Location")).contains("done=mfa-reset");
        String after = desk.get(done.getHeader("Location")).bodyAsString();
        assertThat(after)
                .contains("Второй шаг сброшен", "id=\"second-step-totp\">нет<")
                .doesNotContain("act-mfa-reset");
        assertThat(Rig.await(factors.methods(a.id()))).isEqualTo(new SecondFactors.Methods(false, 0, 0));
        assertThat(Mailbox.await(TestServers.smtp(), "org-mfa@example.by", 1, 10_000))
                .anySatisfy(m -> assertThat(m.subject()).contains("сброшен"));

        HttpResponse<Buffer> again = rig.login(PHONE, PASSWORD);
        LogCapture.secret(again.bodyAsJsonObject().getString("step_token"));
        assertThat(again.bodyAsJsonObject().getBoolean("enrol"))
                .as("the person enrols again")
                .isTrue();
    }
}
