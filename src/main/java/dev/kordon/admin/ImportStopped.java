package dev.kordon.admin;

import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * An import that stopped part-way or before it began: why (a field error, {@code tooLarge} for
 * a body over the byte limit) and, in {@link #progress}, what it had saved by then.
 */
public final class ImportStopped extends FlowException {
    private final boolean tooLarge;
    private final JsonObject progress;

    ImportStopped(Map<String, Text> fields, boolean tooLarge, JsonObject progress) {
        super(Failure.INVALID_REQUEST, fields, null);
        this.tooLarge = tooLarge;
        this.progress = progress;
    }

    public boolean tooLarge() {
        return tooLarge;
    }

    /** {@code created, updated, rejected, rejected_total, last_saved_line} when it stopped. */
    public JsonObject progress() {
        return progress.copy();
    }
}
