package dev.kordon.admin;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * CSV read as it arrives, buffer after buffer, as commons-csv's default format reads a whole file:
 * comma-separated, fields in double quotes may hold commas, quotes (doubled) and line breaks, a
 * record ends at LF, CRLF or a lone CR, empty lines are skipped. Bytes are decoded as strict UTF-8:
 * a character cut between two buffers is joined again, each malformed sequence becomes one U+FFFD
 * and marks its record; a leading byte order mark is dropped. Each record is handed on with the
 * physical line it starts on (the first line is 1). Only the record being read is held, and never
 * more than {@link #MAX_RECORD} characters of it.
 */
final class CsvReader {
    /** Characters one record may take: an account row takes some hundreds; more is an unclosed quote. */
    static final int MAX_RECORD = 64 * 1024;

    /** A record: its fields, the physical line it starts on, whether it held bytes that are not UTF-8. */
    record Record(long line, List<String> fields, boolean undecodable) {}

    /** The text cannot be read as CSV from {@code line} on. */
    static final class SyntaxError extends RuntimeException {
        final long line;

        SyntaxError(long line) {
            super("CSV syntax at line " + line, null, false, false);
            this.line = line;
        }
    }

    private enum State {
        RECORD_START,
        FIELD_START,
        UNQUOTED,
        QUOTED,
        QUOTE_IN_QUOTED,
        AFTER_QUOTED
    }

    private final Consumer<Record> out;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final CharBuffer chars = CharBuffer.allocate(8192);
    /** The bytes of a character the last buffer ended inside of (at most three). */
    private ByteBuffer carry = ByteBuffer.allocate(0);

    private boolean first = true;

    private State state = State.RECORD_START;
    private long line = 1;
    private boolean afterCr;
    private long recordLine;
    private int recordLength;
    private boolean recordUndecodable;
    private final List<String> fields = new ArrayList<>();
    private final StringBuilder field = new StringBuilder();

    CsvReader(Consumer<Record> out) {
        this.out = out;
    }

    /** Reads {@code bytes}; complete records go to the consumer before this returns. */
    void feed(Buffer bytes) {
        ByteBuffer in;
        if (carry.hasRemaining()) {
            in = ByteBuffer.allocate(carry.remaining() + bytes.length());
            in.put(carry).put(bytes.getBytes()).flip();
        } else {
            in = ByteBuffer.wrap(bytes.getBytes());
        }
        decode(in, false);
        carry = in.hasRemaining() ? ByteBuffer.allocate(in.remaining()).put(in).flip() : ByteBuffer.allocate(0);
    }

    /** The end of the text: a cut-off character is malformed, the last record ends; an open quote is a syntax error. */
    void finish() {
        ByteBuffer in = carry;
        carry = ByteBuffer.allocate(0);
        decode(in, true);
        chars.clear();
        decoder.flush(chars);
        drain(false);
        switch (state) {
            case QUOTED -> throw new SyntaxError(recordLine);
            case RECORD_START -> {}
            default -> endRecord();
        }
    }

    private void decode(ByteBuffer in, boolean end) {
        while (true) {
            chars.clear();
            CoderResult result = decoder.decode(in, chars, end);
            drain(false);
            if (result.isUnderflow()) {
                return;
            }
            if (result.isError()) {
                in.position(in.position() + result.length());
                take('\uFFFD', true);
            }
        }
    }

    private void drain(boolean undecodable) {
        chars.flip();
        while (chars.hasRemaining()) {
            take(chars.get(), undecodable);
        }
    }

    private void take(char c, boolean undecodable) {
        if (first) {
            first = false;
            if (c == '\uFEFF' && !undecodable) {
                return;
            }
        }
        boolean cr = c == '\r';
        boolean lf = c == '\n';
        if (lf && afterCr) {
            // The LF of a CRLF: the line was counted at its CR.
            afterCr = false;
            if (state == State.QUOTED) {
                append(c, undecodable);
            }
            return;
        }
        afterCr = cr;
        switch (state) {
            case RECORD_START -> {
                if (cr || lf) {
                    line++;
                    return;
                }
                recordLine = line;
                recordLength = 0;
                recordUndecodable = false;
                state = State.FIELD_START;
                take(c, undecodable, false);
            }
            default -> take(c, undecodable, cr || lf);
        }
    }

    private void take(char c, boolean undecodable, boolean lineBreak) {
        switch (state) {
            case FIELD_START -> {
                if (c == '"') {
                    state = State.QUOTED;
                    count(undecodable);
                } else if (c == ',') {
                    endField();
                } else if (lineBreak) {
                    line++;
                    endRecord();
                } else {
                    state = State.UNQUOTED;
                    append(c, undecodable);
                }
            }
            case UNQUOTED -> {
                if (c == ',') {
                    endField();
                    state = State.FIELD_START;
                } else if (lineBreak) {
                    line++;
                    endRecord();
                } else {
                    append(c, undecodable);
                }
            }
            case QUOTED -> {
                if (c == '"') {
                    state = State.QUOTE_IN_QUOTED;
                    count(undecodable);
                } else {
                    if (lineBreak) {
                        line++;
                    }
                    append(c, undecodable);
                }
            }
            case QUOTE_IN_QUOTED -> {
                if (c == '"') {
                    state = State.QUOTED;
                    append(c, undecodable);
                } else {
                    state = State.AFTER_QUOTED;
                    take(c, undecodable, lineBreak);
                }
            }
            case AFTER_QUOTED -> {
                if (c == ',') {
                    endField();
                    state = State.FIELD_START;
                } else if (lineBreak) {
                    line++;
                    endRecord();
                } else if (Character.isWhitespace(c)) {
                    // As commons-csv: white space between a closing quote and the delimiter is dropped.
                    count(undecodable);
                } else {
                    // Text after a closing quote, as in "a"b: commons-csv refuses it too.
                    throw new SyntaxError(recordLine);
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void count(boolean undecodable) {
        recordUndecodable |= undecodable;
        if (++recordLength > MAX_RECORD) {
            throw new SyntaxError(recordLine);
        }
    }

    private void append(char c, boolean undecodable) {
        count(undecodable);
        field.append(c);
    }

    private void endField() {
        fields.add(field.toString());
        field.setLength(0);
    }

    private void endRecord() {
        endField();
        Record record = new Record(recordLine, List.copyOf(fields), recordUndecodable);
        fields.clear();
        state = State.RECORD_START;
        out.accept(record);
    }
}
