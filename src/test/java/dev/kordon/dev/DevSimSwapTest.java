package dev.kordon.dev;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.Main;
import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import dev.kordon.ops.Metrics;
import dev.kordon.simswap.SwapMarks;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Ports;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dev mode's SIM swap stand-in, as the README walks it: {@code /dev/sim-swap} marks a number and
 * pushes the network's event to Kordon's own endpoint, and the stand-in CAMARA service answers its
 * token and check endpoints as the spec has them.
 */
class DevSimSwapTest {
    static DevStack dev;
    static Vertx vertx;
    static Main.Running running;
    static WebClient client;

    @BeforeAll
    static void up() throws Exception {
        dev = DevStack.start();
        vertx = Vertx.vertx();
        // The ports are known before dev mode applies itself, as the README's 8080 and 8081 are: the
        // stand-in's address and the event endpoint's follow from them.
        ConfigTree tree = dev.apply(ConfigTree.load(Path.of("conf", "kordon.yaml"), Map.of("KORDON_DEV", "true"))
                .with("http.port", Ports.free())
                .with("admin.port", Ports.free()));
        KordonConfig config = KordonConfig.from(tree);
        assertThat(config.simSwapEvents().on())
                .as("the event endpoint is on in dev mode")
                .isTrue();
        running = Rig.await(Main.start(vertx, new Metrics(), config, dev.signingKeys(), dev));
        Rig.await(dev.seed(
                config, running.wiring().subscribers(), running.wiring().browserSessions(), running.credentials()));
        client = WebClient.create(vertx);
    }

    @AfterAll
    static void down() {
        client.close();
        Rig.await(running.stop());
        dev.stop();
    }

    static HttpResponse<Buffer> post(String path, JsonObject body) {
        return Rig.await(client.request(HttpMethod.POST, running.httpPort(), "127.0.0.1", path)
                .sendJsonObject(body));
    }

    static String standInToken() {
        var token =
                Rig.await(client.request(HttpMethod.POST, running.httpPort(), "127.0.0.1", "/dev/camara/oauth2/token")
                        .basicAuthentication(SimSwapStandIn.CLIENT_ID, SimSwapStandIn.CLIENT_SECRET)
                        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")));
        assertThat(token.statusCode()).isEqualTo(200);
        return LogCapture.secret(token.bodyAsJsonObject().getString("access_token"));
    }

    static HttpResponse<Buffer> check(String token, JsonObject body) {
        return Rig.await(
                client.request(HttpMethod.POST, running.httpPort(), "127.0.0.1", "/dev/camara/sim-swap/v2/check")
                        .putHeader("Authorization", "Bearer " + token)
                        .putHeader("x-correlator", "walk-1")
                        .sendJsonObject(body));
    }

    @Test
    void devSimSwapMarksTheNumberAndPushesTheEventThatEndsTheDemoAccountsSignIn() {
        String phone = dev.demoPhone();
        var login = post(
                "/api/v1/login/password",
                new JsonObject().put("category", "mobile").put("login", phone).put("password", DevStack.DEMO_PASSWORD));
        String access = LogCapture.secret(login.bodyAsJsonObject().getString("access_token"));
        var me = Rig.await(client.request(HttpMethod.GET, running.httpPort(), "127.0.0.1", "/api/v1/me")
                .putHeader("Authorization", "Bearer " + access)
                .send());
        assertThat(me.statusCode()).isEqualTo(200);
        SwapMarks marks =
                new SwapMarks(running.wiring().redis(), running.wiring().secrets());
        assertThat(Rig.await(marks.marked(phone))).isFalse();

        var swapped = post("/dev/sim-swap", new JsonObject().put("phoneNumber", phone));
        assertThat(swapped.statusCode()).isEqualTo(200);
        assertThat(swapped.bodyAsJsonObject().getInteger("pushed"))
                .as("the event endpoint's answer")
                .isEqualTo(204);

        assertThat(Rig.await(marks.marked(phone))).isTrue();
        var after = Rig.await(client.request(HttpMethod.GET, running.httpPort(), "127.0.0.1", "/api/v1/me")
                .putHeader("Authorization", "Bearer " + access)
                .send());
        assertThat(after.statusCode()).isEqualTo(401);
        String token = standInToken();
        var yes = check(token, new JsonObject().put("phoneNumber", phone).put("maxAge", 72));
        assertThat(yes.statusCode()).isEqualTo(200);
        assertThat(yes.bodyAsJsonObject().getBoolean("swapped")).isTrue();
        assertThat(yes.getHeader("x-correlator")).isEqualTo("walk-1");
        assertThat(post("/dev/sim-swap", new JsonObject().put("phoneNumber", "291234567"))
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void theStandInAnswersTheCheckAndItsErrorsAsTheCamaraSpecHasThem() {
        String token = standInToken();
        var no =
                check(token, new JsonObject().put("phoneNumber", dev.newPhone()).put("maxAge", 240));
        assertThat(no.statusCode()).isEqualTo(200);
        assertThat(no.bodyAsJsonObject()).isEqualTo(new JsonObject().put("swapped", false));
        var range =
                check(token, new JsonObject().put("phoneNumber", dev.newPhone()).put("maxAge", 2401));
        assertThat(range.statusCode()).isEqualTo(400);
        assertThat(range.bodyAsJsonObject().getString("code")).isEqualTo("OUT_OF_RANGE");
        var badNumber = check(token, new JsonObject().put("phoneNumber", "375441234567"));
        assertThat(badNumber.bodyAsJsonObject().getString("code")).isEqualTo("INVALID_ARGUMENT");
        var anonymous = check("not-a-token", new JsonObject().put("phoneNumber", dev.newPhone()));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.bodyAsJsonObject().getString("code")).isEqualTo("UNAUTHENTICATED");
        var wrongClient =
                Rig.await(client.request(HttpMethod.POST, running.httpPort(), "127.0.0.1", "/dev/camara/oauth2/token")
                        .basicAuthentication(SimSwapStandIn.CLIENT_ID, "wrong")
                        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")));
        assertThat(wrongClient.statusCode()).isEqualTo(401);
        assertThat(wrongClient.bodyAsJsonObject().getString("error")).isEqualTo("invalid_client");
        // client_secret_post works as well as HTTP Basic.
        var posted =
                Rig.await(client.request(HttpMethod.POST, running.httpPort(), "127.0.0.1", "/dev/camara/oauth2/token")
                        .sendForm(MultiMap.caseInsensitiveMultiMap()
                                .add("grant_type", "client_credentials")
                                .add("client_id", SimSwapStandIn.CLIENT_ID)
                                .add("client_secret", SimSwapStandIn.CLIENT_SECRET)));
        assertThat(posted.statusCode()).isEqualTo(200);
        LogCapture.secret(posted.bodyAsJsonObject().getString("access_token"));
    }
}
