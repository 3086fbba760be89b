package dev.kordon.store;

import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.netty.channel.unix.Errors;
import io.vertx.core.VertxException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.pgclient.PgException;
import io.vertx.redis.client.impl.types.ErrorType;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Whether a failure is something Kordon leans on being out of reach (Postgres, Redis, a verticle
 * on the event bus, a deadline), which the client may retry (503), rather than a fault in Kordon
 * itself, which must be seen and fixed (500, logged with its stack). Only what is known to be an
 * outage counts as one; anything unrecognised is treated as a bug.
 */
public final class Outage {
    /**
     * SQLSTATE classes of a database that cannot serve now: connection exceptions (08), insufficient
     * resources (53), operator intervention such as a shutdown or a cancelled statement (57), system
     * errors (58), and transaction rollbacks such as serialization failures (40).
     */
    private static final Set<String> PG_CLASSES = Set.of("08", "53", "57", "58", "40");
    /** 25006: a write reached a standby (a failover in progress). */
    private static final Set<String> PG_STATES = Set.of("25006");
    /** Redis replies of a node that cannot serve now (loading, failing over, busy, full) or a lost link. */
    private static final Set<String> REDIS_KINDS = Set.of(
            "CONNECTION_CLOSED",
            "LOADING",
            "BUSY",
            "MASTERDOWN",
            "CLUSTERDOWN",
            "TRYAGAIN",
            "READONLY",
            "NOREPLICAS",
            "OOM",
            "MOVED",
            "ASK");
    /**
     * How the Redis client says, in words only (a message on a stackless VertxException), that a
     * connection, its queue, a Sentinel or the cluster's slot map is not there: a Sentinel failover
     * closes the master's connections under requests already sent.
     */
    private static final List<String> REDIS_CLIENT_SAYS = List.of(
            "Connection is closed",
            "Redis waiting queue is full",
            "Failed obtaining connection to: ",
            "Could not obtain sentinel topology",
            "Failed to get SENTINEL GET-MASTER-ADDR-BY-NAME ",
            "CLUSTER SLOTS No slots available in the cluster.",
            "Connected to replica, retrying with master");
    /** How the SQL client's pool says, in words only, that no connection came within pg.connect-timeout. */
    private static final List<String> PG_CLIENT_SAYS = List.of("Timeout waiting for connection");
    /** The words of a network write on a connection the peer reset or closed, and nothing else. */
    private static final Set<String> RESET_SAYS = Set.of("Connection reset by peer", "Broken pipe");
    /** Causes followed at most; a cycle or a very deep chain is not followed further. */
    private static final int DEPTH = 8;

    private Outage() {}

    /** True when {@code err}, or one of its causes, is an outage of something Kordon depends on. */
    public static boolean of(Throwable err) {
        Throwable t = err;
        for (int i = 0; t != null && i < DEPTH; i++) {
            if (known(t)) {
                return true;
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return false;
    }

    private static boolean known(Throwable t) {
        // Network failures only: a JSON parser's complaint is an IOException too, and is a fault.
        // SocketException covers a refused connection, the Redis client's failure to connect included;
        // Netty's native transport reports a reset connection as its own NativeIoException.
        if (t instanceof TimeoutException
                || t instanceof SocketException
                || t instanceof SocketTimeoutException
                || t instanceof ClosedChannelException
                || t instanceof Errors.NativeIoException
                || t instanceof ClosedConnectionException
                || t instanceof HttpClosedException
                || t instanceof ConnectionPoolTooBusyException) {
            return true;
        }
        if (t instanceof FlowException fe) {
            return fe.failure() == Failure.UNAVAILABLE || fe.failure() == Failure.OVERLOADED;
        }
        if (t instanceof ReplyException re) {
            return re.failureType() == ReplyFailure.TIMEOUT || re.failureType() == ReplyFailure.NO_HANDLERS;
        }
        if (t instanceof PgException pg) {
            String state = pg.getSqlState();
            return state != null
                    && state.length() == 5
                    && (PG_CLASSES.contains(state.substring(0, 2)) || PG_STATES.contains(state));
        }
        if (t instanceof ErrorType redis) {
            String message = redis.getMessage();
            String kind = message == null ? "" : message.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            return REDIS_KINDS.contains(kind);
        }
        if (t instanceof VertxException && t.getMessage() != null) {
            String message = t.getMessage();
            if (PG_CLIENT_SAYS.stream().anyMatch(message::startsWith)) {
                return true;
            }
            return t.getStackTrace().length == 0 && REDIS_CLIENT_SAYS.stream().anyMatch(message::startsWith);
        }
        if (t instanceof java.io.IOException && t.getMessage() != null) {
            // The JDK's plain IOException for a peer that reset or closed under a write.
            return RESET_SAYS.contains(t.getMessage());
        }
        return t instanceof Unreachable || t instanceof Unconfirmed;
    }

    /** True when {@code err}, or one of its causes, is an {@link Unconfirmed} write. */
    public static boolean unconfirmed(Throwable err) {
        Throwable t = err;
        for (int i = 0; t != null && i < DEPTH; i++) {
            if (t instanceof Unconfirmed) {
                return true;
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return false;
    }

    /** Kordon's own word for a dependency out of reach, such as no Redis Cluster node serving a key. */
    public static final class Unreachable extends RuntimeException {
        public Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A write Redis took that too few replicas confirmed in time: answered as an outage (503), yet it
     * stays written and may still take effect, so what the request counted is not given back.
     */
    public static final class Unconfirmed extends RuntimeException {
        public Unconfirmed(String message) {
            super(message, null, false, false);
        }
    }
}
