package dev.kordon.server;

import dev.kordon.config.KordonConfig;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** What both ports share: the bind address, no h2c unless asked, and short patience with slow clients. */
public final class Connections {
    /** Connections accepted before the listener closed get this long to deliver their request. */
    static final long SETTLE_MS = 2_000;
    /** Accepted but not yet handed to its event loop: a connection is this close behind the listener. */
    private static final long HANDOVER_MS = 200;

    private final Vertx vertx;
    private final HttpServer server;
    /** The server's connections, touched only on its event loop. */
    private final Set<HttpConnection> live = new HashSet<>();

    private Connections(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    static HttpServerOptions options(KordonConfig.Http http, String host, int port, boolean h2c) {
        return new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setIdleTimeout((int) http.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setHttp2ClearTextEnabled(h2c);
    }

    /**
     * Serves {@code handler} on {@code server}, closing any connection whose first request's headers
     * are not in within the header timeout: the idle timeout alone lets a client that drips a byte
     * now and then hold a connection for ever. The server's handlers run on one event loop, so the
     * map needs no lock.
     */
    static Connections serve(
            Vertx vertx, HttpServer server, KordonConfig.Http http, Handler<HttpServerRequest> handler) {
        Connections connections = new Connections(vertx, server);
        Set<HttpConnection> live = connections.live;
        long deadline = http.headerTimeout().toMillis();
        Map<HttpConnection, Long> waiting = new HashMap<>();
        server.connectionHandler(conn -> {
            live.add(conn);
            long timer = vertx.setTimer(deadline, t -> {
                if (waiting.remove(conn) != null) {
                    conn.close();
                }
            });
            waiting.put(conn, timer);
            conn.closeHandler(v -> {
                live.remove(conn);
                Long pending = waiting.remove(conn);
                if (pending != null) {
                    vertx.cancelTimer(pending);
                }
            });
        });
        server.requestHandler(req -> {
            Long pending = waiting.remove(req.connection());
            if (pending != null) {
                vertx.cancelTimer(pending);
            }
            handler.handle(req);
        });
        return connections;
    }

    Future<HttpServer> listen() {
        return server.listen();
    }

    int port() {
        return server.actualPort();
    }

    /**
     * Closes the listening socket first, so a proxy's next connect is refused and it tries another
     * instance, then gives connections accepted already up to {@link #SETTLE_MS} to deliver their
     * request and get its answer (each closes after it while draining), and only then shuts the
     * server down with what is left of the grace. Shutting down at once would close a connection
     * whose request has not been read yet, and the proxy, having sent it, could not retry it.
     */
    Future<Void> shutdown(Duration grace) {
        live.stream()
                .map(Connections::listener)
                .filter(l -> l != null)
                .findFirst()
                .ifPresent(Channel::close);
        long start = System.nanoTime();
        long settle = Math.min(SETTLE_MS, grace.toMillis() / 2);
        Promise<Void> quiet = Promise.promise();
        vertx.setPeriodic(50, id -> {
            long waited = (System.nanoTime() - start) / 1_000_000;
            if ((waited >= HANDOVER_MS && live.isEmpty()) || waited >= settle) {
                vertx.cancelTimer(id);
                quiet.complete();
            }
        });
        return quiet.future().compose(v -> {
            long left = Math.max(0, grace.toMillis() - (System.nanoTime() - start) / 1_000_000);
            return server.shutdown(left, TimeUnit.MILLISECONDS);
        });
    }

    /** The listening socket a connection was accepted on (Vert.x has no public handle on it). */
    private static Channel listener(HttpConnection conn) {
        return conn instanceof ConnectionBase base ? base.channel().parent() : null;
    }
}
