package dev.kordon.simswap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.audit.Audit;
import dev.kordon.keys.SigningKeys;
import dev.kordon.support.Await;
import dev.kordon.support.ConsoleDesk;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Mailbox;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import dev.kordon.support.TestServers;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The network's SIM swap events on the admin port, against real Postgres, Redis and SMTP. Two
 * instances share one database, Redis and key prefix, as two replicas of one deployment do: the
 * event arrives at B, and what A had verified and cached must be refused at once.
 */
class SwapEventsTest {
    static final String SECRET = LogCapture.secret("sim-swap-events-secret-0123456789");
    static final String PASSWORD = LogCapture.secret("Swap-events-password-1");
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final Pattern CODE = Pattern.compile("Код для входа в Личный кабинет: (\\d{6})");
    static SmsProviderStub provider;
    static Rig a;
    static Rig b;

    @BeforeAll
    static void up() throws Exception {
        Path secretFile = Files.createTempFile("kordon-sim-swap-events-", ".secret");
        Files.writeString(secretFile, SECRET + "\n");
        secretFile.toFile().deleteOnExit();
        SigningKeys keys = SigningKeys.generate("sim-swap-events");
        provider = new SmsProviderStub();
        a = Rig.builder()
                .keys(keys)
                .set("cookie.secure", false)
                .set("sms.provider", "http")
                .set("sms.http.url", provider.url())
                .set("sim-swap.events.secret-file", secretFile.toString())
                .start();
        b = Rig.builder()
                .keys(keys)
                .set("cookie.secure", false)
                .set("redis.key-prefix", a.prefix)
                .set("pg.url", a.config.pg().url())
                // One deployment's keys: the event ids, the marks and the outbox are keyed and sealed alike.
                .set(
                        "secrets.key",
                        java.util.Base64.getEncoder()
                                .encodeToString(a.config.secretKeys().get(0)))
                // Both drain the one outbox: either may be the one that sends an SMS.
                .set("sms.provider", "http")
                .set("sms.http.url", provider.url())
                .set("sim-swap.events.secret-file", secretFile.toString())
                .start();
    }

    @AfterAll
    static void down() {
        b.close();
        a.close();
        provider.close();
    }

    static JsonObject swapped(String phone) {
        return new JsonObject()
                .put("id", UUID.randomUUID().toString())
                .put("source", "https://sim-swap.example.by")
                .put("type", SwapEvent.SWAPPED)
                .put("specversion", "1.0")
                .put("datacontenttype", "application/json")
                .put("time", Instant.now().toString())
                .put("data", new JsonObject().put("phoneNumber", phone).put("subscriptionId", "sub-1"));
    }

    static HttpResponse<Buffer> push(Rig rig, String bearer, String type, Buffer body) {
        var req = rig.http.request(HttpMethod.POST, rig.running.adminPort(), "127.0.0.1", "/admin/v1/events/sim-swap");
        if (bearer != null) {
            req.putHeader("Authorization", "Bearer " + bearer);
        }
        req.putHeader("Content-Type", type).putHeader("x-correlator", "corr-1");
        return Rig.await(req.sendBuffer(body));
    }

    static HttpResponse<Buffer> push(Rig rig, JsonObject event) {
        return push(rig, SECRET, "application/cloudevents+json", Buffer.buffer(event.encode()));
    }

    static boolean within(long ms, BooleanSupplier condition) {
        return Await.until(Duration.ofMillis(ms), condition);
    }

    static int verify(Rig rig, String bearer) {
        return rig.get("/auth/verify", bearer).statusCode();
    }

    static int verifyCookie(Rig rig, String session) {
        var req = rig.http.request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/auth/verify");
        req.putHeader("Cookie", "kordon-session=" + session);
        return Rig.await(req.send()).statusCode();
    }

    /** Signs in with the pages' form on {@code rig}; the session cookie. */
    static String browserSignIn(Rig rig, String phone) {
        var page = Rig.await(rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/login")
                .send());
        Matcher m = CSRF.matcher(page.bodyAsString());
        assertThat(m.find()).isTrue();
        String cookies = String.join(
                "; ", page.cookies().stream().map(c -> c.split(";")[0]).toList());
        var r = Rig.await(rig.http
                .request(HttpMethod.POST, rig.running.httpPort(), "127.0.0.1", "/login")
                .followRedirects(false)
                .putHeader("Cookie", cookies)
                .sendForm(MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", m.group(1))
                        .add("mode", "password")
                        .add("category", "mobile")
                        .add("login", phone)
                        .add("password", PASSWORD)));
        assertThat(r.statusCode()).isEqualTo(303);
        String session = r.cookies().stream()
                .filter(c -> c.startsWith("kordon-session="))
                .map(c -> c.substring("kordon-session=".length()).split(";")[0])
                .findFirst()
                .orElseThrow();
        return LogCapture.secret(session);
    }

