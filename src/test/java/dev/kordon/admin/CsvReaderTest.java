package dev.kordon.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** The incremental reader gives the same records however the bytes are cut into buffers. */
class CsvReaderTest {
    /** A BOM, CRLF and lone CR, an empty line, quoted commas, quotes and line breaks, Cyrillic, a 4-byte character, bad bytes. */
    static byte[] sample() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        b.writeBytes(("category,login,tariff,email,role\r\n"
                        + "mobile,+375291000001,\"SIP-соединение, офис\",a@org.by,subscriber\r\n"
                        + "\r\n"
                        + "mobile,+375291000002,\"двух\r\nстрочный \"\"тариф\"\"\",b@org.by,\n"
                        + "mobile,+375291000003,эмодзи \uD83D\uDE00,c@org.by,subscriber\r"
                        + "mobile,+375291000004,")
                .getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {(byte) 0xD1, (byte) 0x28});
        b.writeBytes(",d@org.by,subscriber\nlast,\"quoted\"  ,".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {(byte) 0xE2, (byte) 0x82});
        return b.toByteArray();
    }

    static List<CsvReader.Record> read(byte[] bytes, int... cuts) {
        List<CsvReader.Record> out = new ArrayList<>();
        CsvReader reader = new CsvReader(out::add);
        int from = 0;
        for (int cut : cuts) {
            reader.feed(Buffer.buffer(Arrays.copyOfRange(bytes, from, cut)));
            from = cut;
        }
        reader.feed(Buffer.buffer(Arrays.copyOfRange(bytes, from, bytes.length)));
        reader.finish();
        return out;
    }

    @Test
    void readsTheSampleAsCommonsCsvWouldWithPhysicalLines() {
        List<CsvReader.Record> records = read(sample());
        assertThat(records).extracting(CsvReader.Record::line).containsExactly(1L, 2L, 4L, 6L, 7L, 8L);
        assertThat(records.get(0).fields()).containsExactly("category", "login", "tariff", "email", "role");
        assertThat(records.get(1).fields().get(2)).isEqualTo("SIP-соединение, офис");
        assertThat(records.get(2).fields())
                .containsExactly("mobile", "+375291000002", "двух\r\nстрочный \"тариф\"", "b@org.by", "");
        assertThat(records.get(3).fields().get(2)).isEqualTo("эмодзи \uD83D\uDE00");
        assertThat(records.get(3).undecodable()).isFalse();
        assertThat(records.get(4).fields().get(2)).isEqualTo("\uFFFD(");
        assertThat(records.get(4).undecodable()).isTrue();
        assertThat(records.get(5).fields()).containsExactly("last", "quoted", "\uFFFD");
        assertThat(records.get(5).undecodable()).isTrue();
    }

    /** What commons-csv's default format (empty lines skipped), the import's parser before, reads from the whole text. */
    static List<List<String>> commonsCsv(byte[] bytes) throws Exception {
        String text = new String(bytes, StandardCharsets.UTF_8);
        text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        try (CSVParser parser =
                CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).get().parse(new java.io.StringReader(text))) {
            return parser.getRecords().stream().map(CSVRecord::toList).toList();
        }
    }

    @Test
    void readsTheFieldsCommonsCsvReadsFromTheWholeText() throws Exception {
        List<byte[]> inputs = List.of(
                sample(),
                "a,b\n\n,\n\"\"\n x , \"y\" \t\u000B,z\r\r\n\"q\"\"\"\n".getBytes(StandardCharsets.UTF_8),
                "h\r\n\"a\nb\",\"c\r\nd\"\r\n\"\",,\"\"\"\"\nlast,".getBytes(StandardCharsets.UTF_8),
                "only header".getBytes(StandardCharsets.UTF_8),
                "\n\r\n\r".getBytes(StandardCharsets.UTF_8));
        for (byte[] input : inputs) {
            assertThat(read(input).stream().map(CsvReader.Record::fields).toList())
                    .as(new String(input, StandardCharsets.UTF_8))
                    .isEqualTo(commonsCsv(input));
        }
    }

    @Test
    void everyCutIntoTwoAndIntoSingleBytesGivesTheSameRecords() {
        byte[] bytes = sample();
        List<CsvReader.Record> whole = read(bytes);
        for (int cut = 0; cut <= bytes.length; cut++) {
            assertThat(read(bytes, cut)).as("cut at " + cut).isEqualTo(whole);
        }
        int[] single = new int[bytes.length - 1];
        Arrays.setAll(single, i -> i + 1);
        assertThat(read(bytes, single)).isEqualTo(whole);
    }

    @Test
    void anUnclosedQuoteOrTextAfterAClosingQuoteIsASyntaxErrorAtItsRecordsLine() {
        byte[] open = "h\n\nok\n\"never closed\nmore\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> read(open))
                .isInstanceOfSatisfying(
                        CsvReader.SyntaxError.class, e -> assertThat(e.line).isEqualTo(4));
        byte[] trailing = "h\n\"a\"b,c\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> read(trailing))
                .isInstanceOfSatisfying(
                        CsvReader.SyntaxError.class, e -> assertThat(e.line).isEqualTo(2));
    }

    @Test
    void anOpenQuoteIsRefusedOnceItsRecordOutgrowsAnyRowInsteadOfHoldingTheRestOfTheFile() {
        List<CsvReader.Record> out = new ArrayList<>();
        CsvReader reader = new CsvReader(out::add);
        reader.feed(Buffer.buffer("h\nrow,\"open\n"));
        byte[] line = "x,y,z\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> {
                    for (int i = 0; i < 100; i++) {
                        reader.feed(Buffer.buffer(line));
                    }
                })
                .isInstanceOfSatisfying(
                        CsvReader.SyntaxError.class, e -> assertThat(e.line).isEqualTo(2));
        assertThat(out).hasSize(1);
    }
}
