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
 * Access tokens this instance has verified (signature, claims, not denied), so that the next
 * presentation of the same token skips the ES256 check and the Redis round trip. One per instance,
 * shared by every event loop: reads are lock-free, changes take a short lock.
 *
 * <p>Never served past revocation: the cache is used only while {@link RevocationFeed} holds a
 * live subscription to the revocation channel; when it is lost the cache is emptied and bypassed
 * until the feed is back. A slow-path check may store its result only if no invalidation or change
 * of liveness happened since it began ({@link #epoch()}), so a revocation that overtakes a check
 * in flight keeps the token out. An entry is never served at or after its {@code exp}, leeway or not.
 */
public final class VerifiedTokens {
  /** The claims (a private copy), when they stop being good, and the indexes the entry sits in. */
  private record Entry(JsonObject claims, long expiresAtMs, String jti, String sub) {}

  private final int max;
  private final LongSupplier clock;
  private final Map<String, Entry> byToken = new ConcurrentHashMap<>();
  // Sets, not single tokens: an ECDSA signature has a second valid form (s and n - s), so one jti
  // can arrive as two strings, and both must go when it is revoked. Guarded by this.
  private final Map<String, Set<String>> byJti = new HashMap<>();
  private final Map<String, Set<String>> bySub = new HashMap<>();
  /** Moved, under the lock, by every invalidation and every change of liveness. */
  private volatile long epoch;
  private volatile boolean live;
  private RevocationFeed feed;

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
    }
    return cache;
  }

  /** The claims of a cached token, a copy the caller may keep; null when the slow path must run. */
  public JsonObject get(String token) {
    if (!live || token == null) {
      return null;
    }
    Entry e = byToken.get(token);
    if (e == null) {
      return null;
    }
    if (clock.getAsLong() >= e.expiresAtMs) {
      synchronized (this) {
        remove(token, e);
      }
      return null;
    }
    return e.claims.copy();
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
      prune();
    }
    String jti = claims.getString("jti");
    String sub = UUID.fromString(claims.getString("sub")).toString();
    Entry old = byToken.put(token, new Entry(claims.copy(), exp, jti, sub));
    if (old == null) {
      byJti.computeIfAbsent(jti, k -> new HashSet<>()).add(token);
      bySub.computeIfAbsent(sub, k -> new HashSet<>()).add(token);
    }
  }

  /** Forgets one token by its {@code jti} (logout here, or announced by another instance). */
  public synchronized void evictToken(String jti) {
    epoch++;
    removeAll(byJti.get(jti));
  }

  /** Forgets every token of an account (all its credentials revoked). */
  public synchronized void evictAccount(UUID account) {
    epoch++;
    removeAll(bySub.get(account.toString()));
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

  public int size() {
    return byToken.size();
  }

  /** Announces a revoked token to every instance; see {@link RevocationFeed#publish}. */
  public Future<Void> announceToken(String jti, long untilMs) {
    return feed == null ? Future.succeededFuture() : feed.publish("jti:" + jti, untilMs);
  }

  /** Announces that every credential of an account ended; see {@link RevocationFeed#publish}. */
  public Future<Void> announceAccount(UUID account, long untilMs) {
    return feed == null ? Future.succeededFuture() : feed.publish("sub:" + account, untilMs);
  }

  /** Stops the revocation feed; the cache stays off. */
  public Future<Void> close() {
    live(false);
    return feed == null ? Future.succeededFuture() : feed.stop();
  }

  RevocationFeed feed() {
    return feed;
  }

  private void clear() {
    byToken.clear();
    byJti.clear();
    bySub.clear();
  }

  private void removeAll(Set<String> tokens) {
    if (tokens != null) {
      for (String token : List.copyOf(tokens)) {
        remove(token, byToken.get(token));
      }
    }
  }

  /** Under the lock. */
  private void remove(String token, Entry e) {
    if (e != null && byToken.remove(token, e)) {
      unindex(byJti, e.jti, token);
      unindex(bySub, e.sub, token);
    }
  }

  private static void unindex(Map<String, Set<String>> index, String key, String token) {
    Set<String> tokens = index.get(key);
    if (tokens != null && tokens.remove(token) && tokens.isEmpty()) {
      index.remove(key);
    }
  }

  /**
   * Under the lock: makes room, expired entries first, then arbitrary ones down to 7/8 of the
   * bound, so a full cache is scanned once per max/8 insertions rather than at each.
   */
  private void prune() {
    long now = clock.getAsLong();
    byToken.forEach((token, e) -> {
      if (now >= e.expiresAtMs) {
        remove(token, e);
      }
    });
    int target = max - Math.max(1, max / 8);
    Iterator<Map.Entry<String, Entry>> it = byToken.entrySet().iterator();
    while (byToken.size() > target && it.hasNext()) {
      Map.Entry<String, Entry> e = it.next();
      remove(e.getKey(), e.getValue());
    }
  }
}
