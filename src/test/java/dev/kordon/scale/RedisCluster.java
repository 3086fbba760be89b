package dev.kordon.scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster: six {@code redis-server} processes on loopback (three masters, one replica
 * each), created by {@code redis-cli --cluster create}. Nodes can be killed (SIGKILL) and the
 * failover watched through {@code CLUSTER NODES}.
 */
final class RedisCluster implements AutoCloseable {
    static final String REDIS_SERVER = "redis-server";
    static final String REDIS_CLI = "redis-cli";
    private static final int TIMEOUT_MS = 1000;

    /** One node process. */
    record Node(int port, Process process, Path dir) {
        String url() {
            return "redis://127.0.0.1:" + port;
        }

        boolean alive() {
            return process.isAlive();
        }
    }

    /** One line of CLUSTER NODES. */
    record NodeInfo(String id, int port, boolean master, boolean failed, String masterId, BitSet slots) {
        @Override
        public String toString() {
            return (master ? "master" : "replica") + " :" + port + (failed ? " (fail)" : "") + " slots "
                    + Slots.ranges(slots);
        }
    }

    private final Path dir;
    private final List<Node> nodes = new ArrayList<>();

    private RedisCluster(Path dir) {
        this.dir = dir;
    }

    /** Starts six nodes under {@code dir}, creates the cluster, waits until every node says ok. */
    static RedisCluster start(Path dir) throws Exception {
        RedisCluster c = new RedisCluster(dir);
        try {
            for (int i = 0; i < 6; i++) {
                c.nodes.add(c.startNode(Procs.freePortWithBus()));
            }
            for (Node n : c.nodes) {
                Procs.await("redis-server :" + n.port + " answers PING", Duration.ofSeconds(20), () -> c.pings(n.port));
            }
            List<String> cmd = new ArrayList<>(List.of(REDIS_CLI, "--cluster", "create"));
            c.nodes.forEach(n -> cmd.add("127.0.0.1:" + n.port));
            cmd.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            Path out = dir.resolve("cluster-create.log");
            Process create = Procs.start(
                    new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()));
            if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
                Procs.stop(create, Duration.ofSeconds(1));
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + Procs.tail(out, 40));
            }
            c.awaitHealthy(Duration.ofSeconds(30));
            c.checkSlotFunction();
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    private Node startNode(int port) throws IOException {
        Path nodeDir = Files.createDirectories(dir.resolve("node-" + port));
        Path conf = nodeDir.resolve("redis.conf");
        Files.writeString(
                conf,
                String.join(
                        "\n",
                        "port " + port,
                        "bind 127.0.0.1",
                        "protected-mode no",
                        "daemonize no",
                        "cluster-enabled yes",
                        "cluster-config-file " + nodeDir.resolve("nodes.conf"),
                        "cluster-node-timeout 2000",
                        // As docs/operations.md asks of a production cluster: with the default (yes) Redis refuses
                        // every slot while one master is failed.
                        "cluster-require-full-coverage no",
                        "save \"\"",
                        "appendonly no",
                        "dir " + nodeDir,
                        "logfile " + nodeDir.resolve("redis.log"),
                        ""),
                StandardCharsets.UTF_8);
        Process p = Procs.start(new ProcessBuilder(REDIS_SERVER, conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(nodeDir.resolve("stdout.log").toFile()));
        return new Node(port, p, nodeDir);
    }

    private boolean pings(int port) {
        try {
            return "PONG".equals(Resp.text(port, TIMEOUT_MS, "PING"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Every live node says cluster_state:ok and knows every node, three masters own all 16384
     * slots, and every live replica's link to its master is up.
     */
    void awaitHealthy(Duration timeout) {
        Procs.await("Redis Cluster healthy (" + describe() + ")", timeout, this::healthy);
    }

    boolean healthy() {
        try {
            for (Node n : liveNodes()) {
                String info = Resp.text(n.port, TIMEOUT_MS, "CLUSTER", "INFO");
                if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_assigned:16384")) {
                    return false;
                }
            }
            List<NodeInfo> topo = topology();
            BitSet all = new BitSet();
            for (NodeInfo i : topo) {
                if (i.master && !i.failed) {
                    all.or(i.slots);
                }
            }
            if (all.cardinality() != 16384) {
                return false;
            }
            for (NodeInfo i : topo) {
                if (!i.master && !i.failed && node(i.port).alive()) {
                    String repl = Resp.text(i.port, TIMEOUT_MS, "INFO", "replication");
                    if (!repl.contains("master_link_status:up")) {
                        return false;
                    }
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    List<Node> liveNodes() {
        return nodes.stream().filter(Node::alive).toList();
    }

    Node node(int port) {
        return nodes.stream().filter(n -> n.port == port).findFirst().orElseThrow();
    }

    /** The connection strings of all six nodes, as Kordon takes them (comma-separated). */
    List<String> urls() {
        return nodes.stream().map(Node::url).toList();
    }

    /** CLUSTER NODES as one live node sees it. */
    List<NodeInfo> topology() {
        RuntimeException last = null;
        for (Node n : liveNodes()) {
            try {
                return parse(Resp.text(n.port, TIMEOUT_MS, "CLUSTER", "NODES"));
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last != null ? last : new IllegalStateException("no live node");
    }

    static List<NodeInfo> parse(String clusterNodes) {
        List<NodeInfo> out = new ArrayList<>();
        for (String line : clusterNodes.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" ");
            String addr = f[1];
            int port = Integer.parseInt(addr.substring(
                    addr.lastIndexOf(':') + 1, addr.indexOf('@') > 0 ? addr.indexOf('@') : addr.length()));
            String flags = f[2];
            BitSet slots = new BitSet(16384);
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated
                }
                String[] range = f[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                slots.set(from, to + 1);
            }
            boolean failed = flags.contains("fail") && !flags.contains("fail?") || flags.contains("noaddr");
            out.add(new NodeInfo(f[0], port, flags.contains("master"), failed, "-".equals(f[3]) ? null : f[3], slots));
        }
        return out;
    }

    List<NodeInfo> masters() {
        return topology().stream().filter(i -> i.master && !i.failed).toList();
    }

    List<NodeInfo> replicas() {
        return topology().stream().filter(i -> !i.master && !i.failed).toList();
    }

    /** The live master that serves {@code slot} now, by its port. */
    int masterOf(int slot) {
        return masters().stream().filter(i -> i.slots.get(slot)).findFirst().orElseThrow().port;
    }

    /** SIGKILL: the node vanishes without a word to its peers. */
    void kill(int port) {
        Procs.kill(node(port).process);
    }

    /**
     * Every killed node started again on its port, config and nodes.conf: it rejoins the cluster, a
     * master that was failed over as a replica of its successor. Returns their ports.
     */
    List<Integer> restartDead() throws IOException {
        List<Integer> restarted = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!nodes.get(i).alive()) {
                nodes.set(i, startNode(nodes.get(i).port));
                restarted.add(nodes.get(i).port);
            }
        }
        return restarted;
    }

    /**
     * Waits until the slots {@code dead} served are served by another live master and every live
     * node says cluster_state:ok; returns {@link System#nanoTime()} of the first poll that saw it.
     */
    long awaitFailover(int dead, BitSet deadSlots, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            try {
                boolean done = true;
                for (Node n : liveNodes()) {
                    List<NodeInfo> seen = parse(Resp.text(n.port, TIMEOUT_MS, "CLUSTER", "NODES"));
                    BitSet covered = new BitSet();
                    for (NodeInfo i : seen) {
                        if (i.master && !i.failed && i.port != dead) {
                            covered.or(i.slots);
                        }
                    }
                    BitSet missing = (BitSet) deadSlots.clone();
                    missing.andNot(covered);
                    String info = Resp.text(n.port, TIMEOUT_MS, "CLUSTER", "INFO");
                    if (!missing.isEmpty() || !info.contains("cluster_state:ok")) {
                        done = false;
                        break;
                    }
                }
                if (done) {
                    return System.nanoTime();
                }
            } catch (RuntimeException e) {
                // a node busy with the failover; ask again
            }
            Procs.sleep(25);
        }
        throw new IllegalStateException(
                "no failover of :" + dead + " within " + timeout.toSeconds() + " s: " + describe());
    }

    String describe() {
        try {
            return topology().toString();
        } catch (RuntimeException e) {
            return "(topology unknown: " + e.getMessage() + ")";
        }
    }

    /** Our slot function against CLUSTER KEYSLOT on a few keys of Kordon's shapes. */
    private void checkSlotFunction() {
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (String key : List.of(
                "kordon:{a:6f1c9a52-9d0e-4a55-8f65-0a7b3c1d2e3f}:fams",
                "kordon:{l:mobile:+375251000000}:pwfail",
                "kordon:{ip:127.30.1.2}:pw",
                "kordon:outbox",
                "123456789",
                "{user1000}.following",
                "foo{}{bar}",
                "foo{{bar}}zap")) {
            expected.put(key, Slots.slotOf(key));
        }
        int port = nodes.get(0).port;
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            long actual = (Long) Resp.once(port, TIMEOUT_MS, "CLUSTER", "KEYSLOT", e.getKey());
            if (actual != e.getValue()) {
                throw new IllegalStateException(
                        "slot of " + e.getKey() + ": ours " + e.getValue() + ", Redis " + actual);
            }
        }
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            Procs.stop(n.process, Duration.ofSeconds(5));
        }
    }

    Path dir() {
        return dir;
    }

    static void requireInstalled() {
        for (String tool : List.of(REDIS_SERVER, REDIS_CLI)) {
            try {
                Process p = new ProcessBuilder(tool, "--version")
                        .redirectErrorStream(true)
                        .start();
                p.getInputStream().readAllBytes();
                if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException(tool + " --version failed");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(
                        tool + " is needed on the PATH for the scale-out tests (apt-get install redis-server)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
