package dev.kordon.store;

import dev.kordon.config.KordonConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.UUID;

/**
 * The Redis client and Kordon's key layout. Every key of one account sits under the hash tag
 * {@code {a:<account id>}}, so each Lua script touches a single slot and Redis Cluster accepts it.
 */
public final class RedisStore {
  private final Redis redis;
  private final String prefix;

  public RedisStore(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  public static RedisStore create(Vertx vertx, KordonConfig.Redis config) {
    RedisOptions options = new RedisOptions()
        // RESP2: replies keep one shape (arrays, not maps) whatever the server version.
        .setPreferredProtocolVersion(io.vertx.redis.client.ProtocolVersion.RESP2)
        .setMaxPoolSize(config.poolSize())
        .setMaxPoolWaiting(config.waitQueue())
        .setMaxWaitingHandlers(config.waitQueue() * 4);
    config.urls().forEach(options::addConnectionString);
    switch (config.mode()) {
      case CLUSTER -> options.setType(RedisClientType.CLUSTER);
      case SENTINEL -> options.setType(RedisClientType.SENTINEL).setRole(RedisRole.MASTER)
          .setMasterName(config.masterName());
      default -> options.setType(RedisClientType.STANDALONE);
    }
    return new RedisStore(Redis.createClient(vertx, options), config.keyPrefix());
  }

  /**
   * A client for one pub/sub connection. Standalone and sentinel (the master) as configured; in
   * cluster mode a plain connection to one node, {@code attempt} choosing which, because a classic
   * PUBLISH reaches every node of the cluster.
   */
  public static Redis subscriber(Vertx vertx, KordonConfig.Redis config, int attempt) {
    RedisOptions options = new RedisOptions()
        .setPreferredProtocolVersion(io.vertx.redis.client.ProtocolVersion.RESP2)
        .setMaxPoolSize(1)
        .setMaxPoolWaiting(1);
    switch (config.mode()) {
      case CLUSTER -> options.setType(RedisClientType.STANDALONE)
          .addConnectionString(config.urls().get(Math.floorMod(attempt, config.urls().size())));
      case SENTINEL -> {
        // No automatic failover: it would swap in a connection without our subscription and
        // handlers; losing the old one makes us subscribe again at the new master instead.
        options.setType(RedisClientType.SENTINEL).setRole(RedisRole.MASTER).setMasterName(config.masterName())
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

  /** The pub/sub channel on which instances announce revoked tokens and accounts. */
  public String revokedChannel() {
    return globalKey("revoked");
  }

  /** A key of one account: {@code <prefix>:{a:<id>}:<suffix>}. */
  public String accountKey(UUID account, String suffix) {
    return accountTag(account) + suffix;
  }

  /**
   * A key of a login, whether or not an account has it (SMS codes, temporary passwords, sending
   * caps must behave the same for unknown logins): {@code <prefix>:{l:<category>:<login>}:<suffix>}.
   */
  public String loginKey(String category, String login, String suffix) {
    return prefix + ":{l:" + category + ":" + login + "}:" + suffix;
  }

  /** A key outside any account (the outbox stream). */
  public String globalKey(String suffix) {
    return prefix + ":" + suffix;
  }

  /** The common start of an account's keys, ending in ':'. */
  public String accountTag(UUID account) {
    return prefix + ":{a:" + account + "}:";
  }

  public Future<Response> send(Command command, Object... args) {
    Request req = Request.cmd(command);
    for (Object a : args) {
      req.arg(String.valueOf(a));
    }
    return redis.send(req);
  }

  public Future<Response> eval(LuaScript script, List<String> keys, List<String> args) {
    return script.run(this, keys, args);
  }

  Future<Response> raw(Request req) {
    return redis.send(req);
  }

  public Future<Void> ping() {
    return send(Command.PING).mapEmpty();
  }

  public Future<Void> close() {
    return redis.close();
  }
}
