package dev.kordon.token;

import dev.kordon.store.RedisStore;
import dev.kordon.flow.Failure;
import dev.kordon.flow.FlowException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Browser sessions for the pages: the cookie holds an opaque id (the account id for Redis routing
 * plus 256 random bits); Redis holds only its SHA-256, with what {@code /auth/verify} answers.
 * Every sign-in makes a new id; nothing lives in the JVM, so any instance serves any page.
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

  /** A session for {@code who}: {@code sub}, {@code login}, {@code cat}, {@code role}, {@code amr}. */
  public Future<String> create(JsonObject who) {
    UUID account = UUID.fromString(who.getString("sub"));
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(48)
        .putLong(account.getMostSignificantBits()).putLong(account.getLeastSignificantBits())
        .put(secret).array());
    JsonObject kept = new JsonObject().put("sub", who.getString("sub")).put("login", who.getString("login"))
        .put("cat", who.getString("cat")).put("role", who.getString("role", "subscriber"))
        .put("amr", who.getValue("amr", new JsonArray()));
    return redis.send(Command.SET, key(id), kept.encode(), "PX", ttl.toMillis()).map(r -> id);
  }

  /** Who the session belongs to, or a failed future when it is unknown or over. */
  public Future<JsonObject> lookup(String id) {
    String key = key(id);
    if (key == null) {
      return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
    }
    // No session is UNAUTHORIZED; Redis failing is not, and reaches the caller as it is (503).
    return redis.send(Command.GET, key).compose(r -> r == null ? Future.failedFuture(new FlowException(Failure.UNAUTHORIZED))
        : Future.succeededFuture(new JsonObject(r.toString())));
  }

  public Future<Void> destroy(String id) {
    String key = key(id);
    return key == null ? Future.succeededFuture() : redis.send(Command.DEL, key).mapEmpty();
  }

  private String key(String id) {
    if (id == null || id.length() != 64) {
      return null;
    }
    try {
      ByteBuffer buf = ByteBuffer.wrap(Base64.getUrlDecoder().decode(id));
      UUID account = new UUID(buf.getLong(), buf.getLong());
      return redis.accountKey(account, "web:" + HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII))));
    } catch (IllegalArgumentException | NoSuchAlgorithmException e) {
      return null;
    }
  }
}
