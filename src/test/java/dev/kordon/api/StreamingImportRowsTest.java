package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.admin.CsvImport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The import read as a stream, row by row: a file of 100,000 rows in one request, bodies cut anywhere,
 * long lists of refused rows, a file that stops being CSV after some batches.
 */
class StreamingImportRowsTest extends StreamingImportRig {
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
