package dev.kordon.server;

import dev.kordon.ops.Drain;
import dev.kordon.store.RedisStore;
import io.vertx.sqlclient.Pool;

/** What {@code /health/ready} looks at: the stores, and whether the instance is draining. */
public record Readiness(Pool pg, RedisStore redis, Drain drain) {}
