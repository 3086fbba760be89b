package dev.kordon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.mfa.SecondFactors;
import dev.kordon.support.ConsoleDesk;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.SecondStepRig;
import dev.kordon.support.SecondSteps;
import dev.kordon.support.TestServers;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator console's view of an account's second step and its reset: asked again before it is
 * done, audited, mailed, and the person enrols again at the next sign-in.
 */
class ConsoleSecondStepTest extends SecondStepRig {
    static final String PHONE = "+375297800001";
    static final String PASSWORD = LogCapture.secret("Console-Second-Step-1");

    @Test
    void anOperatorSeesTheMethodsResetsThemAfterConfirmingAndThePersonEnrolsAgain() {
        Account a = new SecondSteps(rig, PASSWORD).administrator(PHONE, "org-mfa@example.by");
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

    @Test
    void anOperatorRemovesOnlyTheAppOrOnePasskeyAfterConfirmingAndTheOtherMethodsStay() {
        String phone = "+375297800002";
        Account a = rig.account("mobile", phone, Rig.TARIFF, "active", PASSWORD, "org-mfa-one@example.by");
        SecondFactors factors = ConsoleVisitor.enrolApp(rig, a);
        for (String id : List.of("key-laptop", "key-phone")) {
            Rig.await(factors.addPasskey(
                    a.id(),
                    new SecondFactors.Passkey(
                            id, "ключ " + id, "AAAA", 0, false, List.of(), OffsetDateTime.now(), null)));
        }
        ConsoleDesk desk = new ConsoleDesk(rig).signIn();
        String page = "/console/accounts/mobile/%2B375297800002";
        assertThat(desk.get(page).bodyAsString())
                .contains("id=\"second-step-passkeys\">2<", "ключ key-laptop", "ключ key-phone", "act-mfa-totp");

        HttpResponse<Buffer> asked = desk.post(
                page + "/passkeys/key-laptop/remove",
                MultiMap.caseInsensitiveMultiMap().add("csrf", desk.csrf(page)));
        assertThat(asked.statusCode()).isEqualTo(200);
        assertThat(asked.bodyAsString()).contains("Удалить ключ доступа аккаунта");
        assertThat(Rig.await(factors.methods(a.id())).passkeys())
                .as("asking changes nothing")
                .isEqualTo(2);

        HttpResponse<Buffer> removed = desk.post(
                page + "/passkeys/key-laptop/remove",
                MultiMap.caseInsensitiveMultiMap().add("csrf", desk.csrf(page)).add("confirmed", "yes"));
        assertThat(removed.statusCode()).isEqualTo(303);
        assertThat(removed.getHeader("Location")).contains("done=mfa-passkey");
        assertThat(Rig.await(factors.passkeys(a.id())))
                .extracting(SecondFactors.Passkey::credentialId)
                .containsExactly("key-phone");

        HttpResponse<Buffer> app = desk.post(
                page + "/mfa-totp",
                MultiMap.caseInsensitiveMultiMap().add("csrf", desk.csrf(page)).add("confirmed", "yes"));
        assertThat(app.statusCode()).isEqualTo(303);
        assertThat(desk.get(app.getHeader("Location")).bodyAsString())
                .contains("Приложение-аутентификатор отключено", "id=\"second-step-totp\">нет<")
                .doesNotContain("act-mfa-totp");
        assertThat(Rig.await(factors.methods(a.id())))
                .as("the app alone went: one passkey and the ten recovery codes stay")
                .isEqualTo(new SecondFactors.Methods(false, 1, 10));
        List<String> removedKinds = new java.util.ArrayList<>();
        Rig.await(rig.running
                        .wiring()
                        .pg()
                        .preparedQuery("SELECT detail->>'removed' FROM audit_events WHERE event = 'admin.mfa_reset'"
                                + " AND login = $1")
                        .execute(io.vertx.sqlclient.Tuple.of(phone)))
                .forEach(row -> removedKinds.add(row.getString(0)));
        assertThat(removedKinds).as("each removal audited").containsExactlyInAnyOrder("passkey", "totp");
        assertThat(Mailbox.await(TestServers.smtp(), "org-mfa-one@example.by", 2, 10_000))
                .hasSize(2);
    }
}
