package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.audit.Audit;
import dev.kordon.client.ClientRegistry;
import dev.kordon.guard.Secrets;
import dev.kordon.store.Database;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /admin/v1/clients}: the registry of OpenID Connect clients, on a real Kordon and Postgres. */
class ClientsApiTest {
    static Rig rig;
    static ClientRegistry registry;

    @BeforeAll
    static void up() {
        rig = Rig.start();
        registry = rig.running.wiring().oidcClients().registry();
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    static JsonObject portal() {
        return new JsonObject()
                .put("client_name", "Personal account portal")
                .put("redirect_uris", new JsonArray().add("https://portal.example.by/oidc/callback"))
                .put("post_logout_redirect_uris", new JsonArray().add("https://portal.example.by/"))
                .put("backchannel_logout_uri", "https://portal.example.by/oidc/logout")
                .put("scope", "openid phone roles")
                .put("software_id", "ignored: not a field Kordon knows");
    }

    static HttpResponse<Buffer> put(String id, JsonObject body) {
        return remembered(rig.admin(HttpMethod.PUT, "/admin/v1/clients/" + id, body, Rig.ADMIN_TOKEN));
    }

    /** Every secret an answer carries joins the log leak scan. */
    static HttpResponse<Buffer> remembered(HttpResponse<Buffer> r) {
        if (r.statusCode() < 300 && r.bodyAsJsonObject().getString("client_secret") != null) {
            LogCapture.secret(r.bodyAsJsonObject().getString("client_secret"));
        }
        return r;
    }

    static HttpResponse<Buffer> get(String path) {
        return rig.admin(HttpMethod.GET, path, null, Rig.ADMIN_TOKEN);
    }

    static String storedHash(String id) {
        return Rig.await(rig.running
                        .wiring()
                        .pg()
                        .preparedQuery("SELECT secret_hash FROM oidc_clients WHERE client_id = $1")
                        .execute(Tuple.of(id)))
                .iterator()
                .next()
                .getString("secret_hash");
    }

    static List<JsonObject> audited(String event, String clientId) {
        List<JsonObject> out = new ArrayList<>();
        for (Row r : Rig.await(rig.running
                .wiring()
                .pg()
                .preparedQuery("SELECT detail FROM audit_events WHERE event = $1 AND detail->>'client_id' = $2")
                .execute(Tuple.of(event, clientId)))) {
            out.add(r.getJsonObject("detail"));
        }
        return out;
    }

    @Test
    void aConfidentialClientGetsASecretOnceStoredOnlyAsAKeyedHash() {
        var created = put("portal", portal());
        assertThat(created.statusCode()).isEqualTo(201);
        JsonObject body = created.bodyAsJsonObject();
        String secret = body.getString("client_secret");
        assertThat(secret).matches("[A-Za-z0-9_-]{43}");
        assertThat(body.getInteger("client_secret_expires_at")).isZero();
        // The one answer that carries the secret is kept by no cache on the way.
        assertThat(created.getHeader("Cache-Control")).isEqualTo("no-store");
        assertThat(body.getString("client_id")).isEqualTo("portal");
        assertThat(body.getString("token_endpoint_auth_method")).isEqualTo("client_secret_basic");
        assertThat(body.getString("scope")).isEqualTo("openid phone roles");
        assertThat(body.containsKey("software_id")).isFalse();

        var read = get("/admin/v1/clients/portal");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.bodyAsJsonObject().containsKey("client_secret")).isFalse();
        assertThat(read.bodyAsString()).doesNotContain(secret);
        assertThat(read.bodyAsJsonObject().getJsonArray("redirect_uris"))
                .containsExactly("https://portal.example.by/oidc/callback");
        assertThat(read.bodyAsJsonObject().getString("backchannel_logout_uri"))
                .isEqualTo("https://portal.example.by/oidc/logout");

        String stored = storedHash("portal");
        assertThat(stored).matches("[0-9a-f]{64}").doesNotContain(secret);
        assertThat(Rig.await(registry.secretMatches("portal", secret))).isTrue();
        assertThat(Rig.await(registry.secretMatches("portal", secret + "x"))).isFalse();
        assertThat(Rig.await(registry.secretMatches("portal", null))).isFalse();
        assertThat(Rig.await(registry.secretMatches("nobody", secret))).isFalse();
        assertThat(audited(Audit.CLIENT_SAVED, "portal"))
                .anySatisfy(d -> assertThat(d.getBoolean("created")).isTrue());
    }

