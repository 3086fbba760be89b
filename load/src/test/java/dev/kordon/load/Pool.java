package dev.kordon.load;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the virtual users draw from: seeded logins, client addresses and tokens. The lower half of
 * the accounts is cycled by password sign-ins; the upper half is handed out once each to SMS and
 * recovery, whose per-number caps (resend after 60 s, 5 an hour) would otherwise be measured.
 */
final class Pool {
    static final String PASSWORD = "Kordon-bench-2026";

    final int accounts;
    private final int cycled;
    private final AtomicLong nextCycled = new AtomicLong();
    /** Per use: {next, end, first}; with {@code reuse}, a share used up starts again at its first number. */
    private final java.util.Map<String, int[]> once = new java.util.HashMap<>();

    private final boolean reuse;
    private final AtomicLong nextIp = new AtomicLong();
    final List<String> access = new CopyOnWriteArrayList<>();
    final ConcurrentLinkedQueue<String> refresh = new ConcurrentLinkedQueue<>();

    Pool(int accounts) {
        this.accounts = accounts;
        this.cycled = Math.max(1, accounts / 2);
        this.reuse = false;
        // The once-only half, shared out so that no scenario can use up another's numbers.
        int top = accounts;
        int half = accounts - cycled;
        for (String[] share :
                new String[][] {{"sms", "50"}, {"recovery", "20"}, {"mix sms", "15"}, {"mix recovery", "15"}}) {
            int n = half * Integer.parseInt(share[1]) / 100;
            once.put(share[0], new int[] {top - n, top, top - n});
            top -= n;
        }
    }

    /**
     * The soak's pool: {@code cycled} accounts for password sign-ins, then {@code perShare} numbers
     * each for the mix's SMS and recovery, handed out in turn and again from the first once used up.
     * The soak sizes a share so that a number comes round no sooner than the per-number caps allow.
     */
    private Pool(int cycled, int perShare) {
        this.accounts = cycled + 2 * perShare;
        this.cycled = cycled;
        this.reuse = true;
        once.put("mix sms", new int[] {cycled, cycled + perShare, cycled});
        once.put("mix recovery", new int[] {cycled + perShare, accounts, cycled + perShare});
    }

    static Pool soak(int cycled, int perShare) {
        return new Pool(cycled, perShare);
    }

    static String phone(int i) {
        return String.format("+37533%07d", i);
    }

    String cycled() {
        return phone((int) (nextCycled.getAndIncrement() % cycled));
    }

    /** A share of its own, numbers {@code from} to {@code to - 1}, for a scenario that seeds them itself. */
    void share(String use, int from, int to) {
        once.put(use, new int[] {from, to, from});
    }

    /** How many numbers of the share of {@code use} are still unused. */
    int left(String use) {
        int[] range = once.get(use);
        if (range == null) {
            return 0;
        }
        synchronized (range) {
            return range[1] - range[0];
        }
    }

    /** A login no one has used in this run, from the share of {@code use}, or "" when that share is used up. */
    String once(String use) {
        int[] range = once.get(use);
        if (range == null) {
            return "";
        }
        synchronized (range) {
            if (reuse && range[0] == range[1]) {
                range[0] = range[2];
            }
            return range[0] < range[1] ? phone(range[0]++) : "";
        }
    }

    /**
     * A fresh client address for every user (X-Forwarded-For, believed from loopback): 10.0.0.1
     * onwards, some sixteen million before one repeats, so per-IP throttles run but never bind.
     */
    String ip() {
        long n = nextIp.incrementAndGet() % 0xFFFFFE + 1;
        return "10." + ((n >> 16) & 255) + "." + ((n >> 8) & 255) + "." + (n & 255);
    }

    /**
     * In the soak's pool, a fresh access token (from a refresh) takes a random place: the set stays as
     * large and never expires (15 min). The benchmark's scenarios end long before, and keep their tokens.
     */
    void freshAccess(String token) {
        if (!reuse) {
            return;
        }
        if (access.isEmpty()) {
            access.add(token);
            return;
        }
        access.set(ThreadLocalRandom.current().nextInt(access.size()), token);
    }

    String anyAccess() {
        return access.get(ThreadLocalRandom.current().nextInt(access.size()));
    }
}
