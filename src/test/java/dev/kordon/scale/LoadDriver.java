package dev.kordon.scale;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop load on a Vert.x WebClient: each loop sends its next request when the last one is
 * answered, and every request's outcome is kept (status, Retry-After, connection error or client
 * timeout, the time it took, and the Redis slots its keys live on).
 */
final class LoadDriver implements AutoCloseable {
    /** A client-side timeout: no answer within this long counts as a timeout, never as an answer. */
    static final long CLIENT_TIMEOUT_MS = 10_000;

    enum Fail {
        NONE,
        TIMEOUT,
        CONNECTION
    }

    /**
     * One request: what it is ({@code kind}: "verify", "sign-in"), where it goes ({@code target}
     * names the instance or "nginx"), what answer counts as success, and the slots of the keys it
     * touches (empty when unknown or none).
     */
    record Call(
            String kind,
            String target,
            HttpMethod method,
            int port,
            String path,
            String bearer,
            String forwardedFor,
            JsonObject body,
            int expectStatus,
            String mustContain,
            int[] slots) {}

    /** What came of one call; times are {@link System#nanoTime()}. */
    record Outcome(
            int loop,
            Call call,
            long startNs,
            long endNs,
            int status,
            Fail fail,
            String detail,
            String retryAfter,
            boolean ok) {
        double ms() {
            return (endNs - startNs) / 1e6;
        }

        boolean touchesAny(java.util.BitSet slots) {
            return Arrays.stream(call.slots).anyMatch(slots::get);
        }

        /** A refusal of the documented shape: 503 with a Retry-After header. */
        boolean is503WithRetryAfter() {
            return fail == Fail.NONE && status == 503 && retryAfter != null && !retryAfter.isBlank();
        }

        String describe() {
            return call.kind + "@" + call.target + " " + (fail == Fail.NONE ? "HTTP " + status : fail.name())
                    + (retryAfter != null ? " Retry-After=" + retryAfter : "") + (detail != null ? " " + detail : "")
                    + String.format(" (%.0f ms)", ms());
        }
    }

    /** One closed loop: the next call, and what it learns from the answer (e.g. a new token). */
    interface Loop {
        Call next();

        default void answered(Call call, Outcome outcome, HttpResponse<Buffer> response) {}
    }

    /** A running load; {@link #stop} waits until every loop's last request is answered. */
    final class Run {
        private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        private final CountDownLatch ended;
        private final long startNs = System.nanoTime();
        private volatile boolean stopping;
        private long stopNs;

        private Run(int loops) {
            ended = new CountDownLatch(loops);
        }

