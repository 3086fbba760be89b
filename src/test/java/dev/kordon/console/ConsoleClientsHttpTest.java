package dev.kordon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.audit.Audit;
import dev.kordon.client.ClientRegistry;
import dev.kordon.problem.Bundles;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console's OpenID Connect clients over plain HTTP: listed as the admin API registered them,
 * made from the form with the secret shown once, refused by field, a new secret, a delete asked
 * first, and no change without the CSRF token. Every change audited as the API's.
 */
class ConsoleClientsHttpTest extends ConsoleOverHttp {
    static final Pattern SECRET = Pattern.compile("id=\"client-secret\" type=\"text\" value=\"([^\"]+)\"");

    static ClientRegistry registry() {
        return rig.running.wiring().oidcClients().registry();
    }

    /** A client registered through the admin API; its secret joins the log leak scan. */
    static String registered(String id) {
        var r = rig.admin(
                HttpMethod.PUT,
                "/admin/v1/clients/" + id,
                new JsonObject()
                        .put("client_name", "Portal " + id)
                        .put("redirect_uris", new JsonArray().add("https://" + id + ".example.by/cb"))
                        .put("scope", "openid phone"),
                Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).isEqualTo(201);
        return LogCapture.secret(r.bodyAsJsonObject().getString("client_secret"));
    }

    static MultiMap form(String csrf, String id, String method, String redirects) {
        return MultiMap.caseInsensitiveMultiMap()
                .add("csrf", csrf)
                .add("client_id", id)
                .add("client_name", "Console portal " + id)
                .add("token_endpoint_auth_method", method)
                .add("redirect_uris", redirects)
                .add("post_logout_redirect_uris", "")
                .add("backchannel_logout_uri", "")
                .add("scope", "openid")
                .add("scope", "email");
    }

    /** The secret a page shows, joined to the log leak scan; null when it shows none. */
    static String secretOn(HttpResponse<Buffer> r) {
        Matcher m = SECRET.matcher(r.bodyAsString());
        return m.find() ? LogCapture.secret(m.group(1)) : null;
    }

    static int apiStatus(String id) {
        return rig.admin(HttpMethod.GET, "/admin/v1/clients/" + id, null, Rig.ADMIN_TOKEN)
                .statusCode();
    }

    static List<Row> audited(String event, String clientId) {
        List<Row> out = new ArrayList<>();
        Rig.await(rig.running
                        .wiring()
                        .pg()
                        .preparedQuery(
                                "SELECT ip, detail FROM audit_events WHERE event = $1 AND detail->>'client_id' = $2")
                        .execute(Tuple.of(event, clientId)))
                .forEach(out::add);
        return out;
    }

    static List<Row> auditedSoon(String event, String clientId) {
        return Await.until(Duration.ofSeconds(5), () -> audited(event, clientId), l -> !l.isEmpty());
    }

