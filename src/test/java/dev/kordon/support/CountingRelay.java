package dev.kordon.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A TCP relay on loopback in front of a real server (Postgres, Redis), counting what its clients
 * send: a test sees whether Kordon spoke to the server at all, and what it said, without a
 * stand-in for the server.
 */
public final class CountingRelay implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final int port;

    public CountingRelay(int targetPort) {
        NetClient client = vertx.createNetClient();
        var server = vertx.createNetServer().connectHandler(in -> {
            in.pause();
            client.connect(targetPort, "127.0.0.1")
                    .onSuccess(out -> {
                        in.handler(buf -> {
                            record(buf);
                            out.write(buf);
                        });
                        out.handler(in::write);
                        in.closeHandler(v -> out.close());
                        out.closeHandler(v -> in.close());
                        in.resume();
                    })
                    .onFailure(err -> in.close());
        });
        port = Rig.await(server.listen(0, "127.0.0.1")).actualPort();
    }

    public int port() {
        return port;
    }

    private void record(Buffer buf) {
        synchronized (sent) {
            sent.writeBytes(buf.getBytes());
        }
    }

    /** Bytes the clients sent to the server so far. */
    public long sent() {
        synchronized (sent) {
            return sent.size();
        }
    }

    /** What the clients sent from byte {@code from} on, as ISO-8859-1 text (one char per byte). */
    public String sentSince(long from) {
        synchronized (sent) {
            byte[] all = sent.toByteArray();
            int start = (int) Math.min(from, all.length);
            return new String(all, start, all.length - start, StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public void close() {
        Rig.await(vertx.close());
    }
}
