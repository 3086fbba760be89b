package dev.kordon.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of a dependency (Postgres, Redis, SMTP, the SMS provider) that a
 * test switches between network faults while Kordon runs. Plain sockets and threads, not Vert.x: the
 * fault must not share an event loop with the system under test, or stalling one stalls the other.
 *
 * <p>One mode at a time, each a method; the last call wins:
 *
 * <ul>
 *   <li>{@link #pass()}: forwards as is, and lifts {@link #slow} and {@link #cutAfter}.
 *   <li>{@link #freeze()}: a hung peer, or a partition that heals. Connections stay open and new ones
 *       are accepted, but no byte moves either way, nor an end of stream; the target is not even
 *       dialled for a connection accepted meanwhile. Nothing is lost: what was sent waits in the
 *       proxy and the kernel's buffers, and {@link #pass()} delivers it, in order.
 *   <li>{@link #halfOpen()}: the remote host vanished without a word, and TCP keeps the socket open.
 *       The open connections, and those accepted meanwhile, are dead for good: they stop reading and
 *       forwarding, and never close. Unlike a freeze this does not heal: {@link #pass()} serves later
 *       connections only, and what was sent to a dead one is lost. Only the client's own timeout (a
 *       query timeout, a heartbeat) gets it out; {@link #dropAll()} ends them.
 *   <li>{@link #refuse()}: the open connections are reset (RST, both sides), and each new one is
 *       reset as soon as it is accepted.
 *   <li>{@link #slow(Duration)}: forwards, each chunk held for the delay first, both ways.
 *   <li>{@link #cutAfter(long)}: forwards, but each connection accepted from now on is cut once it
 *       carried that many bytes from the target: the client gets them, then an end of stream.
 * </ul>
 *
 * {@code slow} and {@code cutAfter} end a freeze or a refusal, and combine with each other.
 */
public final class FaultProxy implements AutoCloseable {
    private enum Mode {
        PASS,
        FREEZE,
        HALF_OPEN,
        REFUSE
    }

    final Object lock = new Object();
    private final Set<FaultProxyLink> links = new HashSet<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong toTarget = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicInteger ids = new AtomicInteger();
    private final ServerSocket server;
    private final int port;
    private final Thread acceptor;
    private volatile InetSocketAddress target;
    // The fields below are guarded by lock.
    private Mode mode = Mode.PASS;
    private long delayNanos;
    private long cut = -1;
    private boolean closed;

    /** In front of a server on loopback. */
    public FaultProxy(int targetPort) {
        this("127.0.0.1", targetPort);
    }

    public FaultProxy(String targetHost, int targetPort) {
        target = new InetSocketAddress(targetHost, targetPort);
        server = bind();
        port = server.getLocalPort();
        acceptor = daemon("accept", this::acceptLoop);
    }

    /** The loopback port Kordon should dial instead of the target's. */
    public int port() {
        return port;
    }

    public void pass() {
        synchronized (lock) {
            delayNanos = 0;
            cut = -1;
            switchTo(Mode.PASS);
        }
    }

    public void freeze() {
        synchronized (lock) {
            switchTo(Mode.FREEZE);
        }
    }

    public void halfOpen() {
        synchronized (lock) {
            links.forEach(l -> l.dead = true);
            switchTo(Mode.HALF_OPEN);
        }
    }

    public void refuse() {
        List<FaultProxyLink> open;
        synchronized (lock) {
            switchTo(Mode.REFUSE);
            open = new ArrayList<>(links);
        }
        open.forEach(l -> l.end(true));
    }

    public void slow(Duration perChunk) {
        synchronized (lock) {
            delayNanos = perChunk.toNanos();
            switchTo(Mode.PASS);
        }
    }

    public void cutAfter(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cutAfter needs a byte count of 0 or more: " + bytes);
        }
        synchronized (lock) {
            cut = bytes;
            switchTo(Mode.PASS);
        }
    }

    /** Connections dialled from now on go to this target (a promoted replica); open ones stay. */
    public void retarget(String host, int targetPort) {
        target = new InetSocketAddress(host, targetPort);
    }

    /** Closes every open connection, as a restarted peer would; the mode is kept. */
    public void dropAll() {
        List<FaultProxyLink> open;
        synchronized (lock) {
            open = new ArrayList<>(links);
        }
        open.forEach(l -> l.end(false));
    }

    /** Connections the proxy accepted, refused ones included: how often the client dialled. */
    public long accepted() {
        return accepted.get();
    }

    public int open() {
        synchronized (lock) {
            return links.size();
        }
    }

    public long bytesToTarget() {
        return toTarget.get();
    }

    public long bytesToClient() {
        return toClient.get();
    }

    @Override
    public void close() {
        List<FaultProxyLink> open;
        synchronized (lock) {
            closed = true;
            open = new ArrayList<>(links);
            lock.notifyAll();
        }
        FaultProxyLink.quietly(server);
        open.forEach(l -> l.end(false));
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    InetSocketAddress target() {
        return target;
    }

    void forwarded(boolean towardTarget, int bytes) {
        (towardTarget ? toTarget : toClient).addAndGet(bytes);
    }

    /** Called holding {@link #lock}. */
    void forget(FaultProxyLink link) {
        links.remove(link);
    }

    private void switchTo(Mode next) {
        mode = next;
        lock.notifyAll();
    }

    private void acceptLoop() {
        while (true) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            FaultProxyLink link = null;
            synchronized (lock) {
                if (!closed && mode != Mode.REFUSE) {
                    link = new FaultProxyLink(this, ids.incrementAndGet(), client, mode == Mode.HALF_OPEN, cut);
                    links.add(link);
                }
            }
            if (link == null) {
                FaultProxyLink.reset(client);
            } else {
                daemon("link" + link.id + "-up", link::run);
            }
        }
    }

    /** Until the link may forward: false once it is closed, true when neither frozen nor dead. */
    boolean gate(FaultProxyLink link) {
        synchronized (lock) {
            while (!link.done && (link.dead || mode == Mode.FREEZE)) {
                if (!waitOn(0)) {
                    return false;
                }
            }
            return !link.done;
        }
    }

    void delay(FaultProxyLink link) {
        synchronized (lock) {
            long end = System.nanoTime() + delayNanos;
            for (long left = delayNanos; !link.done && left > 0; left = end - System.nanoTime()) {
                // +1: wait(0) would mean forever.
                if (!waitOn(left / 1_000_000 + 1)) {
                    return;
                }
            }
        }
    }

    private boolean waitOn(long millis) {
        try {
            lock.wait(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, "fault-proxy-" + port + "-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static ServerSocket bind() {
        IOException last = null;
        // Ports.free() checked the port, but another process may take it before we bind.
        for (int i = 0; i < 5; i++) {
            ServerSocket s = null;
            try {
                s = new ServerSocket();
                s.bind(new InetSocketAddress("127.0.0.1", Ports.free()), 64);
                return s;
            } catch (IOException e) {
                FaultProxyLink.quietly(s);
                last = e;
            }
        }
        throw new UncheckedIOException("no loopback port for the fault proxy", last);
    }
}
