package dev.kordon.load;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a parameter set started (servers, Kordon, samplers, peers), closed last-first after the set
 * and by the shutdown hook too: an interrupted run must not leave processes behind.
 */
final class Resources {
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    <T extends AutoCloseable> T remember(T resource) {
        synchronized (open) {
            open.push(resource);
        }
        return resource;
    }

    void closeAll() {
        while (true) {
            AutoCloseable c;
            synchronized (open) {
                c = open.poll();
            }
            if (c == null) {
                return;
            }
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("bench: cleanup: " + e);
            }
        }
    }
}
