package dev.kordon.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A stand-in for the SMS provider we do not run: a real HTTP server that records what it gets. */
public final class SmsProviderStub implements AutoCloseable {
    public final List<JsonObject> received = new CopyOnWriteArrayList<>();
    /** Answers 500 to this many requests before accepting. */
    public final AtomicInteger failNext = new AtomicInteger();

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    public SmsProviderStub() {
        server = Rig.await(vertx.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(body -> {
                    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        req.response().setStatusCode(500).end();
                        return;
                    }
                    received.add(body.toJsonObject());
                    req.response().setStatusCode(202).end();
                }))
                .listen(0, "127.0.0.1"));
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/sms";
    }

    public List<JsonObject> to(String phone) {
        return received.stream().filter(m -> phone.equals(m.getString("to"))).toList();
    }

    @Override
    public void close() {
        Rig.await(vertx.close());
    }
}
