package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Accounts from the contract applications, as CSV: good rows saved, bad rows named with their reason. */
class ImportTest {
    private static final String HEADER = "category,login,tariff,email,role\n";
    static Rig rig;

    @BeforeAll
    static void up() {
        rig = Rig.start();
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    private static HttpResponse<Buffer> importCsv(byte[] csv) {
        return Rig.await(rig.http
                .request(HttpMethod.POST, rig.running.adminPort(), "127.0.0.1", "/admin/v1/accounts/import")
                .putHeader("Authorization", "Bearer " + Rig.ADMIN_TOKEN)
                .putHeader("Content-Type", "text/csv; charset=utf-8")
                .putHeader("Accept-Language", "en")
                .timeout(45_000)
                .sendBuffer(Buffer.buffer(csv)));
    }

    private static HttpResponse<Buffer> importCsv(String csv) {
        return importCsv(csv.getBytes(StandardCharsets.UTF_8));
    }

    private static int status(String category, String login) {
        return rig.admin(HttpMethod.GET, "/admin/v1/accounts/" + category + "/" + login, null, Rig.ADMIN_TOKEN)
                .statusCode();
    }

    private static JsonObject account(String category, String login) {
        return rig.admin(HttpMethod.GET, "/admin/v1/accounts/" + category + "/" + login, null, Rig.ADMIN_TOKEN)
                .bodyAsJsonObject();
    }

    private static long count(String sql, Object... args) {
        return Rig.await(rig.running.wiring().pg().preparedQuery(sql).execute(Tuple.from(args)))
                .iterator()
                .next()
                .getLong(0);
    }

    private static List<Long> lines(JsonArray rejected) {
        return rejected.stream().map(o -> ((JsonObject) o).getLong("line")).toList();
    }

    private static String reason(JsonArray rejected, int i) {
        return rejected.getJsonObject(i).getString("reason");
    }

    @Test
    void importsGoodRowsAndReportsBadOnes() {
        rig.account("mobile", "+375291900002", "Старый тариф", "active", null, "old@org.by");
        String csv = "category,login,tariff,email,role\n"
                + "mobile,+375 29 190-00-01,SIP-соединение,one@org.by,subscriber\n"
                + "mobile,80291900002,SIP-соединение,two@org.by,administrator\n"
                + "mobile,+375 17 190-00-03,SIP-соединение,three@org.by,subscriber\n"
                + "internet,00123456,\"SIP-соединение, офис\",four@org.by,\n"
                + "satellite,123,SIP-соединение,not-an-email,root\n";
        var r = Rig.await(rig.http
                .request(HttpMethod.POST, rig.running.adminPort(), "127.0.0.1", "/admin/v1/accounts/import")
                .putHeader("Authorization", "Bearer " + Rig.ADMIN_TOKEN)
                .putHeader("Content-Type", "text/csv; charset=utf-8")
                .sendBuffer(Buffer.buffer(csv)));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = r.bodyAsJsonObject();
        assertThat(body.getInteger("created")).isEqualTo(2);
        assertThat(body.getInteger("updated")).isEqualTo(1);
        assertThat(body.getJsonArray("rejected")).hasSize(2);
        assertThat(body.getJsonArray("rejected").getJsonObject(0).getLong("line"))
                .isEqualTo(4);
        assertThat(body.getJsonArray("rejected").getJsonObject(0).getString("reason"))
                .contains("Введите 9 цифр номера в формате 29xxxxxxx");
        assertThat(body.getJsonArray("rejected").getJsonObject(1).getLong("line"))
                .isEqualTo(6);

        var two = rig.admin(HttpMethod.GET, "/admin/v1/accounts/mobile/+375291900002", null, Rig.ADMIN_TOKEN)
                .bodyAsJsonObject();
        assertThat(two.getString("tariff")).isEqualTo("SIP-соединение");
        assertThat(two.getString("role")).isEqualTo("administrator");
        var four = rig.admin(HttpMethod.GET, "/admin/v1/accounts/internet/00123456", null, Rig.ADMIN_TOKEN)
                .bodyAsJsonObject();
        assertThat(four.getString("tariff")).isEqualTo("SIP-соединение, офис");
        assertThat(four.getString("role")).isEqualTo("subscriber");

        var noHeader = Rig.await(rig.http
                .request(HttpMethod.POST, rig.running.adminPort(), "127.0.0.1", "/admin/v1/accounts/import")
                .putHeader("Authorization", "Bearer " + Rig.ADMIN_TOKEN)
                .putHeader("Content-Type", "text/csv")
                .sendBuffer(Buffer.buffer("mobile,+375291900001,SIP-соединение,a@b.by,subscriber\n")));
        assertThat(noHeader.statusCode()).isEqualTo(400);
        var json = Rig.await(rig.http
                .request(HttpMethod.POST, rig.running.adminPort(), "127.0.0.1", "/admin/v1/accounts/import")
                .putHeader("Authorization", "Bearer " + Rig.ADMIN_TOKEN)
                .sendJsonObject(new JsonObject()));
        assertThat(json.statusCode()).isEqualTo(415);
        var anonymous = Rig.await(rig.http
                .request(HttpMethod.POST, rig.running.adminPort(), "127.0.0.1", "/admin/v1/accounts/import")
                .putHeader("Content-Type", "text/csv")
                .sendBuffer(Buffer.buffer(csv)));
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void aNulByteRefusesOnlyItsRowWithLineAndReason() {
        String csv = HEADER
                + "mobile,+375291910001,SIP-соединение,nul1@org.by,subscriber\n"
                + "mobile,+375291910002,SIP-\u0000соединение,nul2@org.by,subscriber\n"
                + "mobile,+375291910003,SIP-соединение,nul3@org.by\u0000,subscriber\n"
                + "mobile,+375291910004,SIP-соединение,nul4@org.by,subscriber,\u0000\n"
                + "mobile,+375291910005,SIP-соединение,nul5@org.by,subscriber\n";
        var r = importCsv(csv);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = r.bodyAsJsonObject();
        JsonArray rejected = body.getJsonArray("rejected");
        assertThat(lines(rejected)).containsExactly(3L, 4L, 5L);
        assertThat(reason(rejected, 0)).startsWith("tariff: ").contains("U+0000");
        assertThat(reason(rejected, 1)).startsWith("email: ").contains("U+0000");
        assertThat(reason(rejected, 2)).contains("U+0000");
        assertThat(body.getInteger("created")).isEqualTo(2);
        assertThat(status("mobile", "+375291910001")).isEqualTo(200);
        assertThat(status("mobile", "+375291910005")).isEqualTo(200);
        for (String refused : List.of("+375291910002", "+375291910003", "+375291910004")) {
            assertThat(status("mobile", refused)).as(refused).isEqualTo(404);
        }
    }

    @Test
    void aBadRowBeforeThreeThousandGoodOnesIsAnsweredWithEveryGoodRowSaved() {
        StringBuilder csv =
                new StringBuilder(HEADER).append("mobile,+375291920000,SIP-\u0000соединение,bulk@org.by,subscriber\n");
        for (int i = 1; i <= 3000; i++) {
            csv.append("mobile,+37529193")
                    .append(String.format("%04d", i))
                    .append(",SIP-соединение,bulk")
                    .append(i)
                    .append("@org.by,subscriber\n");
        }
        var r = importCsv(csv.toString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = r.bodyAsJsonObject();
        assertThat(lines(body.getJsonArray("rejected"))).containsExactly(2L);
        assertThat(body.getInteger("created")).isEqualTo(3000);
        assertThat(count("SELECT count(*) FROM accounts WHERE login LIKE $1", "+37529193%"))
                .isEqualTo(3000);
        assertThat(account("mobile", "+375291933000").getString("email")).isEqualTo("bulk3000@org.by");
    }

    @Test
    void aUtf8ByteOrderMarkIsStrippedAndTheFirstRowImports() {
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        csv.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        csv.writeBytes((HEADER + "mobile,+375291950001,SIP-соединение,bom@org.by,subscriber\n")
                .getBytes(StandardCharsets.UTF_8));
        var r = importCsv(csv.toByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getInteger("created")).isEqualTo(1);
        assertThat(r.bodyAsJsonObject().getJsonArray("rejected")).isEmpty();
        assertThat(account("mobile", "+375291950001").getString("email")).isEqualTo("bom@org.by");
    }

    @Test
    void malformedUtf8RefusesItsRowNamingTheLineAndNothingIsStoredWithAReplacementCharacter() {
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        csv.writeBytes((HEADER + "mobile,+375291960001,SIP-соединение,utf1@org.by,subscriber\n")
                .getBytes(StandardCharsets.UTF_8));
        // An invalid continuation byte inside the tariff, then a sequence cut short at the end of the e-mail.
        csv.writeBytes("mobile,+375291960002,SIP-".getBytes(StandardCharsets.UTF_8));
        csv.writeBytes(new byte[] {(byte) 0xD1, (byte) 0x28});
        csv.writeBytes(",utf2@org.by,subscriber\n".getBytes(StandardCharsets.UTF_8));
        csv.writeBytes("mobile,+375291960003,SIP-соединение,utf3@org.by".getBytes(StandardCharsets.UTF_8));
        csv.writeBytes(new byte[] {(byte) 0xD0});
        csv.writeBytes(",subscriber\n".getBytes(StandardCharsets.UTF_8));
        // Windows-1251 «офис»: not UTF-8 at all.
        csv.writeBytes("mobile,+375291960004,".getBytes(StandardCharsets.UTF_8));
        csv.writeBytes(new byte[] {(byte) 0xEE, (byte) 0xF4, (byte) 0xE8, (byte) 0xF1});
        csv.writeBytes(",utf4@org.by,subscriber\n".getBytes(StandardCharsets.UTF_8));
        csv.writeBytes("mobile,+375291960005,SIP-соединение,utf5@org.by,subscriber\n".getBytes(StandardCharsets.UTF_8));
        var r = importCsv(csv.toByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = r.bodyAsJsonObject();
        JsonArray rejected = body.getJsonArray("rejected");
        assertThat(lines(rejected)).containsExactly(3L, 4L, 5L);
        assertThat(reason(rejected, 0)).startsWith("tariff: ").contains("UTF-8");
        assertThat(reason(rejected, 1)).startsWith("email: ").contains("UTF-8");
        assertThat(reason(rejected, 2)).startsWith("tariff: ").contains("UTF-8");
        assertThat(body.getInteger("created")).isEqualTo(2);
        assertThat(status("mobile", "+375291960001")).isEqualTo(200);
        assertThat(status("mobile", "+375291960005")).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM accounts WHERE strpos(tariff || email || login, $1) > 0", "\uFFFD"))
                .isZero();
    }

    @Test
    void addressesTheMailClientCannotUseAreRefusedNamingTheEmailField() {
        List<String> bad = AdminApiTest.UNUSABLE_EMAILS;
        List<String> good = AdminApiTest.USABLE_EMAILS;
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < bad.size(); i++) {
            csv.append("mobile,+37529197")
                    .append(String.format("%04d", i))
                    .append(",SIP-соединение,")
                    .append(quoted(bad.get(i)))
                    .append(",subscriber\n");
        }
        for (int i = 0; i < good.size(); i++) {
            csv.append("mobile,+37529198")
                    .append(String.format("%04d", i))
                    .append(",SIP-соединение,")
                    .append(quoted(good.get(i)))
                    .append(",subscriber\n");
        }
        var r = importCsv(csv.toString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = r.bodyAsJsonObject();
        JsonArray rejected = body.getJsonArray("rejected");
        assertThat(lines(rejected))
                .as(rejected.encode())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(2, bad.size() + 1)
                        .boxed()
                        .toList());
        for (int i = 0; i < bad.size(); i++) {
            assertThat(reason(rejected, i)).as(bad.get(i)).startsWith("email: ");
        }
        assertThat(body.getInteger("created")).isEqualTo(good.size());
        for (int i = 0; i < good.size(); i++) {
            assertThat(account("mobile", "+37529198" + String.format("%04d", i)).getString("email"))
                    .isEqualTo(good.get(i));
        }
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    @Test
    void everyBadRowIsNamedByItsPhysicalLineCountingTheHeader() {
        String csv = "category,login,tariff,email,role\r\n"
                + "mobile,+375291990001,SIP-соединение,line2@org.by,subscriber\r\n"
                + "\r\n"
                + "mobile,+375291990004,\"SIP-соединение\r\nофис\",line4@org.by,subscriber\r\n"
                + "mobile,+375291990006,SIP-соединение,not-an-address,subscriber\r\n"
                + "\n"
                + "mobile,+375291990008,SIP-соединение,line8@org.by,subscriber\r\n"
                + "mobile,+375291990009,SIP-соединение,line9@org.by,root";
        var r = importCsv(csv);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = r.bodyAsJsonObject();
        JsonArray rejected = body.getJsonArray("rejected");
        assertThat(lines(rejected)).containsExactly(4L, 6L, 9L);
        assertThat(reason(rejected, 0)).startsWith("tariff: ").contains("U+000D");
        assertThat(reason(rejected, 1)).startsWith("email: ");
        assertThat(reason(rejected, 2)).startsWith("role: ");
        assertThat(body.getInteger("created")).isEqualTo(2);
        assertThat(status("mobile", "+375291990001")).isEqualTo(200);
        assertThat(status("mobile", "+375291990008")).isEqualTo(200);
    }

    /**
     * The file is read as it arrives, so a line that is not CSV is found only after the rows before
     * it: they are saved, it and everything after it are not, and the answer says so.
     */
    @Test
    void aFileThatCannotBeParsedStopsAtTheLineItNamesWithTheRowsBeforeItSavedAndNoneAfter() {
        String csv = HEADER
                + "mobile,+375291990101,SIP-соединение,parse2@org.by,subscriber\n"
                + "\n"
                + "mobile,+375291990104,\"SIP-соединение,parse4@org.by,subscriber\n"
                + "mobile,+375291990105,SIP-соединение,parse5@org.by,subscriber\n";
        var r = importCsv(csv);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject body = r.bodyAsJsonObject();
        assertThat(body.getJsonObject("errors").getString("csv")).contains("line 4");
        assertThat(body.getInteger("created")).isEqualTo(1);
        assertThat(body.getInteger("updated")).isZero();
        assertThat(body.getLong("last_saved_line")).isEqualTo(2);
        assertThat(status("mobile", "+375291990101")).isEqualTo(200);
        assertThat(status("mobile", "+375291990104")).isEqualTo(404);
        assertThat(status("mobile", "+375291990105")).isEqualTo(404);
    }

    @Test
    void aBadHeaderIsRefusedBeforeAnyRowIsRead() {
        var r = importCsv("category,login,tariff,email\nmobile,+375291990201,SIP-соединение,head@org.by\n");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getJsonObject("errors").getString("header"))
                .contains("category,login");
        assertThat(r.bodyAsJsonObject().getInteger("created")).isZero();
        assertThat(status("mobile", "+375291990201")).isEqualTo(404);
        assertThat(importCsv("").statusCode()).isEqualTo(400);
    }
}
