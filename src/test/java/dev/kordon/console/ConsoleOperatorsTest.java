package dev.kordon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.mfa.Totp;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.Test;

/**
 * Named operators of the console: added by the admin API with a temporary password, which the first
 * sign-in replaces before the authenticator app is set up (its code computed here from the key the
 * page shows) and the recovery codes are shown; later sign-ins take the password and a code, once
 * each; wrong ones are throttled; the audit names the operator, or the token for the break-glass way.
 */
class ConsoleOperatorsTest extends ConsoleOverHttp {
    static final Pattern SECRET = Pattern.compile("id=\"secret\"[^>]*>([A-Z2-7 ]+)</code>");
    static final Pattern CODE = Pattern.compile("<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>");

    /** An operator who has signed in once: their password and authenticator key. */
    record Enrolled(String name, String password, byte[] secret, List<String> recoveryCodes) {}

    @Test
    void anOperatorAddedByTheApiChangesThePasswordEnrolsAndThenSignsInWithPasswordAndCodeOnce() {
        HttpResponse<Buffer> added = put("anna");
        assertThat(added.statusCode()).isEqualTo(201);
        String temporary = LogCapture.secret(added.bodyAsJsonObject().getString("temporary_password"));
        assertThat(temporary).hasSize(20);
        assertThat(added.bodyAsJsonObject().getBoolean("must_change_password")).isTrue();
        HttpResponse<Buffer> again = put("anna");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.bodyAsJsonObject().containsKey("temporary_password")).isFalse();

        Desk d = new Desk("198.51.100.40");
        HttpResponse<Buffer> first = password(d, "anna", temporary);
        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(first.getHeader("Location")).startsWith(ConsoleOperatorSignIn.CHANGE);
        assertThat(d.get("/console/").getHeader("Location"))
                .as("no console session before the second step")
                .startsWith("/console/login");
        String chosen = LogCapture.secret("Quiet-Harbour-Desk-7");
        HttpResponse<Buffer> mismatch = change(d, chosen, chosen + "x");
        assertThat(mismatch.statusCode()).isEqualTo(400);
        assertThat(mismatch.bodyAsString()).contains("Пароли не совпадают.");
        HttpResponse<Buffer> changed = change(d, chosen, chosen);
        assertThat(changed.getHeader("Location")).startsWith(ConsoleOperatorSignIn.ENROL);

        String page = d.get(ConsoleOperatorSignIn.ENROL).bodyAsString();
        assertThat(page).contains("<svg");
        byte[] secret = secretOf(page);
        long now = Totp.step(System.currentTimeMillis() / 1000);
        assertThat(code(d, ConsoleOperatorSignIn.ENROL, Totp.code(secret, now + 9, 6))
                        .statusCode())
                .isEqualTo(401);
        String good = Totp.code(secret, now, 6);
        HttpResponse<Buffer> enrolled = code(d, ConsoleOperatorSignIn.ENROL, good);
        assertThat(enrolled.statusCode()).isEqualTo(200);
        List<String> codes = recoveryCodes(enrolled.bodyAsString());
        assertThat(codes).hasSize(10);
        assertThat(d.get("/console/").statusCode()).isEqualTo(200);
        assertThat(actorOf("console.signed_in", "198.51.100.40")).isEqualTo("anna");
        JsonObject shown = rig.admin(HttpMethod.GET, "/admin/v1/operators/anna", null, Rig.ADMIN_TOKEN)
                .bodyAsJsonObject();
        assertThat(shown.getBoolean("totp")).isTrue();
        assertThat(shown.getBoolean("must_change_password")).isFalse();

        Desk next = new Desk("198.51.100.41");
        assertThat(password(next, "anna", temporary).statusCode())
                .as("the temporary password is gone")
                .isEqualTo(401);
        HttpResponse<Buffer> asked = password(next, " Anna ", chosen);
        assertThat(asked.getHeader("Location")).startsWith(ConsoleOperatorSignIn.CODE);
        assertThat(code(next, ConsoleOperatorSignIn.CODE, good).statusCode())
                .as("a code replayed")
                .isEqualTo(401);
        HttpResponse<Buffer> in = code(next, ConsoleOperatorSignIn.CODE, Totp.code(secret, now + 1, 6));
        assertThat(in.statusCode()).isEqualTo(303);
        assertThat(next.get("/console/").statusCode()).isEqualTo(200);