    @Test
    void aClientRegisteredThroughTheAdminApiIsListedWithItsNameMethodRedirectsAndScopes() {
        registered("listed");
        Desk d = new Desk("192.0.2.40");
        d.signIn(Rig.ADMIN_TOKEN);
        assertThat(d.get("/console/").bodyAsString()).contains("href=\"/console/clients\"");
        var list = d.get("/console/clients");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.bodyAsString())
                .contains("id=\"client-listed\"")
                .contains("href=\"/console/clients/listed\"")
                .contains("Portal listed")
                .contains("client_secret_basic")
                .contains("https://listed.example.by/cb")
                .contains("openid phone");
    }

    @Test
    void aConfidentialClientMadeFromTheFormShowsItsSecretOnceAndNoPageShowsItAgain() {
        Desk d = new Desk("192.0.2.41");
        d.signIn(Rig.ADMIN_TOKEN);
        var made = d.post(
                "/console/clients",
                form(d.csrf("/console/new-client"), "made", "client_secret_post", "https://made.example.by/cb\r\n"));
        assertThat(made.statusCode()).isEqualTo(200);
        assertThat(made.getHeader("Location")).isNull();
        assertThat(made.getHeader("Cache-Control")).isEqualTo("no-store");
        String secret = secretOn(made);
        assertThat(secret).matches("[A-Za-z0-9_-]{43}");
        assertThat(made.bodyAsString()).contains(Bundles.text(Bundles.RU, "console.clients.secret.once"));
        assertThat(Rig.await(registry().secretMatches("made", secret))).isTrue();
        var stored = rig.admin(HttpMethod.GET, "/admin/v1/clients/made", null, Rig.ADMIN_TOKEN)
                .bodyAsJsonObject();
        assertThat(stored.getString("token_endpoint_auth_method")).isEqualTo("client_secret_post");
        assertThat(stored.getJsonArray("redirect_uris")).containsExactly("https://made.example.by/cb");
        assertThat(stored.getString("scope")).isEqualTo("openid email");
        // Audited as the admin API's save: the desk's address, the client, never the secret.
        Row saved = auditedSoon(Audit.CLIENT_SAVED, "made").get(0);
        assertThat(saved.getString("ip")).isEqualTo("192.0.2.41");
        assertThat(saved.getJsonObject("detail").getBoolean("created")).isTrue();
        assertThat(saved.getJsonObject("detail").encode()).doesNotContain(secret);

        for (String page : List.of("/console/clients", "/console/clients/made")) {
            var r = d.get(page);
            assertThat(r.statusCode()).as(page).isEqualTo(200);
            assertThat(r.bodyAsString()).as(page).doesNotContain(secret).doesNotContain("client-secret");
        }
    }

    @Test
    void aPublicClientMadeFromTheFormHasNoSecretAndGoesToItsPage() {
        Desk d = new Desk("192.0.2.42");
        d.signIn(Rig.ADMIN_TOKEN);
        var made = d.post(
                "/console/clients", form(d.csrf("/console/new-client"), "spa", "none", "https://spa.example.by/cb"));
        assertThat(made.statusCode()).isEqualTo(303);
        assertThat(made.getHeader("Location")).isEqualTo("/console/clients/spa?done=saved");
        var page = d.get(made.getHeader("Location")).bodyAsString();
        assertThat(page).contains(Bundles.text(Bundles.RU, "console.clients.done.saved"));
        // A public client has no secret to rotate: no such button.
        assertThat(page).contains("id=\"act-delete\"").doesNotContain("id=\"act-rotate\"");
    }

    @Test
    void aRedirectUriOverPlainHttpIsRefusedWith400NamingTheFieldAndNothingIsSaved() {
        Desk d = new Desk("192.0.2.43");
        d.signIn(Rig.ADMIN_TOKEN);
        var refused = d.post(
                "/console/clients",
                form(d.csrf("/console/new-client"), "plain", "client_secret_basic", "http://plain.example.by/cb"));
        assertThat(refused.statusCode()).isEqualTo(400);
        String html = refused.bodyAsString();
        assertThat(html)
                .contains("<p class=\"field-error\" id=\"redirect_uris-error\">"
                        + Bundles.text(Bundles.RU, "field.redirect-uri"))
                .contains("aria-describedby=\"lines-hint redirect_uris-error\" aria-invalid=\"true\"")
                // The form comes back as it was sent.
                .contains(">http://plain.example.by/cb</textarea>")
                .contains("value=\"Console portal plain\"")
                .doesNotContain("id=\"client_name-error\"");
        assertThat(apiStatus("plain")).isEqualTo(404);
    }

    @Test
    void aNewSecretIsShownOnceAndTheOldOneNoLongerWorks() {
        String old = registered("rotating");
        Desk d = new Desk("192.0.2.44");
        d.signIn(Rig.ADMIN_TOKEN);
        var rotated = d.post(
                "/console/clients/rotating/rotate",
                MultiMap.caseInsensitiveMultiMap().add("csrf", d.csrf("/console/clients/rotating")));
        assertThat(rotated.statusCode()).isEqualTo(200);
        assertThat(rotated.getHeader("Cache-Control")).isEqualTo("no-store");
        String secret = secretOn(rotated);
        assertThat(secret).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(old);
        assertThat(Rig.await(registry().secretMatches("rotating", secret))).isTrue();
        assertThat(Rig.await(registry().secretMatches("rotating", old))).isFalse();
        assertThat(auditedSoon(Audit.CLIENT_SECRET_ROTATED, "rotating")).hasSize(1);
        assertThat(d.get("/console/clients/rotating").bodyAsString()).doesNotContain(secret);
    }

    @Test
    void aDeleteIsAskedFirstThenTheClientIsGone() {
        registered("doomed");
        Desk d = new Desk("192.0.2.45");
        d.signIn(Rig.ADMIN_TOKEN);
        var asked = d.post(
                "/console/clients/doomed/delete",
                MultiMap.caseInsensitiveMultiMap().add("csrf", d.csrf("/console/clients/doomed")));
        assertThat(asked.statusCode()).isEqualTo(200);
        assertThat(asked.bodyAsString())
                .contains("name=\"confirmed\" value=\"yes\"")
                .contains("action=\"/console/clients/doomed/delete\"");
        assertThat(apiStatus("doomed")).isEqualTo(200);

        var done = d.post(
                "/console/clients/doomed/delete",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", d.csrf("/console/clients/doomed"))
                        .add("confirmed", "yes"));
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.getHeader("Location")).isEqualTo("/console/clients?done=deleted");
        assertThat(apiStatus("doomed")).isEqualTo(404);
        assertThat(auditedSoon(Audit.CLIENT_DELETED, "doomed")).hasSize(1);
        assertThat(d.get("/console/clients").bodyAsString()).doesNotContain("client-doomed");
        assertThat(d.get("/console/clients/doomed").statusCode()).isEqualTo(404);
    }

    @Test
    void everyClientPostWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
        String secret = registered("guarded");
        Desk d = new Desk("192.0.2.46");
        d.signIn(Rig.ADMIN_TOKEN);
        d.get("/console/clients/guarded");
        List<String> paths =
                List.of("/console/clients", "/console/clients/guarded/rotate", "/console/clients/guarded/delete");
        for (String path : paths) {
            for (String token : List.of("", "forged")) {
                MultiMap sent = form(token, "guarded", "none", "https://evil.example.by/cb");
                sent.add("confirmed", "yes");
                if (token.isEmpty()) {
                    sent.remove("csrf");
                }
                assertThat(d.post(path, sent).statusCode())
                        .as(path + " " + token)
                        .isEqualTo(403);
            }
        }
        var stored = rig.admin(HttpMethod.GET, "/admin/v1/clients/guarded", null, Rig.ADMIN_TOKEN);
        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(stored.bodyAsJsonObject().getString("token_endpoint_auth_method"))
                .isEqualTo("client_secret_basic");
        assertThat(Rig.await(registry().secretMatches("guarded", secret))).isTrue();
    }
}