    @Test
    void replacingKeepsTheSecretAndRotatingMakesANewOneTheOldNoLongerMatching() {
        String first = put("rotating", portal()).bodyAsJsonObject().getString("client_secret");
        var replaced = put("rotating", portal().put("client_name", "Renamed").put("scope", "openid email"));
        assertThat(replaced.statusCode()).isEqualTo(200);
        assertThat(replaced.bodyAsJsonObject().containsKey("client_secret")).isFalse();
        assertThat(replaced.bodyAsJsonObject().getString("client_name")).isEqualTo("Renamed");
        assertThat(Rig.await(registry.secretMatches("rotating", first))).isTrue();

        var rotated = put("rotating?rotate_secret=true", portal());
        assertThat(rotated.statusCode()).isEqualTo(200);
        String second = rotated.bodyAsJsonObject().getString("client_secret");
        assertThat(second).isNotNull().isNotEqualTo(first);
        assertThat(Rig.await(registry.secretMatches("rotating", second))).isTrue();
        assertThat(Rig.await(registry.secretMatches("rotating", first))).isFalse();
        assertThat(Await.until(
                        Duration.ofSeconds(5),
                        () -> audited(Audit.CLIENT_SECRET_ROTATED, "rotating"),
                        l -> !l.isEmpty()))
                .hasSize(1);
    }

    @Test
    void aPublicClientHasNoSecretAndAConfidentialOneMadePublicLosesIt() {
        var pub = put("spa", portal().put("token_endpoint_auth_method", "none"));
        assertThat(pub.statusCode()).isEqualTo(201);
        assertThat(pub.bodyAsJsonObject().containsKey("client_secret")).isFalse();
        assertThat(storedHash("spa")).isNull();
        var rotatePublic = put("spa?rotate_secret=true", portal().put("token_endpoint_auth_method", "none"));
        assertThat(rotatePublic.statusCode()).isEqualTo(400);
        assertThat(rotatePublic.bodyAsJsonObject().getJsonObject("errors").fieldNames())
                .containsExactly("rotate_secret");

        String secret = put("turncoat", portal()).bodyAsJsonObject().getString("client_secret");
        put("turncoat", portal().put("token_endpoint_auth_method", "none"));
        assertThat(storedHash("turncoat")).isNull();
        assertThat(Rig.await(registry.secretMatches("turncoat", secret))).isFalse();
        // Confidential again: a new secret, never the old one back.
        var again = put("turncoat", portal().put("token_endpoint_auth_method", "client_secret_post"));
        assertThat(again.bodyAsJsonObject().getString("client_secret"))
                .isNotNull()
                .isNotEqualTo(secret);
    }

    @Test
    void eachInvalidFieldIsA400ProblemNamingIt() {
        Object[][] cases = {
            {"client_name", portal().putNull("client_name")},
            {"client_name", portal().put("client_name", "x".repeat(201))},
            {"client_name", portal().put("client_name", "bad\u0000name")},
            {"redirect_uris", portal().putNull("redirect_uris")},
            {"redirect_uris", portal().put("redirect_uris", new JsonArray())},
            {"redirect_uris", portal().put("redirect_uris", new JsonArray().add("/relative/callback"))},
            {"redirect_uris", portal().put("redirect_uris", new JsonArray().add("https://portal.example.by/cb#x"))},
            {"redirect_uris", portal().put("redirect_uris", new JsonArray().add("http://portal.example.by/cb"))},
            {"redirect_uris", portal().put("redirect_uris", new JsonArray().add("http://10.0.0.1/cb"))},
            {"redirect_uris", portal().put("redirect_uris", new JsonArray().add("https://user:pw@portal.example.by/"))},
            {"redirect_uris", portal().put("redirect_uris", new JsonArray().add(7))},
            {"post_logout_redirect_uris", portal().put("post_logout_redirect_uris", new JsonArray().add("ftp://x.by/"))
            },
            {"backchannel_logout_uri", portal().put("backchannel_logout_uri", "http://portal.example.by/logout")},
            {"token_endpoint_auth_method", portal().put("token_endpoint_auth_method", "private_key_jwt")},
            {"scope", portal().put("scope", "phone email")},
            {"scope", portal().put("scope", "openid profile")},
            {"client_id", portal().put("client_id", "another")},
        };
        for (Object[] c : cases) {
            JsonObject body = (JsonObject) c[1];
            var r = put("refused", body);
            assertThat(r.statusCode()).as(body.encode()).isEqualTo(400);
            assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
            assertThat(r.bodyAsJsonObject().getJsonObject("errors").fieldNames())
                    .as(body.encode())
                    .containsExactly((String) c[0]);
        }
        var badId = put("no%20spaces", portal());
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(badId.bodyAsJsonObject().getJsonObject("errors").fieldNames())
                .containsExactly("client_id");
        var longId = put("x".repeat(65), portal());
        assertThat(longId.bodyAsJsonObject().getJsonObject("errors").fieldNames())
                .containsExactly("client_id");
        assertThat(put("refused?rotate_secret=maybe", portal()).statusCode()).isEqualTo(400);
        assertThat(get("/admin/v1/clients/refused").statusCode()).isEqualTo(404);
    }

