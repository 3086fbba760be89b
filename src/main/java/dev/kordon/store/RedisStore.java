package dev.kordon.store;

import dev.kordon.config.KordonConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Redis client, with the key names of its {@code redis.key-prefix} ({@link #keys}); every command
 * and script runs under {@code redis.command-timeout}.
 */
public final class RedisStore {
    /** Where commands go: one client (standalone, sentinel) or Kordon's own cluster routing. */
    private interface Nodes {
        Future<Response> send(Request request);

        Future<Void> ping();

        Future<Void> close();

        /** {@code write}, then {@code then}, on one connection to the node that owns the write's key. */
        Future<List<Response>> inOrder(Request write, Request then);

        /** A PUBLISH that every subscriber has once it succeeds. */
        default Future<Void> publish(Request request) {
            return send(request).mapEmpty();
        }
    }

    private final Nodes nodes;
    private final Keys keys;
    private final long deadlineMs;

    private RedisStore(Nodes nodes, String prefix, long deadlineMs) {
        this.nodes = nodes;
        this.keys = new Keys(prefix);
        this.deadlineMs = deadlineMs;
    }

    public static RedisStore create(Vertx vertx, KordonConfig.Redis config) {
        long deadline = config.commandTimeout().toMillis();
        if (config.mode() == KordonConfig.RedisMode.CLUSTER) {
            ClusterRouter router = new ClusterRouter(vertx, config.urls(), () -> options(config), deadline);
            return new RedisStore(
                    new Nodes() {
                        public Future<Response> send(Request request) {
                            return router.send(request);
                        }

                        public Future<Void> ping() {
                            return router.ping();
                        }

                        public Future<Void> close() {
                            return router.close();
                        }

                        public Future<Void> publish(Request request) {
                            return router.publishEverywhere(request);
                        }

                        public Future<List<Response>> inOrder(Request write, Request then) {
                            return router.inOrder(write, then);
                        }
                    },
                    config.keyPrefix(),
                    deadline);
        }
        RedisOptions options = options(config);
        config.urls().forEach(options::addConnectionString);
        if (config.mode() == KordonConfig.RedisMode.SENTINEL) {
            options.setType(RedisClientType.SENTINEL).setRole(RedisRole.MASTER).setMasterName(config.masterName());
        } else {
            options.setType(RedisClientType.STANDALONE);
        }
        Redis client = Redis.createClient(vertx, options);
        return new RedisStore(
                new Nodes() {
                    public Future<Response> send(Request request) {
                        return client.send(request);
                    }

                    public Future<Void> ping() {
                        return client.send(Request.cmd(Command.PING)).mapEmpty();
                    }

                    public Future<Void> close() {
                        return client.close();
                    }

                    public Future<List<Response>> inOrder(Request write, Request then) {
                        return client.connect().compose(conn -> RedisStore.inOrder(conn, write, then));
                    }
                },
                config.keyPrefix(),
                deadline);
    }

    private static RedisOptions options(KordonConfig.Redis config) {
        int deadline = (int) Math.min(Integer.MAX_VALUE, config.commandTimeout().toMillis());
        // A connection that hears nothing for twice the deadline is closed: a command past its
        // deadline otherwise keeps its connection, and a hung node or a partition would take the
        // whole pool, one deadline at a time, and keep it after the node is back. Idle connections
        // are retired by the pool itself well before that, so the limit only ever closes a connection
        // still waiting for a reply, never one that a command is about to be sent on.
        int silentLimit = (int) Math.min(Integer.MAX_VALUE, 2L * deadline);
        return new RedisOptions()
                // RESP2: replies keep one shape (arrays, not maps) whatever the server version.
                .setPreferredProtocolVersion(io.vertx.redis.client.ProtocolVersion.RESP2)
                // A node that is gone (no RST, as when a pod's address vanishes) fails within the deadline.
                .setNetClientOptions(new NetClientOptions()
                        .setConnectTimeout(deadline)
                        .setReadIdleTimeout(silentLimit)
                        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                        .setTcpKeepAlive(true))
                .setPoolRecycleTimeout(silentLimit / 2)
                .setPoolCleanerInterval(Math.max(1, silentLimit / 4))
                .setMaxPoolSize(config.poolSize())
                .setMaxPoolWaiting(config.waitQueue())
                .setMaxWaitingHandlers(config.waitQueue() * 4);
    }

    /**
     * A client for the pub/sub connection and its heartbeat connection. Standalone and sentinel (the master) as configured; in
     * cluster mode a plain connection to one node, {@code attempt} choosing which, because a classic
     * PUBLISH reaches every node of the cluster.
     */
    public static Redis subscriber(Vertx vertx, KordonConfig.Redis config, int attempt) {
        RedisOptions options = new RedisOptions()
                .setPreferredProtocolVersion(io.vertx.redis.client.ProtocolVersion.RESP2)
                .setMaxPoolSize(2) // the subscription and the heartbeat
                .setMaxPoolWaiting(2);
        switch (config.mode()) {
            case CLUSTER ->
                options.setType(RedisClientType.STANDALONE)
                        .addConnectionString(config.urls()
                                .get(Math.floorMod(attempt, config.urls().size())));
            case SENTINEL -> {
                // No automatic failover: it would swap in a connection without our subscription and
                // handlers; losing the old one makes us subscribe again at the new master instead.
                options.setType(RedisClientType.SENTINEL)
                        .setRole(RedisRole.MASTER)
                        .setMasterName(config.masterName())
                        .setAutoFailover(false);
                config.urls().forEach(options::addConnectionString);
            }
            default -> {
                options.setType(RedisClientType.STANDALONE);
                config.urls().forEach(options::addConnectionString);
            }
        }
        return Redis.createClient(vertx, options);
    }

    /** Every key name, under this store's prefix. */
    public Keys keys() {
        return keys;
    }

    /** One command, failed after {@code redis.command-timeout}: a request waits for Redis no longer. */
    public Future<Response> send(Command command, Object... args) {
        Request req = Request.cmd(command);
        for (Object a : args) {
            req.arg(String.valueOf(a));
        }
        return raw(req);
    }

    public Future<Response> eval(LuaScript script, List<String> keys, List<String> args) {
        return script.run(this, keys, args);
    }

    /**
     * A write that counts once {@code replicas} replicas have it: {@code WAIT} follows it on the same
     * connection (WAIT counts the replicas that have every write of its own connection), at the master
     * that took it. Completes with the write's reply and how many replicas confirmed it within
     * {@code wait}, which may be fewer; the whole waits at most {@code redis.command-timeout} plus
     * {@code wait}.
     */
    public Future<Confirmed> sendConfirmed(int replicas, Duration wait, Command command, Object... args) {
        Request req = Request.cmd(command);
        for (Object a : args) {
            req.arg(String.valueOf(a));
        }
        Request waitFor = Request.cmd(Command.WAIT).arg(replicas).arg(wait.toMillis());
        return nodes.inOrder(req, waitFor)
                .timeout(deadlineMs + wait.toMillis(), TimeUnit.MILLISECONDS)
                .map(replies -> new Confirmed(replies.get(0), replies.get(1).toInteger()));
    }

    /** The reply of a write, and how many replicas confirmed it. */
    public record Confirmed(Response reply, int replicas) {}

    /**
     * Both requests pipelined on {@code conn}, which goes back to its pool once both are answered (so
     * a WAIT still running never holds up the next user of the connection); fails with the first
     * request's error when it fails.
     */
    static Future<List<Response>> inOrder(RedisConnection conn, Request first, Request second) {
        Future<Response> a = conn.send(first);
        Future<Response> b = conn.send(second);
        return Future.join(a, b)
                .eventually(conn::close)
                .transform(ar -> a.failed()
                        ? Future.<List<Response>>failedFuture(a.cause())
                        : b.failed()
                                ? Future.<List<Response>>failedFuture(b.cause())
                                : Future.succeededFuture(java.util.Arrays.asList(a.result(), b.result())));
    }

    Future<Response> raw(Request req) {
        return nodes.send(req).timeout(deadlineMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Announces {@code message} on {@code channel}; once it succeeds, every subscriber has it, in
     * cluster mode too (every node is told, not only one and then the cluster bus).
     */
    public Future<Void> publish(String channel, String message) {
        return nodes.publish(Request.cmd(Command.PUBLISH).arg(channel).arg(message))
                .timeout(deadlineMs, TimeUnit.MILLISECONDS);
    }

    /** Redis answers (in cluster mode: any master does). */
    public Future<Void> ping() {
        return nodes.ping().timeout(deadlineMs, TimeUnit.MILLISECONDS);
    }

    public Future<Void> close() {
        return nodes.close();
    }
}
