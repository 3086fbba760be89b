package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.admin.CsvImport;
import dev.kordon.support.Rig;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Bodies over the import's limit: refused before a byte is read when the length is declared, stopped
 * with 413 saying what was saved when a chunked body goes over.
 */
class StreamingImportLimitTest extends StreamingImportRig {
    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeAnyOfTheBodyIsRead() {
        long limit = rig.config.admin().importLimit();
        // As curl sends a large file: the head with Expect: 100-continue, the body only once asked for.
        // The answer comes without the server ever asking, so not a byte of the body was sent or read.
        AtomicBoolean asked = new AtomicBoolean();
        Promise<Answer> refused = Promise.promise();
        client.request(new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setHost("127.0.0.1")
                        .setPort(rig.running.adminPort())
                        .setURI("/admin/v1/accounts/import")
                        .putHeader("Authorization", "Bearer " + Rig.ADMIN_TOKEN)
                        .putHeader("Content-Type", "text/csv")
                        .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(limit + 1))
                        .putHeader(HttpHeaders.EXPECT, "100-continue"))
                .onSuccess(req -> {
                    req.response()
                            .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toJsonObject())))
                            .onComplete(refused);
                    req.continueHandler(v -> {
                        asked.set(true);
                        req.write(HEADER + row("33", 9_000_003));
                    });
                    req.sendHead();
                })
                .onFailure(refused::fail);
        Answer first = Rig.await(refused.future());
        assertThat(first.status()).isEqualTo(413);
        assertThat(asked)
                .as("the server never asked for the body (100 Continue)")
                .isFalse();

        // A client that sends without asking: refused all the same, and nothing it sent is saved.
        Promise<Answer> answer = Promise.promise();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost("127.0.0.1")
                .setPort(rig.running.adminPort())
                .setURI("/admin/v1/accounts/import")
                .putHeader("Authorization", "Bearer " + Rig.ADMIN_TOKEN)
                .putHeader("Content-Type", "text/csv")
                .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(limit + 1));
        client.request(options)
                .onSuccess(req -> {
                    req.response()
                            .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toJsonObject())))
                            .onComplete(answer);
                    // The head and the first rows; the rest is never sent, as the answer comes first.
                    req.write(HEADER + row("33", 9_000_001) + row("33", 9_000_002));
                })
                .onFailure(answer::fail);
        Answer r = Rig.await(answer.future());
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body().getString("code")).isEqualTo("payload_too_large");
        assertThat(status("mobile", "+375339000001")).isEqualTo(404);
        assertThat(count("SELECT count(*) FROM accounts WHERE login LIKE $1", "+375339%"))
                .isZero();
    }

    @Test
    void aChunkedBodyThatGoesOverTheLimitStopsWith413SayingWhatWasSaved() {
        long limit = rig.config.admin().importLimit();
        String filler = "x".repeat(1000);
        int lines = (int) (limit / 1000) + 100;
        // Ten rows to save, then refused rows (a tariff too long) until the body is over the limit.
        Answer r = post(
                lines(
                        HEADER,
                        lines,
                        100,
                        i -> i < 10
                                ? row("33", 100 + i)
                                : "mobile,+375330" + String.format("%06d", i) + "," + filler
                                        + ",over@org.by,subscriber\n"),
                -1);
        assertThat(r.status()).isEqualTo(413);
        JsonObject body = r.body();
        assertThat(body.getString("code")).isEqualTo("payload_too_large");
        assertThat(body.getJsonObject("errors").getString("csv")).contains(String.format("%,d", limit));
        assertThat(body.getInteger("created")).isEqualTo(10);
        assertThat(body.getLong("last_saved_line")).isEqualTo(11);
        assertThat(body.getInteger("rejected_total")).isGreaterThan(CsvImport.REPORTED);
        assertThat(body.getJsonArray("rejected")).hasSize(CsvImport.REPORTED);
        assertThat(count("SELECT count(*) FROM accounts WHERE login LIKE $1", "+37533%"))
                .isEqualTo(10);
    }
}
