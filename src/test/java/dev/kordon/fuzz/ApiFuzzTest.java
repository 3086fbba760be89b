package dev.kordon.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kordon.support.Rig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every JSON endpoint on arbitrary bodies, raw or shaped like the real ones: never a 5xx, never a
 * stack trace, always an answer within seconds.
 */
class ApiFuzzTest {
    static final String[] PATHS = {
        "/api/v1/login/password",
        "/api/v1/login/sms-code",
        "/api/v1/login/sms",
        "/api/v1/password/recovery",
        "/api/v1/password/change",
        "/api/v1/token/refresh",
        "/api/v1/logout"
    };
    static final String[] FIELDS = {
        "category",
        "login",
        "password",
        "code",
        "channel",
        "refresh_token",
        "new_password",
        "confirm_password",
        "current_password"
    };
    static Rig rig;

    @BeforeAll
    static void up() {
        rig = Rig.start();
        rig.account("+375298000001", "Fuzz-Account-Password-1");
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    /** What an HTTP client can put in a header at all: printable ASCII. */
    static String headerValue(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "");
    }

    @FuzzTest(maxDuration = "30s")
    void endpoints(FuzzedDataProvider data) throws Exception {
        String path = data.pickValue(PATHS);
        Buffer body;
        String contentType = "application/json";
        if (data.consumeBoolean()) {
            body = Buffer.buffer(data.consumeBytes(20_000));
            if (data.consumeBoolean()) {
                contentType = headerValue(data.consumeAsciiString(40));
            }
        } else {
            JsonObject json = new JsonObject();
            int n = data.consumeInt(0, FIELDS.length);
            for (int i = 0; i < n; i++) {
                String field = data.pickValue(FIELDS);
                switch (data.consumeInt(0, 4)) {
                    case 0 -> json.put(field, data.consumeString(300));
                    case 1 -> json.put(field, data.consumeLong());
                    case 2 -> json.put(field, data.consumeBoolean());
                    case 3 -> json.putNull(field);
                    default -> json.put(field, new JsonObject().put("x", data.consumeString(20)));
                }
            }
            if (json.containsKey("category") && data.consumeBoolean()) {
                json.put("category", "mobile");
            }
            body = json.toBuffer();
        }
        var req = rig.http
                .request(HttpMethod.POST, rig.running.httpPort(), "127.0.0.1", path)
                .timeout(10_000);
        if (contentType != null && !contentType.isEmpty()) {
            req.putHeader("Content-Type", contentType);
        }
        if (data.consumeBoolean()) {
            req.putHeader("Authorization", "Bearer " + headerValue(data.consumeAsciiString(200)));
        }
        HttpResponse<Buffer> r =
                req.sendBuffer(body).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(path).isBetween(200, 499);
        String text = r.bodyAsString();
        if (text != null) {
            assertThat(text).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }
}