        Desk third = new Desk("198.51.100.42");
        password(third, "anna", chosen);
        assertThat(code(third, ConsoleOperatorSignIn.CODE, codes.get(0)).statusCode())
                .isEqualTo(303);
        Desk fourth = new Desk("198.51.100.43");
        password(fourth, "anna", chosen);
        assertThat(code(fourth, ConsoleOperatorSignIn.CODE, codes.get(0)).statusCode())
                .as("a recovery code serves once")
                .isEqualTo(401);
    }

    @Test
    void anActionOnAnAccountIsAuditedWithTheOperatorsNameAndTheBreakGlassTokenAsToken() {
        Enrolled boris = enrolled("boris", "198.51.100.50");
        Desk d = new Desk("198.51.100.51");
        signIn(d, boris, 1);
        assertThat(unlock(d).statusCode()).isEqualTo(303);
        assertThat(actorOf("admin.unlocked", "198.51.100.51")).isEqualTo("boris");

        Desk token = new Desk("198.51.100.52");
        assertThat(token.signIn(Rig.ADMIN_TOKEN).statusCode()).isEqualTo(303);
        assertThat(actorOf("console.signed_in", "198.51.100.52")).isEqualTo("token");
        assertThat(unlock(token).statusCode()).isEqualTo(303);
        assertThat(actorOf("admin.unlocked", "198.51.100.52")).isEqualTo("token");
        String events = token.get(account()).bodyAsString();
        assertThat(events).contains("<td class=\"actor\">boris</td>").contains("<td class=\"actor\">token</td>");
    }

    @Test
    void wrongPasswordsAndWrongCodesAreThrottledPerClient() {
        Enrolled clara = enrolled("clara", "198.51.100.60");
        Desk guesser = new Desk("198.51.100.61");
        for (int i = 0; i < 3; i++) {
            HttpResponse<Buffer> r = password(guesser, "clara", "wrong-" + i + "-password");
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.bodyAsString()).contains("Неверное имя или пароль.");
        }
        HttpResponse<Buffer> held = password(guesser, "clara", clara.password());
        assertThat(held.statusCode()).isEqualTo(429);
        assertThat(held.getHeader("Retry-After")).isNotNull();

        Desk codes = new Desk("198.51.100.62");
        assertThat(password(codes, "clara", clara.password()).statusCode()).isEqualTo(303);
        long now = Totp.step(System.currentTimeMillis() / 1000);
        for (int i = 0; i < 3; i++) {
            assertThat(code(codes, ConsoleOperatorSignIn.CODE, Totp.code(clara.secret(), now + 20 + i, 6))
                            .statusCode())
                    .isEqualTo(401);
        }
        assertThat(code(codes, ConsoleOperatorSignIn.CODE, Totp.code(clara.secret(), now + 1, 6))
                        .statusCode())
                .isEqualTo(429);
    }

    @Test
    void aDisabledOperatorCannotSignInAndTheirLiveSessionsEnd() {
        Enrolled dora = enrolled("dora", "198.51.100.70");
        Desk d = new Desk("198.51.100.71");
        signIn(d, dora, 1);
        assertThat(d.get("/console/").statusCode()).isEqualTo(200);
        assertThat(rig.admin(HttpMethod.POST, "/admin/v1/operators/dora/disable", null, Rig.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(204);
        HttpResponse<Buffer> after = d.get("/console/");
        assertThat(after.statusCode()).isEqualTo(303);
        assertThat(after.getHeader("Location")).startsWith("/console/login");
        assertThat(password(new Desk("198.51.100.72"), "dora", dora.password()).statusCode())
                .isEqualTo(401);
        assertThat(actorOf("operator.disabled", null)).isEqualTo("token");
    }

    @Test
    void aResetEndsTheOperatorsSessionsAndTheyStartOverWithTheNewTemporaryPassword() {
        Enrolled ella = enrolled("ella", "198.51.100.80");
        Desk d = new Desk("198.51.100.81");
        signIn(d, ella, 1);
        assertThat(d.get("/console/").statusCode()).isEqualTo(200);
        HttpResponse<Buffer> reset =
                rig.admin(HttpMethod.POST, "/admin/v1/operators/ella/reset", null, Rig.ADMIN_TOKEN);
        assertThat(reset.statusCode()).isEqualTo(200);
        String temporary = LogCapture.secret(reset.bodyAsJsonObject().getString("temporary_password"));
        assertThat(d.get("/console/").statusCode()).isEqualTo(303);
        Desk again = new Desk("198.51.100.82");
        assertThat(password(again, "ella", ella.password()).statusCode()).isEqualTo(401);
        assertThat(password(again, "ella", temporary).getHeader("Location")).startsWith(ConsoleOperatorSignIn.CHANGE);
    }

    // ---- helpers

    static HttpResponse<Buffer> put(String name) {
        return rig.admin(
                HttpMethod.PUT,
                "/admin/v1/operators/" + name,
                new JsonObject().put("display_name", "Operator " + name).put("email", name + "@desk.example.by"),
                Rig.ADMIN_TOKEN);
    }

    /** Added, first sign-in done (new password, app set up) from {@code ip}, at the current step. */
    static Enrolled enrolled(String name, String ip) {
        String temporary = LogCapture.secret(put(name).bodyAsJsonObject().getString("temporary_password"));
        String chosen = LogCapture.secret("Blue-Harbour-Desk-" + name.length() + name.hashCode());
        Desk d = new Desk(ip);
        password(d, name, temporary);
        change(d, chosen, chosen);
        byte[] secret = secretOf(d.get(ConsoleOperatorSignIn.ENROL).bodyAsString());
        HttpResponse<Buffer> done = code(
                d, ConsoleOperatorSignIn.ENROL, Totp.code(secret, Totp.step(System.currentTimeMillis() / 1000), 6));
        assertThat(done.statusCode()).isEqualTo(200);
        return new Enrolled(name, chosen, secret, recoveryCodes(done.bodyAsString()));
    }

    /** Signed in with the password and the code of the step {@code ahead} of now (one not used yet). */
    static void signIn(Desk d, Enrolled o, int ahead) {
        assertThat(password(d, o.name(), o.password()).statusCode()).isEqualTo(303);
        long step = Totp.step(System.currentTimeMillis() / 1000) + ahead;
        assertThat(code(d, ConsoleOperatorSignIn.CODE, Totp.code(o.secret(), step, 6))
                        .statusCode())
                .isEqualTo(303);
    }

    static HttpResponse<Buffer> password(Desk d, String name, String password) {
        return d.post(
                ConsoleOperatorSignIn.PASSWORD,
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", d.csrf("/console/login"))
                        .add("name", name)
                        .add("password", password));
    }

    static HttpResponse<Buffer> change(Desk d, String password, String repeat) {
        return d.post(
                ConsoleOperatorSignIn.CHANGE,
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", d.csrf(ConsoleOperatorSignIn.CHANGE))
                        .add("password", password)
                        .add("repeat", repeat));
    }

    static HttpResponse<Buffer> code(Desk d, String page, String code) {
        return d.post(
                page,
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", d.csrf("/console/login"))
                        .add("code", code));
    }

    static HttpResponse<Buffer> unlock(Desk d) {
        return d.post(account() + "/unlock", MultiMap.caseInsensitiveMultiMap().add("csrf", d.csrf(account())));
    }

    static byte[] secretOf(String page) {
        Matcher m = SECRET.matcher(page);
        assertThat(m.find()).as("the key as text").isTrue();
        String b32 = m.group(1).replace(" ", "");
        int rest = b32.length() % 8;
        return Base32.decode(rest == 0 ? b32 : b32 + "=".repeat(8 - rest));
    }

    static List<String> recoveryCodes(String page) {
        Matcher m = CODE.matcher(page);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(LogCapture.secret(m.group(1)));
        }
        return out;
    }

    /** The actor of the latest such event from {@code ip} (any address when null), once it is written. */
    static String actorOf(String event, String ip) {
        return Await.until(
                Duration.ofSeconds(5),
                () -> {
                    var rows = Rig.await(rig.running
                            .wiring()
                            .pg()
                            .preparedQuery("SELECT detail->>'actor' FROM audit_events WHERE event = $1"
                                    + " AND ($2::text IS NULL OR ip = $2) ORDER BY id DESC LIMIT 1")
                            .execute(io.vertx.sqlclient.Tuple.of(event, ip)));
                    return rows.iterator().hasNext() ? rows.iterator().next().getString(0) : null;
                },
                a -> a != null);
    }
}