    static JsonObject signIn(Rig rig, String phone) {
        var r = rig.login(phone, PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.bodyAsJsonObject();
    }

    static long auditedSwaps(String phone) {
        return b
                .admin(HttpMethod.GET, "/admin/v1/accounts/mobile/" + phone + "/events", null, Rig.ADMIN_TOKEN)
                .bodyAsJsonObject()
                .getJsonArray("events")
                .stream()
                .map(JsonObject.class::cast)
                .filter(e -> Audit.SIM_SWAP_EVENT.equals(e.getString("event")))
                .count();
    }

    @Test
    void theEventEndsTheBrowserSessionRefreshFamilyAndAccessTokenOnEveryInstance() {
        String phone = "+375291100001";
        a.account("mobile", phone, Rig.TARIFF, "active", PASSWORD, "swap1@example.by");
        JsonObject pair = signIn(a, phone);
        String access = LogCapture.secret(pair.getString("access_token"));
        String refresh = LogCapture.secret(pair.getString("refresh_token"));
        String session = browserSignIn(a, phone);
        // Verified, so each instance holds them in its cache.
        for (Rig rig : List.of(a, b)) {
            assertThat(verify(rig, access)).isEqualTo(200);
            assertThat(verifyCookie(rig, session)).isEqualTo(200);
        }

        var pushed = push(b, swapped(phone));
        assertThat(pushed.statusCode()).isEqualTo(204);
        assertThat(pushed.getHeader("x-correlator")).isEqualTo("corr-1");

        // B answered once Redis took the announcement; A hears it on its own connection a moment later.
        assertThat(within(1_000, () -> verify(a, access) == 401 && verifyCookie(a, session) == 401))
                .as("A refuses the token and the cookie within 1 s")
                .isTrue();
        for (Rig rig : List.of(a, b)) {
            assertThat(verify(rig, access)).isEqualTo(401);
            assertThat(verifyCookie(rig, session)).isEqualTo(401);
            assertThat(rig.get("/api/v1/me", access).statusCode()).isEqualTo(401);
        }
        var refreshed = a.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", refresh));
        assertThat(refreshed.statusCode()).isEqualTo(401);
        // The password still signs in: only what was issued before the swap ended.
        assertThat(verify(a, LogCapture.secret(signIn(a, phone).getString("access_token"))))
                .isEqualTo(200);
    }

    @Test
    void theSameEventDeliveredTwiceActsOnce() {
        String phone = "+375291100002";
        String email = "swap2@example.by";
        a.account("mobile", phone, Rig.TARIFF, "active", PASSWORD, email);
        JsonObject event = swapped(phone);
        assertThat(push(b, event).statusCode()).isEqualTo(204);
        String after = LogCapture.secret(signIn(a, phone).getString("access_token"));
        assertThat(push(a, event).statusCode()).as("delivered again").isEqualTo(204);
        assertThat(verify(a, after))
                .as("a sign-in after the event lives through its repeat")
                .isEqualTo(200);
        assertThat(a.get("/api/v1/me", after).statusCode()).isEqualTo(200);
        // The audit trail and the letter are written after the answer: waited for, then held to once.
        assertThat(within(5_000, () -> auditedSwaps(phone) >= 1)).isTrue();
        Mailbox.await(TestServers.smtp(), email, 1, 10_000);
        Await.hold(Duration.ofMillis(500));
        assertThat(auditedSwaps(phone)).isEqualTo(1);
        assertThat(Mailbox.to(TestServers.smtp(), email)).hasSize(1);
        // A new event (a second swap) acts again.
        assertThat(push(a, swapped(phone)).statusCode()).isEqualTo(204);
        assertThat(within(1_000, () -> verify(a, after) == 401)).isTrue();
        assertThat(within(5_000, () -> auditedSwaps(phone) == 2)).isTrue();
    }

    @Test
    void aWrongBearerIs401AndAMalformedEventIs400AndNeitherEndsAnything() {
        String phone = "+375291100003";
        a.account("mobile", phone, Rig.TARIFF, "active", PASSWORD, "swap3@example.by");
        String access = LogCapture.secret(signIn(a, phone).getString("access_token"));
        Buffer good = Buffer.buffer(swapped(phone).encode());
        String json = "application/cloudevents+json";
        for (String wrong : new String[] {null, "nope", Rig.ADMIN_TOKEN, SECRET + "x"}) {
            var r = push(b, wrong, json, good);
            assertThat(r.statusCode()).as(String.valueOf(wrong)).isEqualTo(401);
            assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
            assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer");
        }
        assertThat(push(b, SECRET, json, Buffer.buffer("{not json")).statusCode())
                .isEqualTo(400);
        assertThat(push(b, SECRET, json, Buffer.buffer("[1]")).statusCode()).isEqualTo(400);
        assertThat(push(b, SECRET, "text/plain", good).statusCode()).isEqualTo(415);
        JsonObject noNumber = swapped(phone);
        noNumber.getJsonObject("data").remove("phoneNumber");
        var missing = push(b, noNumber);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.bodyAsJsonObject().getJsonObject("errors").containsKey("data.phoneNumber"))
                .isTrue();
        for (JsonObject bad : List.of(
                swapped(phone).put("specversion", "0.3"),
                swapped(phone).put("time", "yesterday"),
                swapped(phone.substring(1)),
                swapped(phone).put("id", ""),
                swapped(phone).put("data", "x"))) {
            assertThat(push(b, bad).statusCode()).as(bad.encode()).isEqualTo(400);
        }
        assertThat(verify(a, access)).isEqualTo(200);
        assertThat(auditedSwaps(phone)).isZero();
    }

