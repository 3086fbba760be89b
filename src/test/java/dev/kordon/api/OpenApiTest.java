package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.server.ServedRouters;
import dev.kordon.support.Rig;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The OpenAPI description is served, matches the routes the ports serve, and is what requests are held to. */
class OpenApiTest {
    static Rig rig;

    @BeforeAll
    static void up() {
        rig = Rig.start();
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void servedAsOpenApi31Yaml() {
        var r = rig.get("/openapi.yaml", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).startsWith("application/yaml");
        assertThat(spec().get("openapi")).isEqualTo("3.1.0");
    }

    /** Both ways, as {@link ApiRoutes} states the rule; what is outside it is listed there, with why. */
    @Test
    void everyApiRouteServedIsInTheSpecAndEveryOperationOfTheSpecIsServed() {
        var spec = spec();
        List<Router> publicPort = ServedRouters.publicPort(rig.vertx);
        Router adminPort = ServedRouters.adminPort(rig.vertx).get(0);
        // Each event loop's instance builds its own router: each is held to the spec.
        assertThat(publicPort).hasSize(rig.config.httpInstances());
        for (Router router : publicPort) {
            assertThat(ApiRoutes.differences(router, adminPort, spec)).isEmpty();
        }
        // Not vacuous: what was compared holds both ports, path parameters and paths outside the prefixes.
        assertThat(ApiRoutes.operations(spec))
                .contains(
                        "POST /api/v1/login/password",
                        "GET /auth/verify",
                        "GET /.well-known/jwks.json",
                        "DELETE /admin/v1/accounts/{category}/{login}/sessions/{id}");
    }

    /**
     * The comparison fails what it is there to catch: a route under /api/ the spec lacks, one for
     * every method, an admin operation on the public port, an operation nobody serves; and it lets
     * filters and the routes outside the contract pass.
     */
    @Test
    void theComparisonFailsARouteMissingFromTheSpecAndAnOperationNotServed() {
        Handler<RoutingContext> ok = ctx -> ctx.response().end();
        Router publicPort = Router.router(rig.vertx);
        publicPort.route("/api/*").handler(RoutingContext::next);
        publicPort.post("/api/*").handler(RoutingContext::next);
        publicPort.route().handler(RoutingContext::next);
        publicPort.post("/api/v1/login/password").handler(ok);
        publicPort.get("/api/v1/extra").handler(ok);
        publicPort.route("/api/v1/anything").handler(ok);
        publicPort.get("/admin/v1/accounts").handler(ok);
        publicPort.get("/health/live").handler(ok);
        publicPort.post("/login").handler(ok);
        Router adminPort = Router.router(rig.vertx);
        adminPort.route("/admin/*").handler(RoutingContext::next);
        adminPort.get("/admin/v1/accounts").handler(ok);
        adminPort.delete("/admin/v1/accounts/:category/:login/sessions/:id").handler(ok);
        adminPort.get("/metrics").handler(ok);
        adminPort.get("/console").handler(ok);
        Map<String, Object> spec = Map.of(
                "paths",
                Map.of(
                        "/api/v1/login/password", Map.of("post", Map.of(), "summary", "not a method"),
                        "/api/v1/me", Map.of("get", Map.of()),
                        "/admin/v1/accounts", Map.of("get", Map.of(), "parameters", List.of()),
                        "/admin/v1/accounts/{category}/{login}/sessions/{id}", Map.of("delete", Map.of()),
                        "/admin/v1/accounts/{category}/{login}/unlock", Map.of("post", Map.of())));

        assertThat(ApiRoutes.differences(publicPort, adminPort, spec))
                .containsExactlyInAnyOrder(
                        "GET /api/v1/extra: served on the public port, not in openapi.yaml for it",
                        "* /api/v1/anything: served on the public port, not in openapi.yaml for it",
                        "GET /admin/v1/accounts: served on the public port, not in openapi.yaml for it",
                        "GET /api/v1/me: in openapi.yaml, not served on the public port",
                        "POST /admin/v1/accounts/{category}/{login}/unlock: in openapi.yaml, not served on the admin port");
    }

    private static Map<String, Object> spec() {
        return new Yaml().load(rig.get("/openapi.yaml", null).bodyAsString());
    }

    @Test
    void wrongJsonTypesAreFieldErrors() {
        for (Object bad : List.of(42, true, new JsonArray().add("x"), new JsonObject().put("a", 1))) {
            var r = rig.post(
                    "/api/v1/login/password",
                    new JsonObject().put("category", "mobile").put("login", bad).put("password", "x"));
            assertThat(r.statusCode()).as(String.valueOf(bad)).isEqualTo(400);
            assertThat(r.bodyAsJsonObject().getJsonObject("errors").getString("login"))
                    .isEqualTo("Неверный формат значения");
        }
        var recovery = rig.post(
                "/api/v1/password/recovery",
                new JsonObject()
                        .put("category", 7)
                        .put("login", "+375291234567")
                        .put("channel", "email"));
        assertThat(recovery.bodyAsJsonObject().getJsonObject("errors").getString("category"))
                .isEqualTo("Неверный формат значения");
        var admin = rig.admin(
                HttpMethod.PUT,
                "/admin/v1/accounts/mobile/+375291234567",
                new JsonObject().put("tariff", List.of("a")).put("email", "a@b.by"),
                Rig.ADMIN_TOKEN);
        assertThat(admin.statusCode()).isEqualTo(400);
        assertThat(admin.bodyAsJsonObject().getJsonObject("errors").containsKey("tariff"))
                .isTrue();
    }

    @Test
    void outerBoundsHoldBeforeAnyFlowRuns() {
        var longLogin = rig.post(
                "/api/v1/login/sms-code",
                new JsonObject().put("category", "mobile").put("login", "9".repeat(300)));
        assertThat(longLogin.statusCode()).isEqualTo(400);
        var notObject = rig.postRaw("/api/v1/token/refresh", "application/json", Buffer.buffer("\"just a string\""));
        assertThat(notObject.statusCode()).isEqualTo(400);
        assertThat(notObject.bodyAsJsonObject().getString("code")).isEqualTo("invalid_request");
    }
}
