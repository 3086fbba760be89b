package dev.kordon.support;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on loopback in front of a real server (Postgres, Redis), counting what its clients
 * send: a test sees whether Kordon spoke to the server at all, without a stand-in for the server.
 */
public final class CountingRelay implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong sent = new AtomicLong();
  private final int port;

  public CountingRelay(int targetPort) {
    NetClient client = vertx.createNetClient();
    var server = vertx.createNetServer().connectHandler(in -> {
      in.pause();
      client.connect(targetPort, "127.0.0.1").onSuccess(out -> {
        in.handler(buf -> {
          sent.addAndGet(buf.length());
          out.write(buf);
        });
        out.handler(in::write);
        in.closeHandler(v -> out.close());
        out.closeHandler(v -> in.close());
        in.resume();
      }).onFailure(err -> in.close());
    });
    port = Rig.await(server.listen(0, "127.0.0.1")).actualPort();
  }

  public int port() {
    return port;
  }

  /** Bytes the clients sent to the server so far. */
  public long sent() {
    return sent.get();
  }

  @Override
  public void close() {
    Rig.await(vertx.close());
  }
}