    @Test
    void afterTheEventTheNumbersLiveCodeIsDeadAndItsSmsSignInIsMarkedRefused() {
        String phone = "+375291100004";
        a.account("mobile", phone, Rig.TARIFF, "active", PASSWORD, "swap4@example.by");
        var asked = a.post(
                "/api/v1/login/sms-code",
                new JsonObject().put("category", "mobile").put("login", phone));
        assertThat(asked.statusCode()).isEqualTo(202);
        List<JsonObject> sms = Await.until(Duration.ofSeconds(10), () -> provider.to(phone), l -> !l.isEmpty());
        Matcher m = CODE.matcher(sms.get(0).getString("text"));
        assertThat(m.matches()).isTrue();
        String code = LogCapture.secret(m.group(1));
        SwapMarks marks =
                new SwapMarks(a.running.wiring().redis(), a.running.wiring().secrets());
        assertThat(Rig.await(marks.marked(phone))).isFalse();

        assertThat(push(b, swapped(phone)).statusCode()).isEqualTo(204);

        assertThat(Rig.await(marks.marked(phone)))
                .as("SMS sign-in refused for sim-swap.max-age")
                .isTrue();
        long ttl = Rig.await(a.running
                        .wiring()
                        .redis()
                        .send(
                                io.vertx.redis.client.Command.PTTL,
                                a.running.wiring().redis().keys().simSwapMark(marks.numberHash(phone))))
                .toLong();
        assertThat(ttl)
                .isBetween(Duration.ofHours(71).toMillis(), Duration.ofHours(72).toMillis());
        var used = a.post(
                "/api/v1/login/sms",
                new JsonObject().put("category", "mobile").put("login", phone).put("code", code));
        assertThat(used.statusCode()).as("the code issued before the swap").isEqualTo(401);
    }

    @Test
    void theOrganisationIsMailedAndTheConsoleAccountPageShowsTheEvent() {
        String phone = "+375291100005";
        String email = "swap5@example.by";
        a.account("mobile", phone, Rig.TARIFF, "active", PASSWORD, email);
        assertThat(push(b, swapped(phone)).statusCode()).isEqualTo(204);

        Mailbox.Mail mail = Mailbox.await(TestServers.smtp(), email, 1, 10_000).get(0);
        assertThat(mail.subject()).isEqualTo("SIM-карта номера Личного кабинета заменена");
        assertThat(mail.text())
                .contains("Номер телефона: 375291100005")
                .contains("Все входы в Личный кабинет с этим номером завершены")
                .contains("в течение 3 дней");

        ConsoleDesk desk = new ConsoleDesk(b).signIn();
        String path = "/console/accounts/mobile/%2B375291100005";
        assertThat(within(5_000, () -> desk.get(path).bodyAsString().contains("sim_swap.event")))
                .as("the event on the account's page")
                .isTrue();
        assertThat(desk.get(path).bodyAsString()).contains("Замена SIM-карты: все входы завершены");
    }

    @Test
    void theEndOfTheSubscriptionIsAcceptedAndOtherTypesAreIgnored() {
        JsonObject ended = swapped("+375291100006")
                .put("type", SwapEvent.ENDED)
                .put(
                        "data",
                        new JsonObject()
                                .put("subscriptionId", "sub-1")
                                .put("terminationReason", "SUBSCRIPTION_EXPIRED"));
        assertThat(push(b, ended).statusCode()).isEqualTo(204);
        JsonObject started = swapped("+375291100006").put("type", "org.camaraproject.api-name.v0.subscription-started");
        assertThat(push(b, started).statusCode()).isEqualTo(204);
    }
}
