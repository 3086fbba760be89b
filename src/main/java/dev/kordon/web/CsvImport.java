package dev.kordon.web;

import dev.kordon.account.AccountFields;
import dev.kordon.account.AccountRepository.Draft;
import dev.kordon.account.AccountRepository.Upserted;
import dev.kordon.account.LoginParser;
import dev.kordon.flow.AdminFlow;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * One {@code POST /admin/v1/accounts/import}: a UTF-8 CSV (an initial byte order mark is dropped)
 * whose header names the columns {@code category,login,tariff,email,role} and optionally
 * {@code status}. Valid rows are created or updated in file order, in batches; each
 * other row is reported with its physical line (the header is line 1) and the reason. A file
 * that cannot be parsed as CSV is refused whole, naming the line, before anything is written.
 */
public final class CsvImport implements AdminFlow.Import {
  static final int MAX_ROWS = 50_000;
  /** Rows written in one transaction: a full file well within the idle timeout, row locks held briefly. */
  private static final int BATCH = 200;
  /** Rows judged in one turn of the event loop; a long run of refused rows then gives it back. */
  private static final int ROWS_PER_TURN = 500;
  private static final List<String> REQUIRED = List.of("category", "login", "tariff", "email", "role");
  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).get();

  private final AdminFlow admin;
  private final LoginParser logins;
  private final Vertx vertx;
  private final Locale locale;
  private final Parsed file;
  private final Promise<JsonObject> done = Promise.promise();
  private final List<JsonObject> rejected = new ArrayList<>();
  /** Rows of a batch the database refused, written again one at a time to find the row at fault. */
  private final Deque<Row> singles = new ArrayDeque<>();
  private int created;
  private int updated;
  private int next;

  private CsvImport(AdminFlow admin, Vertx vertx, Locale locale, Parsed file) {
    this.admin = admin;
    this.logins = admin.logins();
    this.vertx = vertx;
    this.locale = locale;
    this.file = file;
  }

  /**
   * The import of {@code body}, parsed on a worker thread (megabytes of CSV would hold up every
   * other connection of the event loop); failed with a 400 {@link FlowException} when the file as
   * a whole is unusable.
   */
  static Future<CsvImport> of(AdminFlow admin, Vertx vertx, Locale locale, Buffer body) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    return vertx.executeBlocking(() -> Parsed.of(bytes), false)
        .map(file -> new CsvImport(admin, vertx, locale, file));
  }

  /**
   * The whole import as the admin port runs it, for the command line: parsed, written, audited; the
   * answer {@code {created, updated, rejected}}.
   */
  public static Future<JsonObject> importFile(AdminFlow admin, Vertx vertx, Locale locale, Buffer body) {
    return of(admin, vertx, locale, body).compose(job -> admin.imported(job, null));
  }

  /** A refusal's fields as one line, in {@code locale}. */
  public static String describe(Locale locale, FlowException refused) {
    StringBuilder out = new StringBuilder();
    (refused.fields() == null ? Map.<String, Text>of() : refused.fields()).forEach((field, text) -> out.append(out.length() == 0 ? "" : "; ").append(field).append(": ")
        .append(Messages.text(locale, text)));
    return out.length() == 0 ? refused.failure().name().toLowerCase(Locale.ROOT) : out.toString();
  }

  /** Runs the rows; the answer {@code {created, updated, rejected}}, or the failure that stopped it. */
  @Override
  public Future<JsonObject> run() {
    drive();
    return done.future();
  }

  /** What was done so far, for the audit trail, also when the import stopped part-way. */
  @Override
  public JsonObject summary() {
    return new JsonObject().put("created", created).put("updated", updated).put("rejected", rejected.size());
  }

  /**
   * Batch after batch, iterating: a write in flight resumes the loop from its callback, one that
   * is already complete continues it in place, so the stack never grows with the file.
   */
  private void drive() {
    while (true) {
      List<Row> batch = new ArrayList<>();
      if (!singles.isEmpty()) {
        batch.add(singles.poll());
      } else {
        for (int judged = 0; judged < ROWS_PER_TURN && batch.size() < BATCH && next < file.records.size(); judged++) {
          Row row = row(next++);
          if (row != null) {
            batch.add(row);
          }
        }
      }
      if (batch.isEmpty()) {
        if (next < file.records.size()) {
          vertx.runOnContext(v -> drive());
        } else {
          rejected.sort(Comparator.comparingLong(j -> j.getLong("line")));
          done.tryComplete(new JsonObject().put("created", created).put("updated", updated)
              .put("rejected", new JsonArray(new ArrayList<>(rejected))));
        }
        return;
      }
      Future<List<Upserted>> saved = write(batch);
      if (!saved.isComplete()) {
        saved.onComplete(ar -> {
          if (settle(batch, ar)) {
            drive();
          }
        });
        return;
      }
      if (!settle(batch, saved)) {
        return;
      }
    }
  }

  private Future<List<Upserted>> write(List<Row> batch) {
    return admin.saveAll(batch.stream().map(Row::draft).toList());
  }

  /** Counts a batch; false when the import cannot go on (Postgres or Redis out of reach). */
  private boolean settle(List<Row> batch, AsyncResult<List<Upserted>> ar) {
    if (ar.succeeded()) {
      for (Upserted up : ar.result()) {
        if (up.created()) {
          created++;
        } else {
          updated++;
        }
      }
      return true;
    }
    // Classes 22 and 23: a row's data, not the database, is at fault, and the batch was rolled back.
    if (ar.cause() instanceof PgException pg && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"))) {
      if (batch.size() > 1) {
        singles.addAll(batch);
      } else {
        reject(batch.get(0).line, Map.of("row", Text.of("field.stored")));
      }
      return true;
    }
    done.tryFail(ar.cause());
    return false;
  }

  private void reject(long line, Map<String, Text> errors) {
    StringBuilder reason = new StringBuilder();
    errors.forEach((field, text) -> reason.append(reason.length() == 0 ? "" : "; ").append(field).append(": ")
        .append(Messages.text(locale, text)));
    rejected.add(new JsonObject().put("line", line).put("reason", reason.toString()));
  }

  /** The record's account, or null when it is refused (and reported). */
  private Row row(int index) {
    CSVRecord r = file.records.get(index);
    long line = file.line(index);
    Map<String, Text> errors = new LinkedHashMap<>();
    boolean undecodable = file.undecodable(index);
    for (int i = 0; i < r.size(); i++) {
      String value = AccountFields.pad(r.get(i));
      Text bad = AccountFields.characters(value);
      if (bad != null) {
        errors.putIfAbsent(file.name(i), undecodable && value.indexOf('\uFFFD') >= 0 ? Text.of("field.utf8") : bad);
      }
    }
    String category = value(r, "category");
    String login = null;
    if (!logins.knownCategory(category)) {
      errors.putIfAbsent("category", Text.of("field.category"));
    } else {
      var parsed = logins.parse(category, value(r, "login"));
      if (parsed.error() != null) {
        errors.putIfAbsent("login", parsed.error());
      }
      login = parsed.login();
    }
    String tariff = value(r, "tariff");
    String email = value(r, "email");
    String role = value(r, "role").isEmpty() ? "subscriber" : value(r, "role");
    String status = value(r, "status").isEmpty() ? "active" : value(r, "status");
    AccountFields.check(tariff, email, role, status).forEach(errors::putIfAbsent);
    if (!errors.isEmpty()) {
      reject(line, errors);
      return null;
    }
    return new Row(line, new Draft(category, login, tariff, email, role, status));
  }

  private String value(CSVRecord r, String column) {
    Integer i = file.columns.get(column);
    return i != null && i < r.size() ? AccountFields.pad(r.get(i)) : "";
  }

  private record Row(long line, Draft draft) {}

  /** The decoded text, where its lines start, which characters stand for undecodable bytes, and the records. */
  private static final class Parsed {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final String text;
    private final int[] lineStarts;
    private final BitSet undecodable;
    private final Map<String, Integer> columns = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<CSVRecord> records = new ArrayList<>();

    private Parsed(String text, BitSet undecodable) {
      this.text = text;
      this.undecodable = undecodable;
      this.lineStarts = lineStarts(text);
    }

    static Parsed of(byte[] bytes) {
      BitSet undecodable = new BitSet();
      Parsed file = new Parsed(decode(bytes, undecodable), undecodable);
      file.read();
      return file;
    }

    /**
     * Strict UTF-8: each malformed sequence becomes one U+FFFD whose offset is noted, so its row is
     * refused while the rows around it, and the CSV structure (all ASCII), stay intact.
     */
    private static String decode(byte[] bytes, BitSet undecodable) {
      CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
      ByteBuffer in = ByteBuffer.wrap(bytes);
      if (bytes.length >= BOM.length && Arrays.equals(bytes, 0, BOM.length, BOM, 0, BOM.length)) {
        in.position(BOM.length);
      }
      // UTF-8 never gives more chars than it had bytes, and each refused sequence is a byte at least.
      CharBuffer out = CharBuffer.allocate(bytes.length);
      CoderResult result;
      while (!(result = decoder.decode(in, out, true)).isUnderflow()) {
        if (result.isOverflow()) {
          throw new IllegalStateException("decoded text longer than its bytes");
        }
        undecodable.set(out.position());
        out.put('\uFFFD');
        in.position(in.position() + result.length());
      }
      decoder.flush(out);
      return out.flip().toString();
    }

    /** Offsets where a physical line starts: after LF, CRLF or a lone CR, as the parser splits. */
    private static int[] lineStarts(String text) {
      int[] starts = new int[16];
      int n = 0;
      starts[n++] = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
          if (n == starts.length) {
            starts = Arrays.copyOf(starts, n * 2);
          }
          starts[n++] = i + 1;
        }
      }
      return Arrays.copyOf(starts, n);
    }

    /** The 1-based line of the first character at or after {@code offset} that is not a line break. */
    private long lineAt(long offset) {
      int at = (int) Math.min(offset, text.length());
      while (at < text.length() && (text.charAt(at) == '\r' || text.charAt(at) == '\n')) {
        at++;
      }
      int found = Arrays.binarySearch(lineStarts, at);
      return found >= 0 ? found + 1 : -found - 1;
    }

    long line(int index) {
      return lineAt(records.get(index).getCharacterPosition());
    }

    /** Whether the record's stretch of text (up to the next record) holds undecodable bytes. */
    boolean undecodable(int index) {
      int start = (int) records.get(index).getCharacterPosition();
      int end = index + 1 < records.size() ? (int) records.get(index + 1).getCharacterPosition() : text.length();
      int first = undecodable.nextSetBit(start);
      return first >= 0 && first < end;
    }

    String name(int column) {
      return column < names.size() && !names.get(column).isEmpty() ? names.get(column) : "#" + (column + 1);
    }

    private void read() {
      try (CSVParser parser = FORMAT.parse(new StringReader(text))) {
        Iterator<CSVRecord> it = parser.iterator();
        if (!it.hasNext()) {
          throw FlowException.invalid(Map.of("header", Text.of("field.csv-header")));
        }
        header(it.next());
        while (true) {
          long before = parser.getCurrentLineNumber();
          try {
            if (!it.hasNext()) {
              break;
            }
            records.add(it.next());
          } catch (UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            // The parser cannot resume past this record (an open quote runs to the end of the file).
            long line = lineAt(lineStarts[(int) Math.min(before, lineStarts.length - 1)]);
            throw FlowException.invalid(Map.of("csv", Text.of("field.csv-line", Long.toString(line))));
          }
          if (records.size() > MAX_ROWS) {
            throw FlowException.invalid(Map.of("csv", Text.of("field.too-many-rows", MAX_ROWS)));
          }
        }
      } catch (java.io.IOException e) {
        throw FlowException.invalid(Map.of("csv", Text.of("field.csv")));
      }
    }

    private void header(CSVRecord header) {
      for (int i = 0; i < header.size(); i++) {
        String name = AccountFields.pad(header.get(i));
        names.add(name);
        if ((REQUIRED.contains(name) || name.equals("status")) && columns.putIfAbsent(name, i) != null) {
          throw FlowException.invalid(Map.of("header", Text.of("field.csv-header")));
        }
      }
      if (!columns.keySet().containsAll(REQUIRED)) {
        throw FlowException.invalid(Map.of("header", Text.of("field.csv-header")));
      }
    }
  }
}
