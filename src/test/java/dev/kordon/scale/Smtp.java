package dev.kordon.scale;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/** A real SMTP server (GreenMail) on a fixed loopback port that can go down and come back on the same port. */
final class Smtp implements AutoCloseable {
    final int port;
    private GreenMail server;

    Smtp(int port) {
        this.port = port;
    }

    /** A fresh server on the same port: what it receives from now on. */
    synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("SMTP is up");
        }
        GreenMail s = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        s.start();
        server = s;
    }

    synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    synchronized GreenMail server() {
        if (server == null) {
            throw new IllegalStateException("SMTP is down");
        }
        return server;
    }

    @Override
    public void close() {
        stop();
    }
}
