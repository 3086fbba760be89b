package dev.kordon.oidc;

import static dev.kordon.oidc.OidcBrowser.CALLBACK;
import static dev.kordon.oidc.OidcBrowser.authorize;
import static dev.kordon.oidc.OidcBrowser.codeForm;
import static dev.kordon.oidc.OidcBrowser.refreshForm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.dispatch.DeadLetters;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenID Connect Back-Channel Logout 1.0 against real HTTP listeners: when a browser session or all
 * of an account's sign-ins end, each client that signed the person in there and registered a
 * {@code backchannel_logout_uri} is POSTed a logout token Kordon signed, through the outbox.
 */
class BackchannelLogoutTest {
    static final String PASSWORD = LogCapture.secret("Backchannel-Password-1");
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    static Rig rig;
    static Portals portals;
    static final Map<String, String> SECRETS = new java.util.HashMap<>();

    @BeforeAll
    static void up() throws java.io.IOException {
        rig = Rig.builder()
                .set("jwt.issuer", OidcBrowser.ISSUER)
                .set("dispatch.retry-base", "200ms")
                .set("dispatch.retry-max", "1s")
                .start();
        portals = new Portals();
        for (String id : List.of("bc-a", "bc-b", "bc-down", "bc-refuses", "bc-redirects")) {
            SECRETS.put(id, register(id, portals.uri(id)));
        }
        SECRETS.put("bc-none", register("bc-none", null));
    }

    @AfterAll
    static void down() {
        if (portals != null) {
            portals.close();
        }
        rig.close();
    }

