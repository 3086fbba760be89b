package dev.kordon.admin;

import dev.kordon.account.AccountRepository.Draft;
import dev.kordon.account.AccountRepository.Upserted;
import dev.kordon.account.LoginParser;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.pgclient.PgException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code POST /admin/v1/accounts/import}: a UTF-8 CSV (an initial byte order mark is dropped)
 * whose header names the columns {@code category,login,tariff,email,role} and optionally
 * {@code status}. The body is read as it arrives ({@link CsvReader}) and valid rows are created or
 * updated in file order, {@value #BATCH} to a transaction; the body is paused while a batch is
 * written, so no more than a buffer's worth of rows waits in memory, whatever the file's length.
 * Each other row is reported with its physical line (the header is line 1) and the reason: the
 * lowest {@value #REPORTED} lines one by one, all of them in a count.
 *
 * <p>What was written stays written: a file that turns out not to be CSV at line N, that has more
 * rows than allowed or more bytes than allowed stops the import there. Every whole row read before
 * that point is still saved or refused, nothing after it is read, and {@link ImportStopped} tells what
 * was saved. Rows are upserts, so running the corrected file again is safe.
 */
public final class CsvImport implements AdminFlow.Import {
    /** Refused rows the answer names one by one, those of the lowest lines; {@code rejected_total} counts all. */
    public static final int REPORTED = 1000;
    /** Rows written in one transaction: a full file well within the idle timeout, row locks held briefly. */
    private static final int BATCH = 200;
    /** Rows judged in one turn of the event loop; a long run of refused rows then gives it back. */
    private static final int ROWS_PER_TURN = 500;

    /** How much one import may read: bytes of the body ({@link Long#MAX_VALUE}: any) and rows after the header. */
    public record Limits(long bytes, int rows) {}

    private final AdminFlow admin;
    private final LoginParser logins;
    private final Vertx vertx;
    private final Locale locale;
    private final ReadStream<Buffer> body;
    private final Limits limits;
    private final CsvReader reader = new CsvReader(this::record);
    private final Promise<ImportSummary> done = Promise.promise();
    /** Records read and not yet judged: at most those of one buffer. */
    private final Deque<CsvReader.Record> parsed = new ArrayDeque<>();
    /** Judged rows of the next batch. */
    private final List<Row> pending = new ArrayList<>();
    /** Rows of a batch the database refused, written again one at a time to find the row at fault. */
    private final Deque<Row> singles = new ArrayDeque<>();

    private final Rejections rejected;
    /** What the header named: null until it is read. */
    private CsvColumns columns;

    private Context context;
    /** Why the import stops once the rows read so far are settled; null while it goes on. */
    private Map<String, Text> halted;

    private boolean tooLarge;
    private boolean ended;
    /** A batch is being written or a turn was given back: the body stays paused. */
    private boolean busy;

    private long bytes;
    private int rows;
    private int created;
    private int updated;
    private long lastSaved;

    private CsvImport(AdminFlow admin, Vertx vertx, Locale locale, ReadStream<Buffer> body, Limits limits) {
        this.admin = admin;
        this.logins = admin.logins();
        this.vertx = vertx;
        this.locale = locale;
        this.rejected = new Rejections(REPORTED, locale);
        this.body = body;
        this.limits = limits;
    }

    /** The import of {@code body}, read when it runs; {@code body} should be paused until then. */
    public static CsvImport of(AdminFlow admin, Vertx vertx, Locale locale, ReadStream<Buffer> body, Limits limits) {
        return new CsvImport(admin, vertx, locale, body, limits);
    }

    /** Reads and writes the rows; the answer {@code {created, updated, rejected, rejected_total}}, or the failure that stopped it. */
    @Override
    public Future<ImportSummary> run() {
        context = vertx.getOrCreateContext();
        body.exceptionHandler(this::stop);
        body.endHandler(v -> end());
        body.handler(this::chunk);
        body.resume();
        return done.future();
    }

    /** What was done so far, for the audit trail, also when the import stopped part-way. */
    @Override
    public JsonObject summary() {
        return new JsonObject().put("created", created).put("updated", updated).put("rejected", rejected.total());
    }

    private void chunk(Buffer buffer) {
        if (done.future().isComplete() || halted != null) {
            return;
        }
        bytes += buffer.length();
        if (bytes > limits.bytes()) {
            tooLarge = true;
            halt(Map.of("csv", Text.of("field.import-limit", limits.bytes())));
        } else {
            read(() -> reader.feed(buffer));
        }
        pump();
    }

    private void end() {
        if (done.future().isComplete() || halted != null) {
            return;
        }
        ended = true;
        read(() -> {
            reader.finish();
            if (columns == null) {
                throw FlowException.invalid(Map.of("header", Text.of("field.csv-header")));
            }
        });
        pump();
    }

    /** Runs the reader; when the file turns out unusable, the import halts there. */
    private void read(Runnable step) {
        try {
            step.run();
        } catch (CsvReader.SyntaxError e) {
            halt(Map.of("csv", Text.of("field.csv-line", Long.toString(e.line))));
        } catch (FlowException e) {
            halt(e.fields());
        }
    }

    /** Reads no more: the rows read so far are settled, then the import fails with {@code why}. */
    private void halt(Map<String, Text> why) {
        halted = why;
        ended = true;
        body.pause();
    }

    /** A record from the reader: the header first, then rows up to the limit. */
    private void record(CsvReader.Record record) {
        if (columns == null) {
            columns = new CsvColumns(record);
            return;
        }
        if (++rows > limits.rows()) {
            throw FlowException.invalid(Map.of("csv", Text.of("field.too-many-rows", limits.rows())));
        }
        parsed.add(record);
    }

    /** Fails the import at once: Postgres or Redis out of reach, the body broken off. */
    private void stop(Throwable cause) {
        if (done.tryFail(cause)) {
            // Nothing more is read; the caller answers and closes the connection (or the file).
            body.pause();
            parsed.clear();
            pending.clear();
            singles.clear();
        }
    }

    /**
     * Batch after batch, iterating: a write in flight resumes the loop from its callback, one that
     * is already complete continues it in place, so the stack never grows with the file. The body
     * is paused from the moment a batch is full until every row read so far is judged or written.
     */
    private void pump() {
        if (busy || done.future().isComplete()) {
            return;
        }
        while (true) {
            List<Row> batch;
            if (!singles.isEmpty()) {
                batch = List.of(singles.poll());
            } else {
                for (int judged = 0; judged < ROWS_PER_TURN && pending.size() < BATCH && !parsed.isEmpty(); judged++) {
                    Row row = row(parsed.poll());
                    if (row != null) {
                        pending.add(row);
                    }
                }
                if (pending.size() < BATCH && !parsed.isEmpty()) {
                    busy = true;
                    body.pause();
                    context.runOnContext(v -> {
                        busy = false;
                        pump();
                    });
                    return;
                }
                if (pending.size() < BATCH && !ended) {
                    body.resume();
                    return;
                }
                if (pending.isEmpty()) {
                    complete();
                    return;
                }
                batch = new ArrayList<>(pending);
                pending.clear();
            }
            busy = true;
            body.pause();
            Future<List<Upserted>> saved =
                    admin.saveAll(batch.stream().map(Row::draft).toList());
            if (!saved.isComplete()) {
                saved.onComplete(ar -> {
                    busy = false;
                    if (settle(batch, ar)) {
                        pump();
                    }
                });
                return;
            }
            busy = false;
            if (!settle(batch, saved)) {
                return;
            }
        }
    }

    private void complete() {
        if (halted != null) {
            done.tryFail(new ImportStopped(halted, tooLarge, extensions(progress())));
            return;
        }
        done.tryComplete(progress());
    }

    /** The counts so far, the reported refusals in line order. */
    private ImportSummary progress() {
        return new ImportSummary(created, updated, rejected.lines(), rejected.total(), lastSaved);
    }

    /** A stopped import's problem answer carries what it saved first, as members beside the problem's own. */
    private static JsonObject extensions(ImportSummary p) {
        JsonArray lines = new JsonArray();
        p.rejected()
                .forEach(r -> lines.add(new JsonObject().put("line", r.line()).put("reason", r.reason())));
        return new JsonObject()
                .put("created", p.created())
                .put("updated", p.updated())
                .put("rejected", lines)
                .put("rejected_total", p.rejectedTotal())
                .put("last_saved_line", p.lastSavedLine());
    }

    /** Counts a batch; false when the import cannot go on (Postgres or Redis out of reach). */
    private boolean settle(List<Row> batch, AsyncResult<List<Upserted>> ar) {
        if (done.future().isComplete()) {
            return false;
        }
        if (ar.succeeded()) {
            for (Upserted up : ar.result()) {
                if (up.created()) {
                    created++;
                } else {
                    updated++;
                }
            }
            lastSaved = Math.max(lastSaved, batch.get(batch.size() - 1).line);
            return true;
        }
        // Classes 22 and 23: a row's data, not the database, is at fault, and the batch was rolled back.
        if (ar.cause() instanceof PgException pg
                && pg.getSqlState() != null
                && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"))) {
            if (batch.size() > 1) {
                singles.addAll(batch);
            } else {
                rejected.add(batch.get(0).line, Map.of("row", Text.of("field.stored")));
            }
            return true;
        }
        stop(ar.cause());
        return false;
    }

    /** The record's account, or null when it is refused (and reported). */
    private Row row(CsvReader.Record r) {
        Map<String, Text> errors = new LinkedHashMap<>();
        Draft draft = columns.draft(r, logins, errors);
        if (draft == null) {
            rejected.add(r.line(), errors);
            return null;
        }
        return new Row(r.line(), draft);
    }

    private record Row(long line, Draft draft) {}
}
