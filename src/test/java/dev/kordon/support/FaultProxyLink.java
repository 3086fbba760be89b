package dev.kordon.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection through a {@link FaultProxy} and its connection to the target, with a
 * thread each way. The proxy's mode reaches it through {@link FaultProxy#gate} and {@link
 * FaultProxy#delay}, both of which it calls between reading a chunk and writing it.
 */
final class FaultProxyLink {
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    final int id;
    private final FaultProxy proxy;
    private final Socket client;
    private final AtomicInteger ended = new AtomicInteger();
    // The three below are guarded by proxy.lock.
    boolean dead;
    boolean done;
    private Socket upstream;
    // Touched only by the thread carrying target-to-client bytes; below 0 means no cut.
    private long budget;

    FaultProxyLink(FaultProxy proxy, int id, Socket client, boolean dead, long budget) {
        this.proxy = proxy;
        this.id = id;
        this.client = client;
        this.dead = dead;
        this.budget = budget;
    }

    void run() {
        if (!proxy.gate(this)) {
            return;
        }
        Socket up = new Socket();
        try {
            // Small protocol messages must not wait on Nagle, or slow() measures it too.
            client.setTcpNoDelay(true);
            up.setTcpNoDelay(true);
            up.connect(proxy.target(), CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            quietly(up);
            end(true); // the client sees what a refusing target would do
            return;
        }
        synchronized (proxy.lock) {
            if (done) {
                quietly(up);
                return;
            }
            upstream = up;
        }
        proxy.daemon("link" + id + "-down", () -> pump(up, client, false));
        pump(client, up, true);
    }

    private void pump(Socket from, Socket to, boolean towardTarget) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            if (!towardTarget && budget == 0) {
                cut(to);
                return;
            }
            while (true) {
                int n = in.read(buf);
                if (n > 0) {
                    proxy.delay(this);
                }
                // A chunk read when the link dies is dropped here: the dead never forward.
                if (!proxy.gate(this)) {
                    return;
                }
                if (n < 0) {
                    to.shutdownOutput(); // pass the half-close on
                    if (ended.incrementAndGet() == 2) {
                        end(false);
                    }
                    return;
                }
                if (!towardTarget && budget >= 0) {
                    n = (int) Math.min(n, budget);
                }
                out.write(buf, 0, n);
                proxy.forwarded(towardTarget, n);
                if (!towardTarget && budget >= 0 && (budget -= n) == 0) {
                    cut(to);
                    return;
                }
            }
        } catch (IOException e) {
            end(false);
        }
    }

    /**
     * The target's side goes, the client gets an end of stream after the bytes it was given. The
     * client socket stays open until the client closes it: closing it with unread bytes would send
     * an RST, and the client should see a clean cut.
     */
    private void cut(Socket toClient) throws IOException {
        toClient.shutdownOutput();
        Socket up;
        synchronized (proxy.lock) {
            up = upstream;
        }
        quietly(up);
    }

    /** Closes both sides, with an RST if {@code rst}; once only. */
    void end(boolean rst) {
        Socket up;
        synchronized (proxy.lock) {
            if (done) {
                return;
            }
            done = true;
            proxy.forget(this);
            up = upstream;
            proxy.lock.notifyAll();
        }
        if (rst) {
            reset(client);
            reset(up);
        }
        quietly(client);
        quietly(up);
    }

    /** Closes with an RST instead of a FIN: SO_LINGER 0 drops the send buffer. */
    static void reset(Socket s) {
        if (s == null) {
            return;
        }
        try {
            s.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed: nothing left to reset
        }
        quietly(s);
    }

    static void quietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is best effort: the socket may be gone already
        }
    }
}