        List<Outcome> stop() {
            stopping = true;
            try {
                if (!ended.await(CLIENT_TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(
                            ended.getCount() + " loop(s) still waiting for an answer after the client timeout");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            stopNs = System.nanoTime();
            return outcomes();
        }

        List<Outcome> outcomes() {
            return new ArrayList<>(outcomes);
        }

        long startNs() {
            return startNs;
        }

        double seconds() {
            return ((stopNs == 0 ? System.nanoTime() : stopNs) - startNs) / 1e9;
        }

        private void step(int id, Loop loop, Context ctx) {
            if (stopping) {
                ended.countDown();
                return;
            }
            Call call;
            try {
                call = loop.next();
            } catch (RuntimeException e) {
                ended.countDown();
                throw e;
            }
            exchange(id, call).onComplete(ar -> {
                Answered a = ar.result();
                outcomes.add(a.outcome);
                try {
                    loop.answered(call, a.outcome, a.response);
                } finally {
                    ctx.runOnContext(v -> step(id, loop, ctx));
                }
            });
        }
    }

    /** An outcome with the response it came from (null on a connection error or timeout). */
    record Answered(Outcome outcome, HttpResponse<Buffer> response) {}

    /** Sends one call; the future always succeeds, with the outcome. */
    private io.vertx.core.Future<Answered> exchange(int id, Call call) {
        var req = client.request(call.method, call.port, "127.0.0.1", call.path).timeout(CLIENT_TIMEOUT_MS);
        if (call.bearer != null) {
            req.putHeader("Authorization", "Bearer " + call.bearer);
        }
        if (call.forwardedFor != null) {
            req.putHeader("X-Forwarded-For", call.forwardedFor);
        }
        long t0 = System.nanoTime();
        return (call.body == null ? req.send() : req.sendJsonObject(call.body)).transform(ar -> {
            long t1 = System.nanoTime();
            if (ar.failed()) {
                return io.vertx.core.Future.succeededFuture(new Answered(
                        new Outcome(
                                id,
                                call,
                                t0,
                                t1,
                                0,
                                classify(ar.cause()),
                                ar.cause().getClass().getSimpleName() + ": "
                                        + ar.cause().getMessage(),
                                null,
                                false),
                        null));
            }
            HttpResponse<Buffer> r = ar.result();
            boolean late = (t1 - t0) / 1_000_000 > CLIENT_TIMEOUT_MS;
            boolean contains = call.mustContain == null
                    || (r.body() != null && r.bodyAsString().contains(call.mustContain));
            boolean ok = !late && r.statusCode() == call.expectStatus && contains;
            String detail = late
                    ? "answered after the client timeout"
                    : r.statusCode() != call.expectStatus
                            ? bodyText(r)
                            : !contains ? "no " + call.mustContain + " in the answer" : null;
            return io.vertx.core.Future.succeededFuture(new Answered(
                    new Outcome(
                            id,
                            call,
                            t0,
                            t1,
                            r.statusCode(),
                            late ? Fail.TIMEOUT : Fail.NONE,
                            detail,
                            r.getHeader("Retry-After"),
                            ok),
                    r));
        });
    }

    private final Vertx vertx;
    private final WebClient client;

    LoadDriver(int connectionsPerServer) {
        vertx = Vertx.vertx();
        client = WebClient.create(
                vertx,
                new WebClientOptions().setKeepAlive(true).setConnectTimeout(5_000),
                new PoolOptions().setHttp1MaxSize(connectionsPerServer).setMaxWaitQueueSize(-1));
    }

    /** Starts every loop at once. */
    Run start(List<? extends Loop> loops) {
        Run run = new Run(loops.size());
        for (int i = 0; i < loops.size(); i++) {
            int id = i;
            Loop loop = loops.get(i);
            Context ctx = vertx.getOrCreateContext();
            ctx.runOnContext(v -> run.step(id, loop, ctx));
        }
        return run;
    }

    /** One call outside any loop, blocking the (test) thread until its outcome. */
    Answered once(Call call) {
        try {
            return exchange(0, call)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(CLIENT_TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("no outcome for " + call.path, e);
        }
    }

    /** Sends every call at once and waits for all the outcomes, in the calls' order. */
    List<Answered> all(List<Call> calls) {
        List<io.vertx.core.Future<Answered>> futures = new ArrayList<>();
        for (Call c : calls) {
            futures.add(exchange(0, c));
        }
        try {
            io.vertx.core.Future.all(futures)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(CLIENT_TIMEOUT_MS + 30_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("not every call answered", e);
        }
        return futures.stream().map(io.vertx.core.Future::result).toList();
    }

    static Fail classify(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String n = c.getClass().getName();
            if (c instanceof java.net.ConnectException || n.contains("Connect")) {
                return Fail.CONNECTION;
            }
            if (c instanceof java.util.concurrent.TimeoutException || n.contains("Timeout")) {
                return Fail.TIMEOUT;
            }
        }
        return Fail.CONNECTION;
    }

    private static String bodyText(HttpResponse<Buffer> r) {
        if (r.body() == null) {
            return null;
        }
        String s = r.bodyAsString();
        if (s.startsWith("{")) {
            try {
                String code = new JsonObject(s).getString("code");
                if (code != null) {
                    return "code=" + code;
                }
            } catch (RuntimeException ignored) {
                // not JSON after all
            }
        }
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    @Override
    public void close() {
        try {
            client.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the test JVM is about to go
        }
    }
}