    @Test
    void anRpInitiatedLogoutSendsEachClientOfTheSessionOneSignedLogoutTokenNamingTheSessionAndNoneToOthers() {
        Account account = rig.account("+375297400001", PASSWORD);
        OidcBrowser b = new OidcBrowser(rig);
        JsonObject a = signIn(b, "bc-a", "297400001");
        JsonObject bb = silently(b, "bc-b");
        silently(b, "bc-none");
        String sid = OidcBrowser.claims(a.getString("id_token")).getString("sid");
        assertThat(sid).isNotBlank();
        assertThat(OidcBrowser.claims(bb.getString("id_token")).getString("sid"))
                .as("one browser session, one sid for every client")
                .isEqualTo(sid);
        // Another person's session at the same clients: not theirs to hear of.
        Account other = rig.account("+375297400002", PASSWORD);
        signIn(new OidcBrowser(rig), "bc-a", "297400002");

        HttpResponse<Buffer> out = b.get("/oauth2/logout?id_token_hint=" + a.getString("id_token"));
        assertThat(out.statusCode()).as(out.bodyAsString()).isEqualTo(302);

        for (String client : List.of("bc-a", "bc-b")) {
            JsonObject token = portals.verified(rig, client, account.id().toString());
            assertThat(token.getString("sid")).isEqualTo(sid);
        }
        portals.quiet(1_500);
        assertThat(portals.received("bc-a", account.id().toString()))
                .as("one token each, not two")
                .isZero();
        assertThat(portals.received("bc-b", account.id().toString())).isZero();
        assertThat(portals.received("bc-a", other.id().toString()))
                .as("the other person's session goes on: nothing for it")
                .isZero();
        HttpResponse<Buffer> refresh = b.token("bc-a", SECRETS.get("bc-a"), refreshForm(a.getString("refresh_token")));
        assertThat(refresh.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");
    }

    @Test
    void disablingAnAccountSendsALogoutTokenForEachOfItsBrowserSessionsWithTheirOwnSid() {
        Account account = rig.account("+375297400003", PASSWORD);
        OidcBrowser first = new OidcBrowser(rig);
        OidcBrowser second = new OidcBrowser(rig);
        String sid1 = OidcBrowser.claims(signIn(first, "bc-a", "297400003").getString("id_token"))
                .getString("sid");
        String sid2 = OidcBrowser.claims(signIn(second, "bc-a", "297400003").getString("id_token"))
                .getString("sid");
        assertThat(sid1).as("two browser sessions, two sids").isNotEqualTo(sid2);

        HttpResponse<Buffer> disabled =
                rig.admin(HttpMethod.POST, "/admin/v1/accounts/mobile/+375297400003/disable", null, Rig.ADMIN_TOKEN);
        assertThat(disabled.statusCode()).as(disabled.bodyAsString()).isIn(200, 204);

        String sub = account.id().toString();
        List<String> sids = List.of(
                portals.verified(rig, "bc-a", sub).getString("sid"),
                portals.verified(rig, "bc-a", sub).getString("sid"));
        assertThat(sids).containsExactlyInAnyOrder(sid1, sid2);
    }

    @Test
    void signingOutOnKordonsOwnPageTellsTheClientsOfThatSessionOnly() {
        Account account = rig.account("+375297400004", PASSWORD);
        OidcBrowser leaving = new OidcBrowser(rig);
        OidcBrowser staying = new OidcBrowser(rig);
        String sid = OidcBrowser.claims(signIn(leaving, "bc-b", "297400004").getString("id_token"))
                .getString("sid");
        signIn(staying, "bc-b", "297400004");

        Matcher m = CSRF.matcher(leaving.get("/login").bodyAsString());
        assertThat(m.find()).isTrue();
        HttpResponse<Buffer> out =
                leaving.post("/logout", MultiMap.caseInsensitiveMultiMap().add("csrf", m.group(1)));
        assertThat(out.statusCode()).isEqualTo(303);

        assertThat(portals.verified(rig, "bc-b", account.id().toString()).getString("sid"))
                .isEqualTo(sid);
        portals.quiet(1_500);
        assertThat(portals.received("bc-b", account.id().toString()))
                .as("the session that stays is not signed out at its client")
                .isZero();
    }

    @Test
    void anOperatorEndingOneBrowserSessionTellsItsClientsWithItsSid() {
        Account account = rig.account("+375297400007", PASSWORD);
        String sid = OidcBrowser.claims(
                        signIn(new OidcBrowser(rig), "bc-a", "297400007").getString("id_token"))
                .getString("sid");
        String sessions = "/admin/v1/accounts/mobile/+375297400007/sessions";
        JsonObject browser = rig
                .admin(HttpMethod.GET, sessions, null, Rig.ADMIN_TOKEN)
                .bodyAsJsonObject()
                .getJsonArray("sessions")
                .stream()
                .map(o -> (JsonObject) o)
                .filter(o -> "browser".equals(o.getString("kind")))
                .findFirst()
                .orElseThrow();

        HttpResponse<Buffer> ended =
                rig.admin(HttpMethod.DELETE, sessions + "/" + browser.getString("id"), null, Rig.ADMIN_TOKEN);
        assertThat(ended.statusCode()).as(ended.bodyAsString()).isEqualTo(204);

        assertThat(portals.verified(rig, "bc-a", account.id().toString()).getString("sid"))
                .isEqualTo(sid);
    }

    @Test
    void aPortalThatIsDownGetsItsLogoutTokenOnceItIsBack() {
        Account account = rig.account("+375297400005", PASSWORD);
        OidcBrowser b = new OidcBrowser(rig);
        JsonObject t = signIn(b, "bc-down", "297400005");
        portals.answer("bc-down", 503, 503, 503);

        assertThat(b.get("/oauth2/logout?id_token_hint=" + t.getString("id_token"))
                        .statusCode())
                .isEqualTo(302);

        JsonObject token = portals.verified(rig, "bc-down", account.id().toString());
        assertThat(portals.attempts("bc-down"))
                .as("three refusals, then the fourth attempt taken")
                .isEqualTo(4);
        assertThat(token.getString("sid"))
                .isEqualTo(OidcBrowser.claims(t.getString("id_token")).getString("sid"));
    }

    @Test
    void aClientThatRefusesOrRedirectsGetsNoRetryAndTheTokenIsSetAsideAsADeadLetter() {
        Account account = rig.account("+375297400006", PASSWORD);
        OidcBrowser b = new OidcBrowser(rig);
        JsonObject refuses = signIn(b, "bc-refuses", "297400006");
        silently(b, "bc-redirects");
        portals.answer("bc-refuses", 400);
        portals.redirect("bc-redirects", portals.uri("bc-a"));

        assertThat(b.get("/oauth2/logout?id_token_hint=" + refuses.getString("id_token"))
                        .statusCode())
                .isEqualTo(302);

        List<DeadLetters.Letter> dead = Await.until(
                java.time.Duration.ofSeconds(15),
                () -> Rig.await(rig.running.wiring().deadLetters().newest(100)).stream()
                        .filter(l -> "logout".equals(l.kind()))
                        .toList(),
                letters -> letters.size() >= 2);
        assertThat(dead.stream().map(DeadLetters.Letter::reason))
                .containsExactlyInAnyOrder("client bc-refuses answered 400", "client bc-redirects answered 302");
        portals.quiet(1_500);
        assertThat(portals.attempts("bc-refuses")).as("a refusal is final").isEqualTo(1);
        assertThat(portals.attempts("bc-redirects")).isEqualTo(1);
        assertThat(portals.received("bc-a", account.id().toString()))
                .as("a redirect is never followed")
                .isZero();
    }

    /** Signs in on the seed's page for {@code client}: the token response. */
    static JsonObject signIn(OidcBrowser b, String client, String phoneDigits) {
        String loginPage = b.get(authorize(client, "st", "n", null, "")).getHeader("Location");
        Map<String, String> callback =
                b.toCallback(b.signIn(loginPage, phoneDigits, PASSWORD).getHeader("Location"));
        return tokens(b, client, callback);
    }

    /** A second client, for the browser already signed in: no page, a code at once. */
    static JsonObject silently(OidcBrowser b, String client) {
        return tokens(b, client, b.toCallback(authorize(client, "st", "n", null, "")));
    }

    private static JsonObject tokens(OidcBrowser b, String client, Map<String, String> callback) {
        HttpResponse<Buffer> r = b.token(client, SECRETS.get(client), codeForm(callback.get("code"), null));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        return r.bodyAsJsonObject();
    }

    private static String register(String id, String backchannel) {
        JsonObject body = new JsonObject()
                .put("client_name", "Portal " + id)
                .put("redirect_uris", new JsonArray().add(CALLBACK))
                .put("scope", "openid phone email");
        if (backchannel != null) {
            body.put("backchannel_logout_uri", backchannel);
        }
        HttpResponse<Buffer> r = rig.admin(HttpMethod.PUT, "/admin/v1/clients/" + id, body, Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
        return LogCapture.secret(r.bodyAsJsonObject().getString("client_secret"));
    }
}
