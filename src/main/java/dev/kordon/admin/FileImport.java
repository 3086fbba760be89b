package dev.kordon.admin;

import dev.kordon.problem.FlowException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The CSV import as the command line runs it: a file instead of a request, a refusal as one line of text. */
public final class FileImport {
    private FileImport() {}

    /**
     * The whole import as the admin port runs it, for the command line: the file streamed, written,
     * audited; the answer {@code {created, updated, rejected, rejected_total}}. At most {@code rows}
     * rows; a file has no byte limit.
     */
    public static Future<ImportSummary> importFile(AdminFlow admin, Vertx vertx, Locale locale, Path file, int rows) {
        Context context = vertx.getOrCreateContext();
        Promise<ImportSummary> answer = Promise.promise();
        // On one context: the file's reads, the writes' callbacks and the import's turns never overlap.
        context.runOnContext(v -> vertx.fileSystem()
                .open(
                        file.toString(),
                        new OpenOptions().setRead(true).setWrite(false).setCreate(false))
                .compose(f -> {
                    f.pause();
                    return admin.imported(
                                    CsvImport.of(admin, vertx, locale, f, new CsvImport.Limits(Long.MAX_VALUE, rows)),
                                    null)
                            .andThen(ar -> f.close());
                })
                .onComplete(answer));
        return answer.future();
    }

    /** A refusal's fields as one line, in {@code locale}; for a stopped import, what it saved first. */
    public static String describe(Locale locale, FlowException refused) {
        String reason = Rejections.reason(locale, refused.fields() == null ? Map.of() : refused.fields());
        if (reason.isEmpty()) {
            reason = refused.failure().name().toLowerCase(Locale.ROOT);
        }
        if (refused instanceof ImportStopped stopped) {
            JsonObject p = stopped.progress();
            reason += p.getLong("last_saved_line") == 0
                    ? " (stopped; nothing saved)"
                    : " (stopped; saved before it: created " + p.getInteger("created") + ", updated "
                            + p.getInteger("updated") + ", through line " + p.getLong("last_saved_line") + ")";
        }
        return reason;
    }
}
