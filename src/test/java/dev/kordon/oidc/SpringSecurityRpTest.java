package dev.kordon.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.support.Browser;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Ports;
import dev.kordon.support.Rig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The README's Spring Security configuration, as written, in a real Spring Boot portal
 * (src/test/spring-rp): a person opens the portal in Debian's headless Chromium, Spring Security
 * sends the browser to Kordon, the person signs in on the seed's page, and the portal shows who it
 * signed in, from the ID token it checked. Kordon runs on plain HTTP at a fixed port with that URL
 * as its issuer, since Spring compares discovery's issuer with the one it was given.
 */
class SpringSecurityRpTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String PHONE = "+375297300002";
    static final String PASSWORD = LogCapture.secret("Spring-Rp-Password-1");
    static final String CLIENT = "portal";

    static Rig rig;
    static String issuer;
    static String portalBase;
    static int portalPort;
    static Path jar;
    static SpringPortal portal;

    @BeforeAll
    static void up() throws IOException {
        Browser.requireChromium();
        // Built first: a build that fails says so before anything else is started.
        jar = SpringPortal.build();
        int port = Ports.free();
        issuer = "http://127.0.0.1:" + port;
        rig = Rig.builder()
                .set("http.port", port)
                .set("jwt.issuer", issuer)
                // The pages' cookies over plain HTTP.
                .set("cookie.secure", false)
                .start();
        portalPort = Ports.free();
        portalBase = "http://127.0.0.1:" + portalPort;
    }

    @AfterAll
    static void down() {
        if (portal != null) {
            portal.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void theReadmesSpringSecurityBlockSignsAPersonInAndThePortalShowsSubPhoneAndAmrFromTheIdToken() throws IOException {
        Account account = rig.account(PHONE, PASSWORD);
        String secret = LogCapture.secret(register());
        // The README's block is the portal's whole configuration.
        Path config = SpringPortal.OUT.resolve("application.yml");
        Files.writeString(config, SpringPortal.readmeBlock());
        portal = SpringPortal.start(jar, config, issuer, portalPort, secret);
        portal.awaitListening(portalPort, WAIT);

        try (Browser b = Browser.open(portalBase, true, "ru")) {
            // Every page of the portal needs a sign-in: its front page leads to Kordon's.
            b.driver.get(portalBase + "/");
            waitFor(b, "Kordon's sign-in page", url -> url.startsWith(issuer + "/login?return="));
            new Select(b.find("#category")).selectByVisibleText("Мобильная связь");
            b.type("#login", PHONE.substring("+375".length()));
            b.type("#password", PASSWORD);
            // «Войти в аккаунт»; Kordon sends the code to Spring's callback, Spring back to the page asked for.
            b.click(".actions button.primary");
            waitFor(
                    b,
                    "the portal's front page",
                    url -> url.equals(portalBase + "/") || url.startsWith(portalBase + "/?"));

            String why = diagnosis(b);
            assertThat(b.page().lines()).as(why).contains("sub: " + account.id(), "phone_number: " + PHONE, "amr: pwd");
        }
    }

    /** A confidential client with the redirect URI Spring Security makes of the README's template. */
    private static String register() {
        JsonObject body = new JsonObject()
                .put("client_name", "A portal on Spring Security")
                .put("redirect_uris", new JsonArray().add(portalBase + "/login/oauth2/code/kordon"))
                .put("token_endpoint_auth_method", "client_secret_basic")
                .put("scope", "openid phone email");
        HttpResponse<Buffer> r = rig.admin(HttpMethod.PUT, "/admin/v1/clients/" + CLIENT, body, Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
        return r.bodyAsJsonObject().getString("client_secret");
    }

    private static void waitFor(Browser b, String what, Predicate<String> at) {
        try {
            new WebDriverWait(b.driver, WAIT).until(d -> at.test(d.getCurrentUrl()));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the browser did not reach " + what + " within " + WAIT + "\n" + diagnosis(b), e);
        }
    }

    private static String diagnosis(Browser b) {
        String source;
        try {
            source = b.driver.getPageSource();
        } catch (RuntimeException e) {
            source = "(unavailable: " + e.getMessage() + ")";
        }
        return "\nbrowser at: " + b.driver.getCurrentUrl() + "\npage source:\n" + source + "\n" + portal.output();
    }
}
