package dev.kordon.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.pgclient.PgException;
import io.vertx.redis.client.impl.types.ErrorType;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** What counts as an outage (503, come back) and what as a fault in Kordon (500, fix it). */
class OutageTest {
    static PgException pg(String state) {
        return new PgException("message", "ERROR", state, null);
    }

    @Test
    void lostConnectionsDeadlinesAndBusyStoresAreOutages() {
        assertThat(Outage.of(new ConnectException("Connection refused"))).isTrue();
        assertThat(Outage.of(new TimeoutException("deadline"))).isTrue();
        assertThat(Outage.of(new java.net.SocketException("Connection reset"))).isTrue();
        assertThat(Outage.of(new java.nio.channels.ClosedChannelException())).isTrue();
        assertThat(Outage.of(new io.netty.channel.ConnectTimeoutException("connect timed out")))
                .isTrue();
        assertThat(Outage.of(ClosedConnectionException.INSTANCE)).isTrue();
        assertThat(Outage.of(pg("08006"))).as("connection failure").isTrue();
        assertThat(Outage.of(pg("57P01"))).as("admin shutdown").isTrue();
        assertThat(Outage.of(pg("57014"))).as("statement timeout").isTrue();
        assertThat(Outage.of(pg("53300"))).as("too many connections").isTrue();
        assertThat(Outage.of(pg("40001"))).as("serialization failure").isTrue();
        assertThat(Outage.of(pg("25006")))
                .as("a write on a standby, mid-failover")
                .isTrue();
        assertThat(Outage.of(ErrorType.create("CONNECTION_CLOSED"))).isTrue();
        assertThat(Outage.of(ErrorType.create("LOADING Redis is loading the dataset in memory")))
                .isTrue();
        assertThat(Outage.of(ErrorType.create("CLUSTERDOWN The cluster is down")))
                .isTrue();
        assertThat(Outage.of(ErrorType.create("READONLY You can't write against a read only replica.")))
                .isTrue();
        assertThat(Outage.of(new ReplyException(ReplyFailure.TIMEOUT, "no answer")))
                .isTrue();
        assertThat(Outage.of(new ReplyException(ReplyFailure.NO_HANDLERS, "nobody")))
                .isTrue();
        assertThat(Outage.of(new FlowException(Failure.UNAVAILABLE))).isTrue();
        assertThat(Outage.of(new Outage.Unreachable("no master serves the slot")))
                .isTrue();
        // The Redis client's own words, as Promise.fail(String) makes them: a stackless VertxException.
        assertThat(Outage.of(io.vertx.core.Future.failedFuture("Connection is closed")
                        .cause()))
                .as("a connection a Sentinel failover closed")
                .isTrue();
        assertThat(Outage.of(io.vertx.core.Future.failedFuture("Redis waiting queue is full")
                        .cause()))
                .isTrue();
        assertThat(Outage.of(io.vertx.core.Future.failedFuture("Failed obtaining connection to: 127.0.0.1:7000")
                        .cause()))
                .isTrue();
        // The SQL pool's words when no connection came within pg.connect-timeout, with a stack.
        assertThat(Outage.of(new io.vertx.core.VertxException("Timeout waiting for connection")))
                .as("no pooled Postgres connection in time")
                .isTrue();
        assertThat(Outage.of(new java.io.IOException("Connection reset by peer")))
                .as("a write on a connection the peer reset")
                .isTrue();
    }

    @Test
    void anOutageWrappedInOtherExceptionsIsStillOne() {
        assertThat(Outage.of(
                        new CompletionException(new IllegalStateException("wrapped", new ConnectException("refused")))))
                .isTrue();
    }

    @Test
    void bugsAndRefusedStatementsAreFaultsNotOutages() {
        assertThat(Outage.of(new NullPointerException())).isFalse();
        assertThat(Outage.of(new IllegalStateException("unexpected"))).isFalse();
        assertThat(Outage.of(new DecodeException("not json"))).isFalse();
        assertThat(Outage.of(
                        new DecodeException("not json", new com.fasterxml.jackson.core.JsonParseException(null, "x"))))
                .as("a parser's IOException is no network failure")
                .isFalse();
        assertThat(Outage.of(pg("23505"))).as("unique violation").isFalse();
        assertThat(Outage.of(pg("42703"))).as("undefined column").isFalse();
        assertThat(Outage.of(pg("22P02"))).as("invalid text representation").isFalse();
        assertThat(Outage.of(ErrorType.create("ERR unknown command 'FOO'"))).isFalse();
        assertThat(Outage.of(ErrorType.create("WRONGTYPE Operation against a key holding the wrong kind of value")))
                .isFalse();
        assertThat(Outage.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, "credential job failed")))
                .isFalse();
        assertThat(Outage.of(new FlowException(Failure.INVALID_REQUEST))).isFalse();
        assertThat(Outage.of(io.vertx.core.Future.failedFuture("Redis command is not valid, check https://redis.io")
                        .cause()))
                .as("the client refusing a command Kordon built wrong")
                .isFalse();
        assertThat(Outage.of(new io.vertx.core.VertxException("Connection is closed")))
                .as("the same words with a stack are not the Redis client's")
                .isFalse();
        assertThat(Outage.of(null)).isFalse();
    }

    @Test
    void aCauseThatCyclesIsNotFollowedForever() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(Outage.of(a)).isFalse();
    }

    @Test
    void anUnconfirmedWriteIsAnOutageThatSaysItMayStillTakeEffect() {
        Outage.Unconfirmed unconfirmed = new Outage.Unconfirmed("too few replicas");
        assertThat(Outage.of(unconfirmed)).isTrue();
        assertThat(Outage.unconfirmed(new java.util.concurrent.CompletionException(unconfirmed)))
                .isTrue();
        assertThat(Outage.unconfirmed(new Outage.Unreachable("no master"))).isFalse();
        assertThat(Outage.unconfirmed(new TimeoutException("deadline"))).isFalse();
    }
}
