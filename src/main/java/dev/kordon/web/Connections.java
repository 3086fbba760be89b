package dev.kordon.web;

import dev.kordon.config.KordonConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What both ports share: the bind address, no h2c unless asked, and short patience with slow clients. */
final class Connections {
  private Connections() {}

  static HttpServerOptions options(KordonConfig.Http http, String host, int port, boolean h2c) {
    return new HttpServerOptions().setHost(host).setPort(port)
        .setIdleTimeout((int) http.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setHttp2ClearTextEnabled(h2c);
  }

  /**
   * Serves {@code handler} on {@code server}, closing any connection whose first request's headers
   * are not in within the header timeout: the idle timeout alone lets a client that drips a byte
   * now and then hold a connection for ever. The server's handlers run on one event loop, so the
   * map needs no lock.
   */
  static HttpServer serve(Vertx vertx, HttpServer server, KordonConfig.Http http, Handler<HttpServerRequest> handler) {
    long deadline = http.headerTimeout().toMillis();
    Map<HttpConnection, Long> waiting = new HashMap<>();
    server.connectionHandler(conn -> {
      long timer = vertx.setTimer(deadline, t -> {
        if (waiting.remove(conn) != null) {
          conn.close();
        }
      });
      waiting.put(conn, timer);
      conn.closeHandler(v -> {
        Long pending = waiting.remove(conn);
        if (pending != null) {
          vertx.cancelTimer(pending);
        }
      });
    });
    return server.requestHandler(req -> {
      Long pending = waiting.remove(req.connection());
      if (pending != null) {
        vertx.cancelTimer(pending);
      }
      handler.handle(req);
    });
  }
}
