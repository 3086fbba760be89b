package dev.kordon.token;

import dev.kordon.config.KordonConfig;
import dev.kordon.store.RedisStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dedicated Redis connection subscribed to the revocation channel, feeding {@link
 * VerifiedTokens}: {@code jti:<jti>} (an access token), {@code browser:<sha-256>} (a browser session)
 * and {@code sub:<account>} (everything of an account) evict, anything unreadable clears; an older
 * instance that cannot read {@code browser:} clears, which is safe.
 * The cache is live only from the SUBSCRIBE acknowledgement until the connection closes, fails or
 * stops delivering this instance's own heartbeat (a half-open TCP connection reports nothing for
 * hours); then the cache is emptied and we reconnect, 100 ms doubling to 5 s.
 *
 * <p>Nothing but SUBSCRIBE is sent on the connection: in RESP2 a reply and a pushed message look
 * alike, so a command in flight could swallow a revocation. The heartbeat goes out on a second
 * connection of the same client, never through the shared command pool: under load that pool's
 * queue can hold a PUBLISH for seconds, the feed would be declared lost while it works, and every
 * verify would then fall through to Redis, deepening the very overload that delayed the beat.
 */
final class RevocationFeed {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationFeed.class);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final long BEAT_MS = 1_000;
    /** Own heartbeats missing this long: the subscription is deemed lost. */
    private static final long BEAT_LOST_MS = 3_000;
    /** Attempts at a PUBLISH before the caller hears of the failure (it is retried on regardless). */
    private static final int PUBLISH_TRIES = 3;

    private final Vertx vertx;
    private final KordonConfig.Redis config;
    private final RedisStore redis;
    private final VerifiedTokens cache;
    private final String channel;
    private final String beat = "hb:" + UUID.randomUUID();

    // Guarded by this; generation tells the current connection's callbacks from a dead one's.
    private volatile long generation;
    private Redis client;
    private RedisConnection beatConn;
    private boolean stopped;
    private boolean held;
    private long backoffMs = MIN_BACKOFF_MS;
    private int attempt;
    private long beatTimer = -1;
    private volatile long lastBeatMs;

    RevocationFeed(Vertx vertx, KordonConfig.Redis config, RedisStore redis, VerifiedTokens cache) {
        this.vertx = vertx;
        this.config = config;
        this.redis = redis;
        this.cache = cache;
        this.channel = redis.keys().revocations();
    }

    synchronized void start() {
        connect();
        beatTimer = vertx.setPeriodic(BEAT_MS, id -> beat());
    }

    synchronized Future<Void> stop() {
        stopped = true;
        generation++;
        cache.live(false);
        if (beatTimer >= 0) {
            vertx.cancelTimer(beatTimer);
        }
        Redis c = client;
        client = null;
        beatConn = null;
        return c == null ? Future.succeededFuture() : c.close().otherwiseEmpty();
    }

    /** Tests only: while held, the feed stays down after a loss instead of reconnecting. */
    synchronized void hold(boolean hold) {
        held = hold;
    }

    /**
     * PUBLISHes a revocation; succeeds once Redis took it. After {@value #PUBLISH_TRIES} failed
     * attempts the caller is told, but the announcement is still retried until {@code untilMs} (when
     * the token expires anyway): another instance may be serving it from its cache.
     */
    Future<Void> publish(String message, long untilMs) {
        Promise<Void> answer = Promise.promise();
        publish(message, untilMs, 1, MIN_BACKOFF_MS, answer);
        return answer.future();
    }

    private void publish(String message, long untilMs, int tries, long delayMs, Promise<Void> answer) {
        redis.publish(channel, message).onComplete(ar -> {
            if (ar.succeeded()) {
                answer.tryComplete();
                return;
            }
            boolean giveUp = System.currentTimeMillis() >= untilMs || isStopped();
            if (tries >= PUBLISH_TRIES || giveUp) {
                answer.tryFail(ar.cause());
            }
            if (giveUp) {
                LOG.warn("revocation " + message + " could not be announced: "
                        + ar.cause().getMessage());
                return;
            }
            vertx.setTimer(
                    delayMs, id -> publish(message, untilMs, tries + 1, Math.min(delayMs * 2, MAX_BACKOFF_MS), answer));
        });
    }

    private synchronized boolean isStopped() {
        return stopped;
    }

    private synchronized void connect() {
        if (stopped) {
            return;
        }
        if (held) {
            vertx.setTimer(MIN_BACKOFF_MS, id -> connect());
            return;
        }
        long gen = ++generation;
        client = RedisStore.subscriber(vertx, config, attempt++);
        client.connect().onComplete(ar -> connected(gen, ar));
    }

    private void connected(long gen, AsyncResult<RedisConnection> ar) {
        RedisConnection conn;
        synchronized (this) {
            if (ar.failed()) {
                lost(gen, ar.cause());
                return;
            }
            conn = ar.result();
            if (gen != generation) {
                conn.close();
                return;
            }
        }
        conn.handler(r -> message(gen, r));
        conn.exceptionHandler(err -> lost(gen, err));
        conn.endHandler(v -> lost(gen, null));
        // Live only when the acknowledgement arrives on the handler, not when this write succeeds.
        conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).onFailure(err -> lost(gen, err));
        Redis c;
        synchronized (this) {
            c = client;
        }
        if (c != null) {
            c.connect().onComplete(br -> beating(gen, br));
        }
    }

    private void beating(long gen, AsyncResult<RedisConnection> ar) {
        if (ar.failed()) {
            lost(gen, ar.cause());
            return;
        }
        RedisConnection conn = ar.result();
        synchronized (this) {
            if (gen != generation || stopped) {
                conn.close();
                return;
            }
            beatConn = conn;
        }
        conn.exceptionHandler(err -> lost(gen, err));
        conn.endHandler(v -> lost(gen, null));
    }

    /** The connection of {@code gen} is gone or useless: cache off and emptied, reconnect later. */
    private synchronized void lost(long gen, Throwable err) {
        if (gen != generation || stopped) {
            return;
        }
        generation++;
        if (cache.isLive()) {
            LOG.warn("revocation feed lost (" + (err == null ? "connection closed" : err.getMessage())
                    + "): verified-token cache off until it is back");
        } else {
            LOG.debug("revocation feed still down", err);
        }
        cache.live(false);
        beatConn = null;
        if (client != null) {
            client.close();
            client = null;
        }
        long delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        vertx.setTimer(delay, id -> connect());
    }

    private synchronized void subscribed(long gen) {
        if (gen != generation || stopped) {
            return;
        }
        backoffMs = MIN_BACKOFF_MS;
        lastBeatMs = System.currentTimeMillis();
        cache.live(true);
        LOG.debug("revocation feed live on {}", channel);
    }

    private void message(long gen, Response r) {
        if (gen != generation || r == null || r.size() < 3) {
            return;
        }
        String kind = r.get(0).toString();
        if ("subscribe".equals(kind) && channel.equals(r.get(1).toString())) {
            subscribed(gen);
        } else if ("message".equals(kind) && channel.equals(r.get(1).toString())) {
            revoked(String.valueOf(r.get(2)));
        } else {
            // An unsubscribe, or whatever else: no longer a feed we can trust.
            lost(gen, new IllegalStateException("unexpected " + kind + " on the revocation connection"));
        }
    }

    private void revoked(String payload) {
        if (payload.equals(beat)) {
            lastBeatMs = System.currentTimeMillis();
        } else if (payload.startsWith("hb:")) {
            // another instance's heartbeat
        } else if (payload.startsWith("jti:")) {
            cache.evictToken(payload.substring(4));
        } else if (payload.startsWith("browser:")) {
            cache.evictSession(payload.substring(8));
        } else if (payload.startsWith("sub:")) {
            try {
                cache.evictAccount(UUID.fromString(payload.substring(4)));
            } catch (IllegalArgumentException e) {
                cache.evictAll();
            }
        } else {
            // A revocation this version cannot read: forget everything rather than guess.
            cache.evictAll();
        }
    }

    /** Every second: declare the feed lost if our own heartbeats stopped coming back, then send one. */
    private void beat() {
        long gen;
        RedisConnection conn;
        synchronized (this) {
            if (stopped || !cache.isLive()) {
                return;
            }
            gen = generation;
            conn = beatConn;
        }
        if (System.currentTimeMillis() - lastBeatMs > BEAT_LOST_MS) {
            lost(gen, new IllegalStateException("own heartbeat not received for " + BEAT_LOST_MS + " ms"));
            return;
        }
        // A failed PUBLISH, or no beat connection yet, shows up as a missing heartbeat.
        if (conn != null) {
            conn.send(Request.cmd(Command.PUBLISH).arg(channel).arg(beat));
        }
    }
}
