package dev.kordon.ops;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The drain of one instance (http.drain-delay): from SIGTERM on, readiness answers 503 so load
 * balancers stop sending, while the port still serves what arrives. Answers given meanwhile close
 * their connection, so no idle keep-alive connection of a proxy is left to race the closing port.
 */
public final class Drain {
    private final AtomicBoolean started = new AtomicBoolean();

    /** True the first time only. */
    public boolean start() {
        return started.compareAndSet(false, true);
    }

    public boolean draining() {
        return started.get();
    }
}
