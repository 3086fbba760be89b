package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.admin.CsvImport;
import dev.kordon.support.Rig;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The import read as a stream, with the admin port's shipped limits: a file of 100,000 rows in one
 * request, bodies cut anywhere, bodies over the limit, long lists of refused rows.
 */
class StreamingImportTest {
    private static final String HEADER = "category,login,tariff,email,role\n";
    static Rig rig;
    static HttpClient client;

    @BeforeAll
    static void up() {
        rig = Rig.start();
        client = rig.vertx.createHttpClient();
    }

    @AfterAll
    static void down() {
        Rig.await(client.close());
        rig.close();
    }

    record Answer(int status, JsonObject body) {}

    /**
     * POSTs the pieces one after another, each as it is asked for, waiting whenever the connection's
     * write queue is full: the body never exists whole on this side either. {@code length} >= 0: sent
     * with that Content-Length and {@code Expect: 100-continue}, as curl sends a large file; else chunked.
     */
    static Answer post(Iterator<Buffer> pieces, long length) {
        Promise<Answer> answer = Promise.promise();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost("127.0.0.1")
                .setPort(rig.running.adminPort())
                .setURI("/admin/v1/accounts/import")
                .putHeader("Authorization", "Bearer " + Rig.ADMIN_TOKEN)
                .putHeader("Content-Type", "text/csv")
                .putHeader("Accept-Language", "en")
                .setIdleTimeout(120_000);
        client.request(options)
                .onSuccess(req -> {
                    req.response()
                            .compose(resp -> resp.body()
                                    .map(b -> new Answer(resp.statusCode(), b.length() == 0 ? null : b.toJsonObject())))
                            .onComplete(answer);
                    if (length >= 0) {
                        req.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length))
                                .putHeader(HttpHeaders.EXPECT, "100-continue");
                        req.continueHandler(v -> write(req, pieces));
                        req.sendHead();
                    } else {
                        req.setChunked(true);
                        write(req, pieces);
                    }
                })
                .onFailure(answer::fail);
        return Rig.await(answer.future().timeout(300, java.util.concurrent.TimeUnit.SECONDS));
    }

    private static void write(HttpClientRequest req, Iterator<Buffer> pieces) {
        while (pieces.hasNext()) {
            if (req.writeQueueFull()) {
                req.drainHandler(v -> write(req, pieces));
                return;
            }
            // The server may answer and close early: a piece that cannot be written is no failure here.
            req.write(pieces.next());
        }
        req.end();
    }

    static Iterator<Buffer> lines(String header, int count, int perPiece, IntFunction<String> line) {
        return new Iterator<>() {
            int next = -1;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public Buffer next() {
                StringBuilder piece = new StringBuilder();
                if (next < 0) {
                    piece.append(header);
                    next = 0;
                }
                for (int end = Math.min(count, next + perPiece); next < end; next++) {
                    piece.append(line.apply(next));
                }
                return Buffer.buffer(piece.toString());
            }
        };
    }

    static Iterator<Buffer> bytes(byte[] body, int pieceSize) {
        return IntStream.iterate(0, i -> i < body.length, i -> i + pieceSize)
                .mapToObj(i -> Buffer.buffer(Arrays.copyOfRange(body, i, Math.min(body.length, i + pieceSize))))
                .iterator();
    }

    private static long count(String sql, Object... args) {
        return Rig.await(rig.running.wiring().pg().preparedQuery(sql).execute(Tuple.from(args)))
                .iterator()
                .next()
                .getLong(0);
    }

    private static int status(String category, String login) {
        return rig.admin(HttpMethod.GET, "/admin/v1/accounts/" + category + "/" + login, null, Rig.ADMIN_TOKEN)
                .statusCode();
    }

    private static JsonObject account(String category, String login) {
        return rig.admin(HttpMethod.GET, "/admin/v1/accounts/" + category + "/" + login, null, Rig.ADMIN_TOKEN)
                .bodyAsJsonObject();
    }

    private static String row(String operator, int i) {
        return String.format("mobile,+375%s%07d,SIP-соединение,bulk%d@org.by,subscriber\n", operator, i, i);
    }

    @Test
    void aHundredThousandRowsInOneRequestAreAllSavedWithinTheShippedLimitsChunkedOrWithTheirLengthDeclared() {
        int rows = 100_000;
        long length = 0;
        for (Iterator<Buffer> it = lines(HEADER, rows, 1000, i -> row("44", i)); it.hasNext(); ) {
            length += it.next().length();
        }
        assertThat(length)
                .as("the file's bytes")
                .isGreaterThan(6_000_000L)
                .isLessThanOrEqualTo(rig.config.admin().importLimit());
        // What the import holds meanwhile, and how long it takes, is the benchmark's (load/, ImportMemory).
        Answer first = post(lines(HEADER, rows, 1000, i -> row("44", i)), -1);
        assertThat(first.status()).as(String.valueOf(first.body())).isEqualTo(200);
        assertThat(first.body().getInteger("created")).isEqualTo(rows);
        assertThat(first.body().getInteger("rejected_total")).isZero();
        assertThat(count("SELECT count(*) FROM accounts WHERE login LIKE $1", "+37544%"))
                .isEqualTo(rows);
        assertThat(account("mobile", "+375440099999").getString("email")).isEqualTo("bulk99999@org.by");

        // The same file again, sent as curl sends one: its length declared, after 100 Continue. Every row is an update.
        Answer second = post(lines(HEADER, rows, 1000, i -> row("44", i)), length);
        assertThat(second.status()).as(String.valueOf(second.body())).isEqualTo(200);
        assertThat(second.body().getInteger("updated")).isEqualTo(rows);
        assertThat(second.body().getInteger("created")).isZero();
    }

    @Test
    void recordsAndCharactersCutBetweenChunksImportAsIfSentWhole() {
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        csv.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        csv.writeBytes(("category,login,tariff,email,role\r\n"
                        + "mobile,+375251000001,\"SIP-соединение, офис\",cut1@org.by,subscriber\r\n"
                        + "mobile,+375251000002,\"SIP-соединение\r\nофис\",cut2@org.by,subscriber\r\n"
                        + "mobile,+375251000004,SIP-")
                .getBytes(StandardCharsets.UTF_8));
        csv.writeBytes(new byte[] {(byte) 0xD1, (byte) 0x28});
        csv.writeBytes((",cut4@org.by,subscriber\r\n"
                        + "mobile,+375251000005,SIP-соединение,cut5@org.by,\"администратор-не-роль\"\n"
                        + "internet,00251000006,\"«Домашний» \"\"SIP\"\"\",cut6@org.by,supervisor\n")
                .getBytes(StandardCharsets.UTF_8));
        byte[] body = csv.toByteArray();
        for (int size : new int[] {1, 2, 3, 7}) {
            Answer r = post(bytes(body, size), -1);
            assertThat(r.status()).as("pieces of " + size).isEqualTo(200);
            JsonArray rejected = r.body().getJsonArray("rejected");
            assertThat(rejected.stream().map(o -> ((JsonObject) o).getLong("line")))
                    .as("pieces of " + size + ": " + rejected.encode())
                    .containsExactly(3L, 5L, 6L);
            assertThat(rejected.getJsonObject(0).getString("reason"))
                    .startsWith("tariff: ")
                    .contains("U+000D");
            assertThat(rejected.getJsonObject(1).getString("reason"))
                    .startsWith("tariff: ")
                    .contains("UTF-8");
            assertThat(rejected.getJsonObject(2).getString("reason")).startsWith("role: ");
            assertThat(r.body().getInteger("created") + r.body().getInteger("updated"))
                    .isEqualTo(2);
            assertThat(account("mobile", "+375251000001").getString("tariff")).isEqualTo("SIP-соединение, офис");
            assertThat(account("internet", "00251000006").getString("tariff")).isEqualTo("«Домашний» \"SIP\"");
            assertThat(account("internet", "00251000006").getString("role")).isEqualTo("supervisor");
        }
    }

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

    @Test
    void theRefusedRowsAreListedUpToTheLimitInLineOrderAndAllCounted() {
        int bad = 2500;
        // Every third row is good; the others name a role there is none of.
        Answer r = post(
                lines(
                        HEADER,
                        bad + bad / 2,
                        100,
                        i -> i % 3 == 2
                                ? row("25", 200_000 + i)
                                : String.format(
                                        "mobile,+375%s%07d,SIP-соединение,r%d@org.by,root\n", "25", 200_000 + i, i)),
                -1);
        assertThat(r.status()).isEqualTo(200);
        JsonArray rejected = r.body().getJsonArray("rejected");
        assertThat(r.body().getInteger("rejected_total")).isEqualTo(bad);
        assertThat(rejected).hasSize(CsvImport.REPORTED);
        assertThat(rejected.stream().map(o -> ((JsonObject) o).getLong("line")).toList())
                .isEqualTo(LongStream.rangeClosed(2, bad + bad / 2 + 1)
                        .filter(line -> (line - 2) % 3 != 2)
                        .limit(CsvImport.REPORTED)
                        .boxed()
                        .toList());
        assertThat(rejected.getJsonObject(0).getString("reason")).startsWith("role: ");
        assertThat(r.body().getInteger("created")).isEqualTo(bad / 2);
    }

    @Test
    void aFileNotCsvAfterSomeBatchesStopsAtItsLineWithEveryRowBeforeItSaved() {
        // 450 rows: two full batches and a part of one, then a quote that never closes.
        Answer r = post(
                lines(
                        HEADER,
                        453,
                        50,
                        i -> i < 450
                                ? row("29", 5_000_000 + i)
                                : i == 450
                                        ? "mobile,+375295000450,\"SIP-соединение,open@org.by,subscriber\n"
                                        : row("29", 5_000_000 + i)),
                -1);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().getJsonObject("errors").getString("csv")).contains("line 452");
        assertThat(r.body().getInteger("created")).isEqualTo(450);
        assertThat(r.body().getLong("last_saved_line")).isEqualTo(451);
        assertThat(count("SELECT count(*) FROM accounts WHERE login LIKE $1", "+3752950%"))
                .isEqualTo(450);
    }
}
