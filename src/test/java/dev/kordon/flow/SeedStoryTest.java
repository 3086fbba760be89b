package dev.kordon.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Mailbox.Mail;
import dev.kordon.support.Rig;
import dev.kordon.support.TestServers;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's story, «Первичная регистрация» to «В меню»: a fresh account, recovery by e-mail, the
 * e-mailed password signs in, the forced change, the new password signs in, the temporary one no
 * longer does. Real Postgres, Redis and SMTP.
 */
class SeedStoryTest {
    static Rig rig;
    static final Pattern TEMP = Mailbox.TEMP_PASSWORD;

    @BeforeAll
    static void up() {
        rig = Rig.builder().set("portal.url", "https://lk.example.by/cabinet").start();
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    static JsonObject recovery(String login, String channel) {
        var r = rig.post(
                "/api/v1/password/recovery",
                new JsonObject().put("category", "mobile").put("login", login).put("channel", channel));
        assertThat(r.statusCode()).isEqualTo(202);
        return r.bodyAsJsonObject();
    }

    static String tempFrom(Mail mail) {
        Matcher m = TEMP.matcher(mail.text());
        assertThat(m.find()).as("temporary password in the mail").isTrue();
        return LogCapture.secret(m.group(1));
    }

    static JsonObject change(String bearer, String next, String confirm) {
        var req = rig.http
                .request(HttpMethod.POST, rig.running.httpPort(), "127.0.0.1", "/api/v1/password/change")
                .putHeader("Authorization", "Bearer " + bearer);
        var r = Rig.await(
                req.sendJsonObject(new JsonObject().put("new_password", next).put("confirm_password", confirm)));
        return new JsonObject()
                .put("status", r.statusCode())
                .put("body", r.bodyAsString() == null ? "" : r.bodyAsString());
    }

    @Test
    void firstRegistrationThroughToTheNewPassword() {
        String email = "office-seed@org.by";
        var created = rig.admin(
                HttpMethod.PUT,
                "/admin/v1/accounts/mobile/+375291500001",
                new JsonObject().put("tariff", "SIP-соединение").put("email", email),
                Rig.ADMIN_TOKEN);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.bodyAsJsonObject().getBoolean("has_password")).isFalse();

        // «Забыли пароль» → «Идентификация через E-mail» → «Восстановить пароль»
        JsonObject answer = recovery("291500001", "email");
        assertThat(answer).isEqualTo(new JsonObject().put("channel", "email").put("expires_in", 86400));
        List<Mail> mails = Mailbox.await(TestServers.smtp(), email, 1, 10_000);
        assertThat(mails).hasSize(1);
        Mail mail = mails.get(0);
        assertThat(mail.from()).contains("A1 Customer Service 150").contains("noreply@example.by");
        assertThat(mail.subject()).isEqualTo("Восстановление данных для доступа в Личный кабинет");
        assertThat(mail.text())
                .contains("Вы отправили запрос на сброс пароля. Для входа в Личный кабинет используйте данные:")
                .contains("Номер телефона: 375291500001")
                .contains("Измените его на новый при первом входе в систему.")
                .contains("https://lk.example.by/cabinet");
        String temp = tempFrom(mail);
        assertThat(temp).matches("[A-HJ-NP-Za-km-z2-9]{10}");
        assertThat(mail.html())
                .contains("<a href=\"https://lk.example.by/cabinet\"")
                .contains("Личный кабинет</a>")
                .contains(temp)
                .contains("Временный пароль");

        // The e-mailed password signs in, but only to change it.
        var signIn = rig.login("+375291500001", temp);
        assertThat(signIn.statusCode()).isEqualTo(200);
        JsonObject forced = signIn.bodyAsJsonObject();
        assertThat(forced.getBoolean("password_change_required")).isTrue();
        assertThat(forced.getLong("expires_in")).isEqualTo(600);
        assertThat(forced.containsKey("access_token")).isFalse();
        String changeToken = LogCapture.secret(forced.getString("change_token"));
        // A change token is no access token.
        assertThat(rig.get("/api/v1/me", changeToken).statusCode()).isEqualTo(401);
        assertThat(rig.get("/auth/verify", changeToken).statusCode()).isEqualTo(401);

        // «Изменение пароля»: each refusal says why; the token survives a refusal.
        JsonObject mismatch = change(changeToken, "Orchid-Lantern-58", "Orchid-Lantern-59");
        assertThat(mismatch.getInteger("status")).isEqualTo(400);
        assertThat(new JsonObject(mismatch.getString("body")).getString("code")).isEqualTo("password_mismatch");
        assertWeak(change(changeToken, "qwerty123", "qwerty123"), "Этот пароль слишком распространён, выберите другой");
        assertWeak(change(changeToken, "short1", "short1"), "Пароль должен быть не короче 8 символов");
        assertWeak(
                change(changeToken, "my1500001phone", "my1500001phone"),
                "Пароль не должен содержать номер телефона или лицевого счёта");
        assertWeak(change(changeToken, temp, temp), "Новый пароль не должен совпадать с временным");

        String chosen = LogCapture.secret("Orchid-Lantern-58");
        assertThat(change(changeToken, chosen, chosen).getInteger("status")).isEqualTo(204);
        // Spent: the change token works once.
        assertThat(change(changeToken, "Another-Lantern-77", "Another-Lantern-77")
                        .getInteger("status"))
                .isEqualTo(401);

        // «Ваш пароль был успешно изменен»: the new one signs in, the temporary one does not.
        var after = rig.login("+375291500001", chosen);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.bodyAsJsonObject().getString("access_token")).isNotBlank();
        assertThat(rig.login("+375291500001", temp).statusCode()).isEqualTo(401);

