package dev.kordon.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Mailbox.Mail;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import dev.kordon.support.TestServers;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The lifetime a person is told is the one the temporary password has: with temp-password.ttl at
 * 12h the page banner, the mail and the SMS all say 12 hours.
 */
class TempPasswordLifetimeTest {
    @Test
    void twelveHoursConfiguredIsTwelveHoursOnThePageInTheMailAndInTheSms() {
        try (SmsProviderStub provider = new SmsProviderStub();
                Rig rig = Rig.builder()
                        .set("temp-password.ttl", "12h")
                        .set("sms.provider", "http")
                        .set("sms.http.url", provider.url())
                        .start()) {
            assertThat(banner(rig, "/login?sent=email"))
                    .isEqualTo("На Ваш email отправлен временный пароль (действителен в течение 12 часов)");
            assertThat(banner(rig, "/login?sent=sms"))
                    .isEqualTo("На Ваш телефон отправлен временный пароль (действителен в течение 12 часов)");
            assertThat(banner(rig, "/login?sent=email&lang=en"))
                    .isEqualTo("A temporary password has been sent to your e-mail (valid for 12 hours)");

            String email = "twelve-hours@org.by";
            rig.account("mobile", "+375291700001", Rig.TARIFF, "active", null, email);
            var byMail = rig.post(
                    "/api/v1/password/recovery",
                    new JsonObject()
                            .put("category", "mobile")
                            .put("login", "+375291700001")
                            .put("channel", "email"));
            assertThat(byMail.bodyAsJsonObject().getLong("expires_in")).isEqualTo(12 * 3600);
            Mail mail = Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0);
            Matcher temp = Mailbox.TEMP_PASSWORD.matcher(mail.text());
            assertThat(temp.find()).isTrue();
            LogCapture.secret(temp.group(1));
            String validity =
                    "Срок действия временного пароля ограничен (12 ч). Измените его на новый при первом входе в систему.";
            assertThat(mail.text()).contains(validity);
            assertThat(mail.html()).contains(">" + validity + "<");

            rig.account("+375291700002", null);
            var bySms = rig.post(
                    "/api/v1/password/recovery",
                    new JsonObject()
                            .put("category", "mobile")
                            .put("login", "+375291700002")
                            .put("channel", "sms"));
            assertThat(bySms.statusCode()).isEqualTo(202);
            assertThat(Await.until(
                            Duration.ofSeconds(10),
                            () -> provider.to("+375291700002").size() == 1))
                    .isTrue();
            String sms = provider.to("+375291700002").get(0).getString("text");
            Matcher m = Pattern.compile("Временный пароль для входа в Личный кабинет: (\\S+)\\. Действителен 12 ч\\. "
                            + "Измените его при первом входе\\.")
                    .matcher(sms);
            assertThat(m.matches()).as(sms).isTrue();
            LogCapture.secret(m.group(1));
        }
    }

    private static String banner(Rig rig, String page) {
        Matcher m = Pattern.compile("<p class=\"banner\">([^<]*)</p>")
                .matcher(rig.get(page, null).bodyAsString());
        assertThat(m.find()).as(page).isTrue();
        return m.group(1);
    }
}