    @Test
    void loopbackHttpIsAllowedAndTheDefaultsApply() {
        var r = put(
                "native.app_1",
                new JsonObject()
                        .put("client_name", "Desktop")
                        .put("token_endpoint_auth_method", "none")
                        .put(
                                "redirect_uris",
                                new JsonArray()
                                        .add("http://127.0.0.1:51000/cb")
                                        .add("http://[::1]:51000/cb")
                                        .add("http://localhost/cb")));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
        assertThat(r.bodyAsJsonObject().getString("scope")).isEqualTo("openid");
        assertThat(r.bodyAsJsonObject().getJsonArray("post_logout_redirect_uris"))
                .isEmpty();
        assertThat(r.bodyAsJsonObject().containsKey("backchannel_logout_uri")).isFalse();
        var basic = put(
                "basic-default",
                new JsonObject()
                        .put("client_name", "Default")
                        .put("redirect_uris", new JsonArray().add("https://x.example.by/cb")));
        assertThat(basic.bodyAsJsonObject().getString("token_endpoint_auth_method"))
                .isEqualTo("client_secret_basic");
    }

    @Test
    void deleteThenGetIs404AndTheListShowsWhatIsLeftWithoutSecrets() {
        put("doomed", portal());
        put("listed", portal().put("token_endpoint_auth_method", "none"));
        var all = get("/admin/v1/clients");
        assertThat(all.statusCode()).isEqualTo(200);
        List<String> ids = all.bodyAsJsonObject().getJsonArray("clients").stream()
                .map(o -> ((JsonObject) o).getString("client_id"))
                .toList();
        assertThat(ids).contains("doomed", "listed").isSorted();
        assertThat(all.bodyAsString()).doesNotContain("\"client_secret\"");

        var deleted = rig.admin(HttpMethod.DELETE, "/admin/v1/clients/doomed", null, Rig.ADMIN_TOKEN);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(get("/admin/v1/clients/doomed").statusCode()).isEqualTo(404);
        var again = rig.admin(HttpMethod.DELETE, "/admin/v1/clients/doomed", null, Rig.ADMIN_TOKEN);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(audited(Audit.CLIENT_DELETED, "doomed")).hasSize(1);
        assertThat(get("/admin/v1/clients").bodyAsString()).doesNotContain("\"doomed\"");
    }

    /** A secret hashed under a key that is now second in secrets.keys still matches, and is hashed again under the first. */
    @Test
    void aSecretHashedUnderAnOlderKeyMatchesAndMovesToTheNewest() {
        byte[] oldKey = new byte[32];
        byte[] newKey = new byte[32];
        newKey[0] = 1;
        Database db = new Database(rig.running.wiring().pg(), Duration.ofSeconds(5));
        ClientRegistry before = new ClientRegistry(db, new Secrets(List.of(oldKey)));
        String secret = LogCapture.secret(
                Rig.await(before.put(dev.kordon.client.ClientMetadata.parse("rekeyed", portal()), false))
                        .secret());
        String oldHash = storedHash("rekeyed");
        ClientRegistry both = new ClientRegistry(db, new Secrets(List.of(newKey, oldKey)));
        assertThat(Rig.await(both.secretMatches("rekeyed", secret))).isTrue();
        assertThat(storedHash("rekeyed")).isNotEqualTo(oldHash);
        ClientRegistry onlyNew = new ClientRegistry(db, new Secrets(List.of(newKey)));
        assertThat(Rig.await(onlyNew.secretMatches("rekeyed", secret))).isTrue();
        assertThat(Rig.await(before.secretMatches("rekeyed", secret))).isFalse();
    }

    @Test
    void theClientRoutesNeedTheAdminToken() {
        assertThat(rig.admin(HttpMethod.GET, "/admin/v1/clients", null, null).statusCode())
                .isEqualTo(401);
        assertThat(rig.admin(HttpMethod.PUT, "/admin/v1/clients/sneaky", portal(), Rig.ADMIN_TOKEN + "x")
                        .statusCode())
                .isEqualTo(401);
        assertThat(get("/admin/v1/clients/sneaky").statusCode()).isEqualTo(404);
    }
}
