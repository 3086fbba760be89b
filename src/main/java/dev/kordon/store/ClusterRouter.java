package dev.kordon.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.RequestImpl;
import io.vertx.redis.client.impl.ZModem;
import io.vertx.redis.client.impl.types.ErrorType;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis Cluster, routed here: one pooled standalone client per master and a slot table from
 * {@code CLUSTER SLOTS}. The client library's cluster mode opens a connection to every node,
 * replicas included, for each command, and fails the command when any one node is unreachable:
 * a dead replica stopped every sign-in. Here a command only ever touches the master of its slot,
 * so a dead replica costs nothing and a dead master costs only its own slots until a replica takes
 * them over. MOVED and ASK are followed; a failure or a MOVED refreshes the table (at most every
 * {@link #MIN_REFRESH_MS} ms), and it is also refreshed every {@link #PERIODIC_REFRESH_MS} ms.
 */
final class ClusterRouter {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRouter.class);
    static final int SLOTS = 16384;
    static final long MIN_REFRESH_MS = 250;
    static final long PERIODIC_REFRESH_MS = 5_000;

    private final Vertx vertx;
    private final ContextInternal home;
    private final Supplier<RedisOptions> nodeOptions;
    private final List<String> seeds;
    private final long deadlineMs;
    private final Map<String, Redis> clients = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final Promise<Void> firstTable = Promise.promise();
    private final long timer;
    private volatile String[] owners = new String[SLOTS];
    private volatile List<String> masters = List.of();
    private volatile long lastRefresh;
    private volatile boolean closed;

    ClusterRouter(Vertx vertx, List<String> seeds, Supplier<RedisOptions> nodeOptions, long deadlineMs) {
        this.vertx = vertx;
        this.home = (ContextInternal) vertx.getOrCreateContext();
        this.seeds = List.copyOf(seeds);
        this.nodeOptions = nodeOptions;
        this.deadlineMs = deadlineMs;
        this.timer = vertx.setPeriodic(PERIODIC_REFRESH_MS, id -> refresh());
        refresh();
    }

    Future<Response> send(Request request) {
        if (masters.isEmpty()) {
            // Just started: wait for the first slot table (the caller's deadline bounds the wait).
            return firstTable.future().compose(v -> send(request));
        }
        Integer slot = slotOf(request);
        if (slot == null) {
            return anyMaster(request, masters, 0);
        }
        String endpoint = owners[slot];
        if (endpoint == null) {
            refresh();
            return Future.failedFuture(new Outage.Unreachable("no Redis Cluster master serves slot " + slot));
        }
        return send(endpoint, request, 2);
    }

    /**
     * {@code write}, then {@code then}, on one connection to the master of the write's slot (a WAIT
     * after it counts that connection's writes). A MOVED is followed; an ASK (a slot in migration)
     * fails as an outage, to be retried by the client.
     */
    Future<List<Response>> inOrder(Request write, Request then) {
        if (masters.isEmpty()) {
            return firstTable.future().compose(v -> inOrder(write, then));
        }
        Integer slot = slotOf(write);
        String endpoint = slot == null ? null : owners[slot];
        if (endpoint == null) {
            refresh();
            return Future.failedFuture(new Outage.Unreachable("no Redis Cluster master serves slot " + slot));
        }
        return inOrder(endpoint, slot, write, then, 2);
    }

    private Future<List<Response>> inOrder(String endpoint, int slot, Request write, Request then, int redirects) {
        return client(endpoint)
                .connect()
                .compose(conn -> RedisStore.inOrder(conn, write, then))
                .recover(err -> {
                    if (err instanceof ErrorType e && e.is("MOVED") && redirects > 0) {
                        String target = redirectTarget(endpoint, e);
                        refresh();
                        if (target != null) {
                            owners[slot] = target;
                            return inOrder(target, slot, write, then, redirects - 1);
                        }
                    } else if (!(err instanceof ErrorType) || ((ErrorType) err).is("CLUSTERDOWN")) {
                        refresh();
                    }
                    return Future.failedFuture(err);
                });
    }

    /** A command without a key (PUBLISH, PING): the first master that takes it. */
    private Future<Response> anyMaster(Request request, List<String> endpoints, int index) {
        // A command whose key the client cannot find (XGROUP CREATE) lands here too: MOVED is followed.
        return send(endpoints.get(index), request, 2).recover(err -> {
            if (err instanceof ErrorType || index + 1 >= endpoints.size()) {
                return Future.failedFuture(err);
            }
            refresh();
            return anyMaster(request, endpoints, index + 1);
        });
    }

    /**
     * A PUBLISH on every seed node, where the instances' subscriptions listen: each node hands it to
     * its own subscribers before it answers, so once this succeeds every subscriber has it; through
     * the cluster bus alone it could reach a subscriber on another node only after the publisher
     * was answered. Succeeds when any node took it; each node waits at most the deadline.
     */
    Future<Void> publishEverywhere(Request request) {
        List<Future<Response>> sends = seeds.stream()
                .map(endpoint -> client(endpoint).send(request).timeout(deadlineMs, TimeUnit.MILLISECONDS))
                .toList();
        return Future.join(sends)
                .transform(ar -> sends.stream().anyMatch(Future::succeeded)
                        ? Future.<Void>succeededFuture()
                        : Future.<Void>failedFuture(sends.get(0).cause()));
    }

    /** Any master that answers: readiness must not fail because one master of several is down. */
    Future<Void> ping() {
        List<String> known = masters.isEmpty() ? seeds : masters;
        return pingFrom(known, 0);
    }

    private Future<Void> pingFrom(List<String> endpoints, int index) {
        if (index >= endpoints.size()) {
            refresh();
            return Future.failedFuture(new Outage.Unreachable("no Redis Cluster master answers"));
        }
        return client(endpoints.get(index))
                .send(Request.cmd(Command.PING))
                .timeout(deadlineMs, TimeUnit.MILLISECONDS)
                .<Void>mapEmpty()
                .recover(err -> pingFrom(endpoints, index + 1));
    }

    Future<Void> close() {
        closed = true;
        vertx.cancelTimer(timer);
        List<Future<Void>> all = new ArrayList<>();
        clients.values().forEach(c -> all.add(c.close()));
        return Future.join(all).mapEmpty();
    }

    private Future<Response> send(String endpoint, Request request, int redirects) {
        return client(endpoint).send(request).recover(err -> {
            if (err instanceof ErrorType e && (e.is("MOVED") || e.is("ASK")) && redirects > 0) {
                String target = redirectTarget(endpoint, e);
                if (e.is("MOVED")) {
                    String[] table = owners;
                    Integer slot = slotOf(request);
                    if (slot != null && target != null) {
                        table[slot] = target;
                    }
                    refresh();
                    return target == null ? Future.failedFuture(err) : send(target, request, redirects - 1);
                }
                // ASK: one command at the importing node, on one connection, right after ASKING.
                return target == null
                        ? Future.failedFuture(err)
                        : client(target)
                                .connect()
                                .compose(conn -> conn.send(Request.cmd(Command.ASKING))
                                        .compose(ok -> conn.send(request))
                                        .eventually(conn::close));
            }
            if (!(err instanceof ErrorType)
                    || ((ErrorType) err).is("CLUSTERDOWN")
                    || ((ErrorType) err).is("TRYAGAIN")) {
                // Unreachable node or a cluster in the middle of a failover: the table may be stale.
                refresh();
            }
            return Future.failedFuture(err);
        });
    }

    /** The slot of the request's first key (Kordon's multi-key commands keep their keys in one slot). */
    private static Integer slotOf(Request request) {
        List<byte[]> keys = ((RequestImpl) request).keys();
        return keys.isEmpty() ? null : ZModem.generate(keys.get(0));
    }

    private Redis client(String endpoint) {
        Redis known = clients.get(endpoint);
        if (known != null) {
            return known;
        }
        // Made on the router's own context, not the calling verticle's: a client made inside a verticle
        // is closed when that verticle stops, while every HTTP instance shares these ("Client is closed"
        // for requests still in flight on the others during a drain).
        Redis[] made = new Redis[1];
        home.dispatch(() -> made[0] = clients.computeIfAbsent(
                endpoint,
                e -> Redis.createClient(
                        vertx,
                        nodeOptions.get().setType(RedisClientType.STANDALONE).setConnectionString(e))));
        return made[0];
    }

    /** Reads the slot table from the first node that answers: known masters first, then the seeds. */
    void refresh() {
        long now = System.currentTimeMillis();
        if (closed || now - lastRefresh < MIN_REFRESH_MS || !refreshing.compareAndSet(false, true)) {
            return;
        }
        lastRefresh = now;
        LinkedHashSet<String> candidates = new LinkedHashSet<>(masters);
        candidates.addAll(seeds);
        readSlots(new ArrayList<>(candidates), 0).onComplete(ar -> {
            refreshing.set(false);
            if (ar.failed()) {
                LOG.warn("Redis Cluster: no node gave its slot table ("
                        + ar.cause().getMessage() + "); retrying");
            }
        });
    }

    private Future<Void> readSlots(List<String> candidates, int index) {
        if (index >= candidates.size()) {
            return Future.failedFuture("none of " + candidates.size() + " nodes answered CLUSTER SLOTS");
        }
        String from = candidates.get(index);
        return client(from)
                .send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
                .timeout(deadlineMs, TimeUnit.MILLISECONDS)
                .compose(reply -> {
                    if (reply == null || reply.size() == 0) {
                        return Future.failedFuture("empty slot table");
                    }
                    install(from, reply);
                    return Future.<Void>succeededFuture();
                })
                .recover(err -> readSlots(candidates, index + 1));
    }

    private void install(String from, Response reply) {
        String[] table = new String[SLOTS];
        LinkedHashSet<String> found = new LinkedHashSet<>();
        for (Response range : reply) {
            int start = range.get(0).toInteger();
            int end = range.get(1).toInteger();
            Response master = range.get(2);
            String endpoint = endpoint(
                    from,
                    master.get(0) == null ? "" : master.get(0).toString(),
                    master.get(1).toInteger());
            found.add(endpoint);
            for (int s = start; s <= end && s < SLOTS; s++) {
                table[s] = endpoint;
            }
        }
        List<String> before = masters;
        owners = table;
        masters = List.copyOf(found);
        firstTable.tryComplete();
        if (!before.equals(masters)) {
            LOG.info("Redis Cluster: " + masters.size() + " masters serve the slots");
        }
    }

    /** A node's URL in the form of the node that told us about it (scheme, credentials). */
    static String endpoint(String from, String host, int port) {
        URI uri = URI.create(from);
        String h = host.isEmpty() || "?".equals(host) ? uri.getHost() : host.contains(":") ? "[" + host + "]" : host;
        String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
        return uri.getScheme() + "://" + userInfo + h + ":" + port;
    }

    private static String redirectTarget(String from, ErrorType e) {
        String addr = e.slice(' ', 2);
        if (addr == null || !addr.contains(":")) {
            return null;
        }
        int colon = addr.lastIndexOf(':');
        try {
            return endpoint(from, addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)));
        } catch (NumberFormatException bad) {
            return null;
        }
    }
}
