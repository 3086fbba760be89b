package dev.kordon.fault;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.function.Supplier;

/** An answer and how long the client waited for it. */
record Timed(HttpResponse<Buffer> response, long ms) {
    static Timed of(Supplier<HttpResponse<Buffer>> call) {
        long t0 = System.nanoTime();
        HttpResponse<Buffer> r = call.get();
        return new Timed(r, (System.nanoTime() - t0) / 1_000_000);
    }
}
