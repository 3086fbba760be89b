package dev.kordon.token;

import dev.kordon.config.KordonConfig;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Credentials this instance has verified, so that the next presentation of the same one skips the
 * work and the Redis round trip: access tokens (signature, claims, not denied, not before the
 * epoch) and browser sessions (found in Redis, not before the epoch), the latter by the SHA-256 of
 * the session id, as Redis keeps it. One per instance, shared by every event loop: reads are
 * lock-free, changes take a short lock.
 *
 * <p>Never served past revocation: the cache is used only while {@link RevocationFeed} holds a
 * live subscription to the revocation channel; when it is lost the cache is emptied and bypassed
 * until the feed is back. A slow-path check may store its result only if no invalidation or change
 * of liveness happened since it began ({@link #epoch()}), so a revocation that overtakes a check
 * in flight keeps the credential out. A token is never served at or after its {@code exp}, leeway
 * or not; a session never at or after the end of its lifetime, nor more than {@link
 * #SESSION_MAX_AGE_MS} after the Redis read that found it: a revocation that was never announced
 * (a key deleted by hand, an announcement that failed) still reaches every instance within that.
 *
 * <p>What is served is shared between callers and read-only ({@link FrozenJson}): changing it throws.
 */
public final class VerifiedTokens {
    /** A session is read from Redis again at least this often, whatever the feed says. */
    public static final long SESSION_MAX_AGE_MS = 1_000;
    /**
     * Expired entries are dropped this often, full or not: otherwise every token ever verified
     * stays until the cache is full, and a steady load fills it to its bound (about 2.5 KB an entry).
     */
    static final long SWEEP_MS = 30_000;

    /** The claims (frozen), when they stop being good, and the indexes the entry sits in. */
    private record Entry(JsonObject claims, long expiresAtMs, String jti, String sub) {}

    /** A browser session's answer (frozen), until when it may be served, and its account. */
    private record Seen(JsonObject who, long untilMs, String sub) {}

    private final int max;
    private final LongSupplier clock;
    private volatile long sessionMaxAgeMs = SESSION_MAX_AGE_MS;
    private final Map<TokenKey, Entry> byToken = new ConcurrentHashMap<>();
    private final Map<String, Seen> bySession = new ConcurrentHashMap<>();
    // Sets, not single tokens: an ECDSA signature has a second valid form (s and n - s), so one jti
    // can arrive as two strings, and both must go when it is revoked. Guarded by this.
    private final Map<String, Set<String>> byJti = new HashMap<>();
    private final Map<String, Set<String>> bySub = new HashMap<>();
    private final Map<String, Set<String>> sessionsBySub = new HashMap<>();
    /** Moved, under the lock, by every invalidation and every change of liveness. */
    private volatile long epoch;

    private volatile boolean live;
    private RevocationFeed feed;
    private Vertx vertx;
    private long sweeper = -1;

    /** A cache that is off until {@link #live(boolean)} says the revocation feed is up. */
    VerifiedTokens(int max, LongSupplier clock) {
        this.max = max;
        this.clock = clock;
    }

    /** The instance's cache and its revocation feed; with {@code max} 0, neither. */
    public static VerifiedTokens start(Vertx vertx, KordonConfig.Redis config, RedisStore redis, int max) {
        VerifiedTokens cache = new VerifiedTokens(max, System::currentTimeMillis);
        cache.feed = new RevocationFeed(vertx, config, redis, cache);
        if (max > 0) {
            cache.feed.start();
            cache.vertx = vertx;
            cache.sweeper = vertx.setPeriodic(SWEEP_MS, id -> cache.sweep());
        }
        return cache;
    }

    /** Drops what has expired: tokens at their {@code exp}, sessions at the end of their serving time. */
    synchronized void sweep() {
        long now = clock.getAsLong();
        byToken.forEach((k, e) -> {
            if (now >= e.expiresAtMs) {
                remove(k, e);
            }
        });
        bySession.forEach((sha, seen) -> {
            if (now >= seen.untilMs) {
                removeSession(sha, seen);
            }
        });
    }

    /** The claims of a cached token, read-only; null when the slow path must run. */
    public JsonObject get(String token) {
        if (!live || token == null) {
            return null;
        }
        TokenKey key = new TokenKey(token);
        Entry e = byToken.get(key);
        if (e == null) {
            return null;
        }
        if (clock.getAsLong() >= e.expiresAtMs) {
            synchronized (this) {
                remove(key, e);
            }
            return null;
        }
        return e.claims;
    }

    /** Taken before a slow-path check; {@link #put} stores its result only if it has not moved. */
    public long epoch() {
        return epoch;
    }

    /** Stores what a slow-path check begun at {@code since} found valid, unless anything was revoked meanwhile. */
    public synchronized void put(String token, JsonObject claims, long since) {
        long exp = claims.getLong("exp") * 1000;
        if (max <= 0 || !live || epoch != since || clock.getAsLong() >= exp) {
            return;
        }
        if (byToken.size() >= max) {
            prune(byToken, e -> e.expiresAtMs, this::remove);
        }
        String jti = claims.getString("jti");
        String sub = UUID.fromString(claims.getString("sub")).toString();
        TokenKey key = new TokenKey(token);
        Entry old = byToken.put(key, new Entry(FrozenJson.of(claims), exp, jti, sub));
        if (old == null) {
            byJti.computeIfAbsent(jti, k -> new HashSet<>()).add(token);
            bySub.computeIfAbsent(sub, k -> new HashSet<>()).add(token);
        }
    }

    /** Who a cached browser session (by its id's SHA-256) belongs to, read-only; null when Redis must be asked. */
    public JsonObject session(String sha) {
        if (!live || sha == null) {
            return null;
        }
        Seen s = bySession.get(sha);
        if (s == null) {
            return null;
        }
        if (clock.getAsLong() >= s.untilMs) {
            synchronized (this) {
                removeSession(sha, s);
            }
            return null;
        }
        return s.who;
    }

    /**
     * Stores what a session lookup begun at {@code since} (the {@link #epoch()}) and {@code readAtMs}
     * (the clock, before the read) found, unless anything was revoked meanwhile. Served until {@code
     * endsAtMs} (when the session ends anyway) or {@link #SESSION_MAX_AGE_MS} after {@code readAtMs},
     * whichever comes first.
     */
    public synchronized void putSession(
            String sha, UUID account, JsonObject who, long endsAtMs, long readAtMs, long since) {
        long until = Math.min(endsAtMs, readAtMs + sessionMaxAgeMs);
        if (max <= 0 || !live || epoch != since || clock.getAsLong() >= until) {
            return;
        }
        if (bySession.size() >= max) {
            prune(bySession, s -> s.untilMs, this::removeSession);
        }
        String sub = account.toString();
        Seen old = bySession.put(sha, new Seen(FrozenJson.of(who), until, sub));
        if (old != null && !old.sub.equals(sub)) {
            unindex(sessionsBySub, old.sub, sha);
        }
        sessionsBySub.computeIfAbsent(sub, k -> new HashSet<>()).add(sha);
    }

    /** Forgets one token by its {@code jti} (logout here, or announced by another instance). */
    public synchronized void evictToken(String jti) {
        epoch++;
        Set<String> tokens = byJti.get(jti);
        if (tokens != null) {
            for (String token : List.copyOf(tokens)) {
                TokenKey key = new TokenKey(token);
                remove(key, byToken.get(key));
            }
        }
    }

    /** Forgets one browser session by its id's SHA-256 (signed out or ended, here or announced). */
    public synchronized void evictSession(String sha) {
        epoch++;
        removeSession(sha, bySession.get(sha));
    }

    /** Forgets every token and browser session of an account (all its credentials revoked). */
    public synchronized void evictAccount(UUID account) {
        epoch++;
        String sub = account.toString();
        Set<String> tokens = bySub.get(sub);
        if (tokens != null) {
            for (String token : List.copyOf(tokens)) {
                TokenKey key = new TokenKey(token);
                remove(key, byToken.get(key));
            }
        }
        Set<String> sessions = sessionsBySub.get(sub);
        if (sessions != null) {
            for (String sha : List.copyOf(sessions)) {
                removeSession(sha, bySession.get(sha));
            }
        }
    }

    /** Forgets everything (a revocation this instance could not read). */
    public synchronized void evictAll() {
        epoch++;
        clear();
    }

    /**
     * The revocation feed is up (subscription acknowledged) or down. Either way the epoch moves, so
     * no check begun before the change stores anything: one begun while down may have missed a
     * revocation.
     */
    synchronized void live(boolean up) {
        live = up;
        epoch++;
        clear();
    }

    public boolean isLive() {
        return live;
    }

    /** Access tokens held. */
    public int size() {
        return byToken.size();
    }

    /** Browser sessions held. */
    public int sessions() {
        return bySession.size();
    }

    /** Announces a revoked token to every instance; see {@link RevocationFeed#publish}. */
    public Future<Void> announceToken(String jti, long untilMs) {
        return feed == null ? Future.succeededFuture() : feed.publish("jti:" + jti, untilMs);
    }

    /**
     * Announces an ended browser session (its id's SHA-256) to every instance. Until {@link
     * #SESSION_MAX_AGE_MS} from now is enough: no instance serves one longer without asking Redis.
     */
    public Future<Void> announceSession(String sha) {
        return feed == null
                ? Future.succeededFuture()
                : feed.publish("browser:" + sha, System.currentTimeMillis() + SESSION_MAX_AGE_MS + 1_000);
    }

    /** Announces that every credential of an account ended; see {@link RevocationFeed#publish}. */
    public Future<Void> announceAccount(UUID account, long untilMs) {
        return feed == null ? Future.succeededFuture() : feed.publish("sub:" + account, untilMs);
    }

    /** Stops the revocation feed; the cache stays off. */
    public Future<Void> close() {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
        live(false);
        return feed == null ? Future.succeededFuture() : feed.stop();
    }

    RevocationFeed feed() {
        return feed;
    }

    /** Tests only: a longer max age, so that only the feed can be what evicts a session in time. */
    void sessionMaxAge(long ms) {
        sessionMaxAgeMs = ms;
    }

    private void clear() {
        byToken.clear();
        byJti.clear();
        bySub.clear();
        bySession.clear();
        sessionsBySub.clear();
    }

    /** Under the lock. */
    private void remove(TokenKey key, Entry e) {
        if (e != null && byToken.remove(key, e)) {
            unindex(byJti, e.jti, key.token);
            unindex(bySub, e.sub, key.token);
        }
    }

    /** Under the lock. */
    private void removeSession(String sha, Seen s) {
        if (s != null && bySession.remove(sha, s)) {
            unindex(sessionsBySub, s.sub, sha);
        }
    }

    private static void unindex(Map<String, Set<String>> index, String key, String member) {
        Set<String> members = index.get(key);
        if (members != null && members.remove(member) && members.isEmpty()) {
            index.remove(key);
        }
    }

    private interface Remover<K, V> {
        void remove(K key, V value);
    }

    private interface Until<V> {
        long of(V value);
    }

    /**
     * Under the lock: makes room, expired entries first, then arbitrary ones down to 7/8 of the
     * bound, so a full cache is scanned once per max/8 insertions rather than at each.
     */
    private <K, V> void prune(Map<K, V> map, Until<V> until, Remover<K, V> remover) {
        long now = clock.getAsLong();
        map.forEach((k, v) -> {
            if (now >= until.of(v)) {
                remover.remove(k, v);
            }
        });
        int target = max - Math.max(1, max / 8);
        Iterator<Map.Entry<K, V>> it = map.entrySet().iterator();
        while (map.size() > target && it.hasNext()) {
            Map.Entry<K, V> e = it.next();
            remover.remove(e.getKey(), e.getValue());
        }
    }
}
