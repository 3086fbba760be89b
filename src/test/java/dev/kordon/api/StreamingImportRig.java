package dev.kordon.api;

import dev.kordon.support.Rig;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The import read as a stream, with the admin port's shipped limits: one Kordon per test class, a
 * client that sends a body piece by piece as it is asked for, and the rows to send.
 */
abstract class StreamingImportRig {
    static final String HEADER = "category,login,tariff,email,role\n";
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

    static long count(String sql, Object... args) {
        return Rig.await(rig.running.wiring().pg().preparedQuery(sql).execute(Tuple.from(args)))
                .iterator()
                .next()
                .getLong(0);
    }

    static int status(String category, String login) {
        return rig.admin(HttpMethod.GET, "/admin/v1/accounts/" + category + "/" + login, null, Rig.ADMIN_TOKEN)
                .statusCode();
    }

    static JsonObject account(String category, String login) {
        return rig.admin(HttpMethod.GET, "/admin/v1/accounts/" + category + "/" + login, null, Rig.ADMIN_TOKEN)
                .bodyAsJsonObject();
    }

    static String row(String operator, int i) {
        return String.format("mobile,+375%s%07d,SIP-соединение,bulk%d@org.by,subscriber\n", operator, i, i);
    }
}