        // The notice: sent, and free of secrets.
        List<Mail> all = Mailbox.await(TestServers.smtp(), email, 2, 10_000);
        assertThat(all).hasSize(2);
        Mail notice = all.get(1);
        assertThat(notice.subject()).isEqualTo("Пароль от Личного кабинета изменён");
        assertThat(notice.text())
                .contains("375291500001")
                .doesNotContain(chosen)
                .doesNotContain(temp);
        assertThat(notice.html()).doesNotContain(chosen).doesNotContain(temp);
    }

    private static void assertWeak(JsonObject answer, String reason) {
        assertThat(answer.getInteger("status")).isEqualTo(400);
        JsonObject problem = new JsonObject(answer.getString("body"));
        assertThat(problem.getString("code")).isEqualTo("weak_password");
        assertThat(problem.getJsonObject("errors").getString("new_password")).isEqualTo(reason);
        assertThat(problem.getString("detail")).isEqualTo(reason);
    }

    @Test
    void requestingATemporaryPasswordChangesNothingElse() {
        String email = "keeps-old@org.by";
        String old = LogCapture.secret("Old-Harbour-Lamp-3");
        rig.account("mobile", "+375291500002", Rig.TARIFF, "active", old, email);
        var session = rig.login("+375291500002", old).bodyAsJsonObject();

        recovery("+375291500002", "email");
        String first =
                tempFrom(Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0));
        // The old password still works while the temporary one waits.
        assertThat(rig.login("+375291500002", old).statusCode()).isEqualTo(200);
        // A new request replaces the old temporary password.
        recovery("+375291500002", "email");
        String second =
                tempFrom(Mailbox.await(TestServers.smtp(), email, 2, 10_000).get(1));
        assertThat(second).isNotEqualTo(first);
        assertThat(rig.login("+375291500002", first).statusCode()).isEqualTo(401);
        String change = LogCapture.secret(
                rig.login("+375291500002", second).bodyAsJsonObject().getString("change_token"));
        // Single use: the temporary password does not sign in a second time.
        assertThat(rig.login("+375291500002", second).statusCode()).isEqualTo(401);

        String chosen = LogCapture.secret("New-Harbour-Lamp-4");
        assertThat(change(change, chosen, chosen).getInteger("status")).isEqualTo(204);
        assertThat(rig.login("+375291500002", old).statusCode()).isEqualTo(401);
        // Every refresh token of the account was revoked by the change.
        assertThat(rig.post(
                                "/api/v1/token/refresh",
                                new JsonObject().put("refresh_token", session.getString("refresh_token")))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void unknownAccountsGetTheSameAnswerAndNoMail() {
        // Its own Kordon, so its outbox holds nothing from the other tests.
        try (Rig alone = Rig.start()) {
            String stream = alone.running.wiring().redis().keys().outbox();
            alone.account("mobile", "+375291500004", Rig.TARIFF, "active", null, "known-recovery@org.by");
            var nobody = alone.post(
                    "/api/v1/password/recovery",
                    new JsonObject()
                            .put("category", "mobile")
                            .put("login", "+375291599998")
                            .put("channel", "email"));
            assertThat(nobody.statusCode()).isEqualTo(202);
            assertThat(Rig.await(alone.running.wiring().redis().send(Command.XLEN, stream))
                            .toLong())
                    .as("outbox entries after a recovery for a number without an account")
                    .isZero();
            var owner = alone.post(
                    "/api/v1/password/recovery",
                    new JsonObject()
                            .put("category", "mobile")
                            .put("login", "+375291500004")
                            .put("channel", "email"));
            assertThat(owner.statusCode()).isEqualTo(202);
            assertThat(Mailbox.await(TestServers.smtp(), "known-recovery@org.by", 1, 10_000))
                    .hasSize(1);
            Matcher temp =
                    Mailbox.TEMP_PASSWORD.matcher(Mailbox.await(TestServers.smtp(), "known-recovery@org.by", 1, 10_000)
                            .get(0)
                            .text());
            if (temp.find()) {
                LogCapture.secret(temp.group(1));
            }
        }
        var known = rig.post(
                "/api/v1/password/recovery",
                new JsonObject()
                        .put("category", "mobile")
                        .put("login", "+375291500002")
                        .put("channel", "email"));
        var unknown = rig.post(
                "/api/v1/password/recovery",
                new JsonObject()
                        .put("category", "mobile")
                        .put("login", "+375291599999")
                        .put("channel", "email"));
        assertThat(unknown.statusCode()).isEqualTo(known.statusCode()).isEqualTo(202);
        assertThat(unknown.bodyAsString()).isEqualTo(known.bodyAsString());
        assertThat(new java.util.TreeSet<>(unknown.headers().names()))
                .isEqualTo(new java.util.TreeSet<>(known.headers().names()));
        var bad = rig.post(
                "/api/v1/password/recovery",
                new JsonObject()
                        .put("category", "mobile")
                        .put("login", "+375291599999")
                        .put("channel", "pigeon"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.bodyAsJsonObject().getJsonObject("errors").getString("channel"))
                .contains("email");
    }

    @Test
    void linksNeverComeFromTheHostHeader() {
        String email = "host-header@org.by";
        rig.account("mobile", "+375291500003", Rig.TARIFF, "active", null, email);
        rig.post(
                "/api/v1/password/recovery",
                new JsonObject()
                        .put("category", "mobile")
                        .put("login", "+375291500003")
                        .put("channel", "email"),
                MultiMap.caseInsensitiveMultiMap().add("Host", "evil.example").add("X-Forwarded-Host", "evil.example"));
        Mail mail = Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0);
        tempFrom(mail);
        assertThat(mail.text() + mail.html()).doesNotContain("evil.example").contains("https://lk.example.by/cabinet");
    }

    @Test
    void changingWithAnAccessTokenNeedsTheCurrentPassword() {
        String old = LogCapture.secret("Current-Kettle-91");
        rig.account("mobile", "+375291500004", Rig.TARIFF, "active", old, "current@org.by");
        JsonObject pair = rig.login("+375291500004", old).bodyAsJsonObject();
        String at = pair.getString("access_token");
        var missing = Rig.await(rig.http
                .request(HttpMethod.POST, rig.running.httpPort(), "127.0.0.1", "/api/v1/password/change")
                .putHeader("Authorization", "Bearer " + at)
                .sendJsonObject(new JsonObject()
                        .put("new_password", "Fresh-Kettle-92")
                        .put("confirm_password", "Fresh-Kettle-92")));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.bodyAsJsonObject().getJsonObject("errors").containsKey("current_password"))
                .isTrue();
        var wrong = Rig.await(rig.http
                .request(HttpMethod.POST, rig.running.httpPort(), "127.0.0.1", "/api/v1/password/change")
                .putHeader("Authorization", "Bearer " + at)
                .sendJsonObject(new JsonObject()
                        .put("current_password", "not-it-at-all")
                        .put("new_password", "Fresh-Kettle-92")
                        .put("confirm_password", "Fresh-Kettle-92")));
        assertThat(wrong.statusCode()).isEqualTo(401);
        String next = LogCapture.secret("Fresh-Kettle-92");
        var ok = Rig.await(rig.http
                .request(HttpMethod.POST, rig.running.httpPort(), "127.0.0.1", "/api/v1/password/change")
                .putHeader("Authorization", "Bearer " + at)
                .sendJsonObject(new JsonObject()
                        .put("current_password", old)
                        .put("new_password", next)
                        .put("confirm_password", next)));
        assertThat(ok.statusCode()).isEqualTo(204);
        assertThat(rig.post(
                                "/api/v1/token/refresh",
                                new JsonObject().put("refresh_token", pair.getString("refresh_token")))
                        .statusCode())
                .isEqualTo(401);
        assertThat(rig.login("+375291500004", next).statusCode()).isEqualTo(200);
        assertThat(rig.postRaw("/api/v1/password/change", "application/json", io.vertx.core.buffer.Buffer.buffer("{}"))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void temporaryPasswordLivesTwentyFourHoursAsAKeyedHashOnly() {
        String email = "ttl@org.by";
        rig.account("mobile", "+375291500005", Rig.TARIFF, "active", null, email);
        recovery("+375291500005", "email");
        String temp =
                tempFrom(Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0));
        var redis = rig.running.wiring().redis();
        String key = redis.keys().tempPassword("mobile", "+375291500005");
        long pttl = Rig.await(redis.send(Command.PTTL, key)).toLong();
        assertThat(pttl).isBetween(24L * 3600 * 1000 - 60_000, 24L * 3600 * 1000);
        String stored = Rig.await(redis.send(Command.GET, key)).toString();
        assertThat(stored).matches("[0-9a-f]{64}").doesNotContain(temp);
        String change = rig.login("+375291500005", temp).bodyAsJsonObject().getString("change_token");
        LogCapture.secret(change);
        assertThat(Rig.await(redis.send(Command.EXISTS, key)).toInteger()).isZero();
    }

    @Test
    void passwordLengthIsOneRuleCharactersAfterNfkcCheckedBeforeTheChangeTokenIsSpent() {
        String email = "long-keys@org.by";
        rig.account("mobile", "+375291500006", Rig.TARIFF, "active", null, email);
        recovery("+375291500006", "email");
        String temp =
                tempFrom(Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0));
        String change = LogCapture.secret(
                rig.login("+375291500006", temp).bodyAsJsonObject().getString("change_token"));

        // 129 characters, 258 UTF-16 units: refused as too long, and the token survives the refusal.
        String over = "\uD83D\uDD11".repeat(129);
        assertWeak(change(change, over, over), "Не более 128 символов");
        // Eight characters that NFKC turns into 144: too long as well.
        String expands = "\uFDFA".repeat(8);
        assertWeak(change(change, expands, expands), "Не более 128 символов");

        // 105 characters in 205 UTF-16 units: within the rule, so it is hashed, stored and signs in.
        String keys = LogCapture.secret("Ключи-" + "\uD83D\uDD11".repeat(99));
        assertThat(change(change, keys, keys).getInteger("status")).isEqualTo(204);
        var signIn = rig.login("+375291500006", keys);
        assertThat(signIn.statusCode()).isEqualTo(200);
        assertThat(signIn.bodyAsJsonObject().getString("access_token")).isNotBlank();
        assertThat(rig.login("+375291500006", over).statusCode()).isEqualTo(400);
    }
}
