package dev.kordon.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.kordon.account.Account;
import dev.kordon.support.Browser;
import dev.kordon.support.LogCapture;
import dev.kordon.support.NodeProject;
import dev.kordon.support.Ports;
import dev.kordon.support.Rig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A relying party no one here wrote: openid-client (certified by the OpenID Foundation), run by
 * src/test/node/oidc-rp/rp.mjs, signs a person in through Kordon in Debian's headless Chromium, on
 * the seed's own sign-in page. Kordon runs on plain HTTP at a fixed port, its issuer that URL, since
 * the library compares the issuer of discovery and of every ID token with the URL it was given.
 */
class OpenidClientRpTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String PHONE = "+375297300001";
    static final String PASSWORD = LogCapture.secret("Rp-Library-Password-1");
    static final String CLIENT = "node-portal";

    static Rig rig;
    static String issuer;
    static HttpServer portal;
    static String callbackUri;
    static final CompletableFuture<String> CALLBACK = new CompletableFuture<>();

    @BeforeAll
    static void up() throws IOException {
        Browser.requireChromium();
        NodeProject.requireNode();
        int port = Ports.free();
        issuer = "http://127.0.0.1:" + port;
        rig = Rig.builder()
                .set("http.port", port)
                .set("jwt.issuer", issuer)
                // The pages' cookies over plain HTTP.
                .set("cookie.secure", false)
                .start();
        // The portal's callback: it only keeps the URL the browser arrived with, for the script.
        int portalPort = Ports.free();
        callbackUri = "http://127.0.0.1:" + portalPort + "/cb";
        portal = HttpServer.create(new InetSocketAddress("127.0.0.1", portalPort), 0);
        portal.createContext("/cb", exchange -> {
            CALLBACK.complete("http://127.0.0.1:" + portalPort + exchange.getRequestURI());
            byte[] page = "<!doctype html><title>Portal</title><h1>Portal</h1>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        portal.start();
    }

    @AfterAll
    static void down() {
        if (portal != null) {
            portal.stop(0);
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void openidClientDiscoversSignsInWithPkceValidatesTheIdTokenReadsUserinfoAndRefreshes() {
        Account account = rig.account(PHONE, PASSWORD);
        String secret = LogCapture.secret(register());
        NodeProject rp = NodeProject.prepare("oidc-rp");

        try (NodeProject.Script script =
                        rp.run(Map.of("RP_CLIENT_SECRET", secret), List.of("rp.mjs", issuer, CLIENT, callbackUri));
                Browser b = Browser.open(issuer, true, "ru")) {
            JsonObject start = script.nextJson(WAIT);
            String authorizationUrl = start.getString("authorization_url");
            assertThat(authorizationUrl)
                    .as(script.transcript())
                    .startsWith(issuer + "/oauth2/authorize?")
                    .contains("code_challenge_method=S256", "code_challenge=", "nonce=", "state=");

            b.driver.get(authorizationUrl);
            waitFor(b, script, "the sign-in page", url -> url.startsWith(issuer + "/login?return="));
            new Select(b.find("#category")).selectByVisibleText("Мобильная связь");
            b.type("#login", PHONE.substring("+375".length()));
            b.type("#password", PASSWORD);
            // «Войти в аккаунт»; the wait below is the one for the pages it leads through.
            b.click(".actions button.primary");
            waitFor(b, script, "the portal's callback", url -> url.startsWith(callbackUri + "?"));
            String callback = callback(b, script);
            assertThat(callback).as(diagnosis(b, script)).contains("code=", "state=", "iss=");

            script.send(callback);
            JsonObject result = script.nextJson(WAIT);
            int exit = script.exitCode(WAIT);
            String why = diagnosis(b, script);
            assertThat(exit).as(why).isZero();
            assertThat(result.getBoolean("ok")).as(why).isTrue();
            assertThat(result.getString("server_issuer")).as(why).isEqualTo(issuer);
            assertThat(result.getString("token_type")).as(why).isEqualToIgnoringCase("bearer");

            JsonObject id = result.getJsonObject("id_token");
            assertThat(id.getString("iss")).as(why).isEqualTo(issuer);
            assertThat(id.getString("sub")).as(why).isEqualTo(account.id().toString());
            assertThat(id.getString("aud")).as(why).isEqualTo(CLIENT);
            assertThat(id.getBoolean("nonce_matched")).as(why).isTrue();
            assertThat(id.getJsonArray("amr")).as(why).isEqualTo(new JsonArray().add("pwd"));
            assertThat(id.getString("phone_number")).as(why).isEqualTo(PHONE);

            JsonObject userinfo = result.getJsonObject("userinfo");
            assertThat(userinfo.getString("sub")).as(why).isEqualTo(account.id().toString());
            assertThat(userinfo.getString("phone_number")).as(why).isEqualTo(PHONE);

            JsonObject refresh = result.getJsonObject("refresh");
            assertThat(refresh.getBoolean("new_access_token")).as(why).isTrue();
            assertThat(refresh.getBoolean("new_refresh_token")).as(why).isTrue();
            assertThat(refresh.getString("userinfo_sub"))
                    .as(why)
                    .isEqualTo(account.id().toString());
        }
    }

    /** A confidential client, as a portal's operator registers it; its secret, shown this once. */
    private static String register() {
        JsonObject body = new JsonObject()
                .put("client_name", "A portal on openid-client")
                .put("redirect_uris", new JsonArray().add(callbackUri))
                .put("token_endpoint_auth_method", "client_secret_basic")
                .put("scope", "openid phone");
        HttpResponse<Buffer> r = rig.admin(HttpMethod.PUT, "/admin/v1/clients/" + CLIENT, body, Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
        return r.bodyAsJsonObject().getString("client_secret");
    }

    private static void waitFor(
            Browser b, NodeProject.Script script, String what, java.util.function.Predicate<String> at) {
        try {
            new WebDriverWait(b.driver, WAIT).until(d -> at.test(d.getCurrentUrl()));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    "the browser did not reach " + what + " within " + WAIT + "\n" + diagnosis(b, script), e);
        }
    }

    /** The URL the portal's callback was called with: exactly what the browser was sent to. */
    private static String callback(Browser b, NodeProject.Script script) {
        try {
            return CALLBACK.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new AssertionError("the portal's callback was not called\n" + diagnosis(b, script), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String diagnosis(Browser b, NodeProject.Script script) {
        String source;
        try {
            source = b.driver.getPageSource();
        } catch (RuntimeException e) {
            source = "(unavailable: " + e.getMessage() + ")";
        }
        return "\nscript output:\n" + script.transcript() + "\nbrowser at: " + b.driver.getCurrentUrl()
                + "\npage source:\n" + source;
    }
}
