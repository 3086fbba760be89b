package dev.kordon.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.support.Rig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the token tests share: one running Kordon per test class with one account that signs in by
 * password, and the helpers that read, build and present tokens. The classes run one after another
 * in the test JVM, each with its own Kordon in these fields.
 */
abstract class TokenFixture {
    static Rig rig;
    static Account account;
    static final String PHONE = "+375441000001";
    static final String PASSWORD = "Token-test-password-1";

    @BeforeAll
    static void up() {
        rig = Rig.start();
        account = rig.account(PHONE, PASSWORD);
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    static JsonObject signIn() {
        var r = rig.login(PHONE, PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.bodyAsJsonObject();
    }

    static JsonObject claimsOf(String jwt) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    static JsonObject validClaims() {
        long now = System.currentTimeMillis() / 1000;
        return new JsonObject()
                .put("iss", rig.config.jwt().issuer())
                .put("aud", rig.config.jwt().audience())
                .put("sub", account.id().toString())
                .put("login", PHONE)
                .put("cat", "mobile")
                .put("role", "subscriber")
                .put("amr", new JsonArray().add("pwd"))
                .put("iat", now)
                .put("nbf", now)
                .put("exp", now + 600)
                .put("jti", UUID.randomUUID().toString());
    }

    static int me(String token) {
        return rig.get("/api/v1/me", token).statusCode();
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
