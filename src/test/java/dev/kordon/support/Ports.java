package dev.kordon.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for the servers tests start. They come from below Linux's ephemeral range
 * (32768 and up): a port the kernel hands out for "port 0" can be taken a moment later as the
 * local end of some outgoing connection (a Redis or Postgres pool opening), and the server meant
 * for it then fails with "Address already in use". Ports are also never handed out twice in a run.
 */
public final class Ports {
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private Ports() {}

    /** A free loopback port in 12000..19999. */
    public static int free() {
        return pick(12_000, 20_000, 0);
    }

    /** A free port {@code p} whose {@code p + 10000} (Redis Cluster's bus port) is free too. */
    public static int freeWithBus() {
        return pick(20_000, 22_700, 10_000);
    }

    private static int pick(int from, int to, int busOffset) {
        for (int i = 0; i < 2_000; i++) {
            int p = ThreadLocalRandom.current().nextInt(from, to);
            if (bindable(p) && (busOffset == 0 || bindable(p + busOffset)) && GIVEN.add(p)) {
                if (busOffset != 0) {
                    GIVEN.add(p + busOffset);
                }
                return p;
            }
        }
        throw new IllegalStateException("no free loopback port in " + from + ".." + (to - 1));
    }

    private static boolean bindable(int port) {
        if (GIVEN.contains(port)) {
            return false;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress("127.0.0.1", port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
