package dev.kordon.scale;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster master whose replica has none of what it takes from now on, certainly: the replica
 * is stopped (SIGSTOP), and a filler larger than every socket buffer between them is written to the
 * master first, so that its later writes wait in the master's own memory rather than in the kernel,
 * where a replica woken again would still read them. The master's death then takes those writes
 * with it. {@link #promote} wakes the replica and makes it the master (CLUSTER FAILOVER TAKEOVER).
 */
final class ReplicationCut {
    /** Above tcp_rmem's and tcp_wmem's largest (32 MiB and 4 MiB here), in pieces the client copes with. */
    static final int FILLER_PIECES = 3;

    static final int PIECE_BYTES = 16 << 20;

    final RedisCluster cluster;
    final int master;
    final int replica;

    private ReplicationCut(RedisCluster cluster, int master, int replica) {
        this.cluster = cluster;
        this.master = master;
        this.replica = replica;
    }

    /** Cuts the replication of the master that serves {@code slot}. */
    static ReplicationCut of(RedisCluster cluster, int slot) {
        RedisCluster.NodeInfo m = cluster.masters().stream()
                .filter(i -> i.slots().get(slot))
                .findFirst()
                .orElseThrow();
        int r = cluster.replicas().stream()
                .filter(i -> m.id().equals(i.masterId()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no replica of :" + m.port()))
                .port();
        signal("STOP", cluster.node(r).process());
        ReplicationCut cut = new ReplicationCut(cluster, m.port(), r);
        String tagged = fillerKey(m);
        String piece = "x".repeat(PIECE_BYTES);
        try (Resp resp = Resp.connect(m.port(), 30_000)) {
            for (int i = 0; i < FILLER_PIECES; i++) {
                resp.call("SET", tagged + i, piece);
            }
        }
        return cut;
    }

    /** A key of the master's slots; its pieces share its hash tag. */
    private static String fillerKey(RedisCluster.NodeInfo m) {
        for (int i = 0; ; i++) {
            String tag = "filler-" + i;
            if (m.slots().get(Slots.slotOfTag(tag))) {
                return "{" + tag + "}:";
            }
        }
    }

    /** SIGKILL of the master, then the replica woken and made master; returns nanoTime of the promotion. */
    long killMasterAndPromote() {
        java.util.BitSet slots = cluster.topology().stream()
                .filter(i -> i.port() == master)
                .findFirst()
                .orElseThrow()
                .slots();
        cluster.kill(master);
        signal("CONT", cluster.node(replica).process());
        // Its own election may win first; then TAKEOVER is refused, and is not needed.
        Procs.await("CLUSTER FAILOVER TAKEOVER at :" + replica, java.time.Duration.ofSeconds(10), () -> {
            try {
                return "OK".equals(Resp.text(replica, 2_000, "CLUSTER", "FAILOVER", "TAKEOVER"));
            } catch (RuntimeException e) {
                return Resp.text(replica, 2_000, "ROLE").startsWith("[master");
            }
        });
        return cluster.awaitFailover(master, slots, java.time.Duration.ofSeconds(30));
    }

    /** Wakes the replica whatever happened (a stopped process ignores SIGTERM at cleanup). */
    void release() {
        RedisCluster.Node r = cluster.node(replica);
        if (r.alive()) {
            signal("CONT", r.process());
        }
    }

    private static void signal(String name, Process p) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid()))
                    .redirectErrorStream(true)
                    .start();
            kill.getInputStream().readAllBytes();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + p.pid() + " failed");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
