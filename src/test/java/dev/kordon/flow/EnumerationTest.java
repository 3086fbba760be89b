package dev.kordon.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import dev.kordon.support.Scrape;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No enumeration: for a login with an account and one without, every public answer has the same
 * status, body and headers, and a refused password sign-in runs one Argon2id check whether the account
 * exists or not. How long each takes from outside is measured by the benchmark (load/,
 * RefusalTiming), at the shipped parameters.
 */
class EnumerationTest {
    static Rig rig;
    static final int ACCOUNTS = 50;

    @BeforeAll
    static void up() {
        rig = Rig.start();
        for (int i = 0; i < ACCOUNTS; i++) {
            rig.account(String.format("+37529600%04d", i), "Known-Account-Password-" + i);
        }
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    static HttpResponse<Buffer> login(String phone) {
        return rig.login(phone, "not-the-password-42");
    }

    @Test
    void wrongPasswordAndUnknownLoginGetTheSameAnswerAfterOneArgon2idCheckEach() {
        // Every answer by what a client can compare: one shape for all of them.
        Map<String, Integer> shapes = new LinkedHashMap<>();
        int tries = 10;
        for (int i = 0; i < tries; i++) {
            // A missing account is checked against the dummy hash: one verify job, as for a real one.
            Scrape before = Scrape.of(rig);
            HttpResponse<Buffer> known = login(String.format("+37529600%04d", i % ACCOUNTS));
            Scrape between = Scrape.of(rig);
            HttpResponse<Buffer> unknown = login(String.format("+37529691%04d", i));
            Scrape after = Scrape.of(rig);
            assertThat(known.statusCode()).isEqualTo(401);
            assertThat(verifies(before, between))
                    .as("Argon2id checks for a wrong password")
                    .isEqualTo(1.0);
            assertThat(verifies(between, after))
                    .as("Argon2id checks for an unknown login")
                    .isEqualTo(1.0);
            shapes.merge(shape(known), 1, Integer::sum);
            shapes.merge(shape(unknown), 1, Integer::sum);
        }
        assertThat(shapes).hasSize(1).containsValue(2 * tries);
    }

    private static double verifies(Scrape from, Scrape to) {
        return to.value("kordon_hash_seconds_count", "op", "verify")
                - from.value("kordon_hash_seconds_count", "op", "verify");
    }

    @Test
    void sendingAnswersAreIdentical() {
        for (String path : List.of("/api/v1/login/sms-code", "/api/v1/password/recovery")) {
            JsonObject body = new JsonObject().put("category", "mobile").put("channel", "email");
            var known = rig.post(path, body.copy().put("login", "+375296000001"));
            var unknown = rig.post(path, body.copy().put("login", "+375296999998"));
            assertThat(known.statusCode()).as(path).isEqualTo(202).isEqualTo(unknown.statusCode());
            assertThat(known.bodyAsString()).as(path).isEqualTo(unknown.bodyAsString());
            assertThat(new TreeSet<>(known.headers().names()))
                    .isEqualTo(new TreeSet<>(unknown.headers().names()));
            assertThat(shape(known)).as(path).isEqualTo(shape(unknown));
        }
    }

    /**
     * Status, every header with its value, and body. An X-Request-Id (the contract's) is fresh on every
     * answer, so only its presence counts.
     */
    static String shape(HttpResponse<Buffer> r) {
        StringBuilder sb = new StringBuilder().append(r.statusCode()).append('\n');
        new TreeSet<>(r.headers().names().stream()
                        .map(n -> n.toLowerCase(Locale.ROOT))
                        .toList())
                .forEach(name -> {
                    List<String> values = r.headers().getAll(name);
                    if (name.equals("x-request-id")) {
                        assertThat(values).hasSize(1);
                        values = List.of("(fresh)");
                    }
                    sb.append(name).append(": ").append(values).append('\n');
                });
        return sb.append(r.bodyAsString()).toString();
    }
}
