package dev.kordon.token;

import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.store.Keys;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Browser sessions for the pages: the cookie holds an opaque id (the account id for Redis routing
 * plus 256 random bits); Redis holds only its SHA-256, with what {@code /auth/verify} answers.
 * Every sign-in makes a new id; nothing lives in the JVM, so any instance serves any page. A
 * session created before the account's {@link AccountEpoch} is over.
 */
public final class BrowserSessions {
  private final RedisStore redis;
  private final Duration ttl;
  private final SecureRandom random = new SecureRandom();

  public BrowserSessions(RedisStore redis, Duration ttl) {
    this.redis = redis;
    this.ttl = ttl;
  }

  public Duration ttl() {
    return ttl;
  }

  /**
   * A session for {@code who}: {@code sub}, {@code login}, {@code cat}, {@code role}, {@code amr}. It
   * counts from {@code iat_ms} when given (the access token it replaces), else from now.
   */
  public Future<String> create(JsonObject who) {
    UUID account = UUID.fromString(who.getString("sub"));
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(48)
        .putLong(account.getMostSignificantBits()).putLong(account.getLeastSignificantBits())
        .put(secret).array());
    JsonObject kept = new JsonObject().put("sub", who.getString("sub")).put("login", who.getString("login"))
        .put("cat", who.getString("cat")).put("role", who.getString("role", "subscriber"))
        .put("amr", who.getValue("amr", new JsonArray()))
        .put("at", who.getValue("iat_ms") instanceof Number ms ? ms.longValue() : System.currentTimeMillis());
    String index = redis.keys().browserSessions(account);
    return redis.send(Command.SET, key(id), kept.encode(), "PX", ttl.toMillis())
        // Filed under the account for the operator's list; a lost entry only hides the session there.
        .compose(r -> redis.send(Command.SADD, index, Keys.hashed(id)))
        .compose(r -> redis.send(Command.PEXPIRE, index, ttl.toMillis()))
        .map(r -> id);
  }

  /**
   * The account's live browser sessions: {@code id} (the SHA-256 the session is kept under, never
   * the cookie), {@code kind}, {@code created_at} and {@code expires_at} in epoch milliseconds.
   */
  public Future<JsonArray> list(UUID account) {
    return redis.send(Command.SMEMBERS, redis.keys().browserSessions(account)).compose(members -> {
      List<String> ids = new ArrayList<>();
      members.forEach(m -> ids.add(m.toString()));
      List<Future<JsonObject>> each = ids.stream().map(sha -> one(account, sha)).toList();
      return Future.all(each).compose(all -> redis.send(Command.GET, redis.keys().epoch(account)).map(epoch -> {
        JsonArray out = new JsonArray();
        for (Future<JsonObject> f : each) {
          JsonObject s = f.result();
          // One that predates the epoch is already refused: it is no longer a session.
          if (s != null && !AccountEpoch.predates(s.getLong("created_at"), epoch)) {
            out.add(s);
          }
        }
        return out;
      }));
    });
  }

  private Future<JsonObject> one(UUID account, String sha) {
    String key = redis.keys().browserSession(account, sha);
    return redis.send(Command.GET, key).compose(value -> value == null ? Future.<JsonObject>succeededFuture(null)
        : redis.send(Command.PTTL, key).map(pttl -> {
          Object at = new JsonObject(value.toString()).getValue("at");
          long created = at instanceof Number n ? n.longValue() : 0;
          long left = pttl == null ? 0 : pttl.toLong();
          return new JsonObject().put("id", sha).put("kind", "browser").put("created_at", created)
              .put("expires_at", left > 0 ? System.currentTimeMillis() + left : null);
        }));
  }

  /** Ends one session by the id {@link #list} gave; false when there was none. */
  public Future<Boolean> end(UUID account, String sha) {
    return redis.send(Command.DEL, redis.keys().browserSession(account, sha))
        .compose(n -> redis.send(Command.SREM, redis.keys().browserSessions(account), sha).map(r -> n.toInteger() > 0));
  }

  /**
   * Ends every listed session of the account. The epoch refuses them already; this also takes them
   * out of Redis and off the operator's list.
   */
  public Future<Void> endAll(UUID account) {
    String index = redis.keys().browserSessions(account);
    return redis.send(Command.SMEMBERS, index).compose(members -> {
      List<Future<?>> dels = new ArrayList<>();
      members.forEach(m -> dels.add(redis.send(Command.DEL, redis.keys().browserSession(account, m.toString()))));
      return Future.all(dels);
    }).compose(v -> redis.send(Command.DEL, index)).mapEmpty();
  }

  /** Who the session belongs to, or a failed future when it is unknown or over. */
  public Future<JsonObject> lookup(String id) {
    String key = key(id);
    if (key == null) {
      return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
    }
    // One round trip: the session and the account's epoch share the account's hash tag.
    // No session is UNAUTHORIZED; Redis failing is not, and reaches the caller as it is (503).
    return redis.send(Command.MGET, key, redis.keys().epoch(accountOf(id))).compose(r -> {
      if (r == null || r.get(0) == null) {
        return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
      }
      JsonObject who = new JsonObject(r.get(0).toString());
      Object at = who.getValue("at");
      if (AccountEpoch.predates(at instanceof Number n ? n.longValue() : 0, r.get(1))) {
        return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
      }
      who.remove("at");
      return Future.succeededFuture(who);
    });
  }

  public Future<Void> destroy(String id) {
    String key = key(id);
    return key == null ? Future.succeededFuture() : redis.send(Command.DEL, key)
        .compose(r -> redis.send(Command.SREM, redis.keys().browserSessions(accountOf(id)), Keys.hashed(id))).mapEmpty();
  }

  /** The account a well-formed id names; call only after {@link #key} accepted it. */
  private static UUID accountOf(String id) {
    ByteBuffer buf = ByteBuffer.wrap(Base64.getUrlDecoder().decode(id));
    return new UUID(buf.getLong(), buf.getLong());
  }

  private String key(String id) {
    if (id == null || id.length() != 64) {
      return null;
    }
    try {
      UUID account = accountOf(id);
      return redis.keys().browserSession(account, Keys.hashed(id));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

}
