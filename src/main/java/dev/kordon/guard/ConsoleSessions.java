package dev.kordon.guard;

import dev.kordon.config.KordonConfig;
import dev.kordon.store.Keys;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * Operator console sessions: the cookie holds 256 random bits, Redis only their SHA-256, for
 * {@code admin.console-session-ttl}. Each session remembers a keyed fingerprint of the admin token
 * it was opened with, so a new admin token ends every console session opened with the old one.
 * Nothing lives in the JVM: any instance serves any console page.
 */
public final class ConsoleSessions {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** 32 random bytes, base64url without padding. */
    private static final int ID_CHARS = 43;

    private final RedisStore redis;
    private final Duration ttl;
    private final String fingerprint;
    private final Secrets secrets;
    private final String token;

    public ConsoleSessions(RedisStore redis, Secrets secrets, KordonConfig.Admin admin) {
        this.redis = redis;
        this.ttl = admin.consoleSessionTtl();
        this.secrets = secrets;
        this.token = admin.token();
        this.fingerprint = secrets.keyedHash("console-token", token);
    }

    public Duration ttl() {
        return ttl;
    }

    /** A new session; its id goes into the cookie and nowhere else. */
    public Future<String> open() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return redis.send(Command.SET, key(id), fingerprint, "PX", Long.toString(ttl.toMillis()))
                .map(r -> id);
    }

    /** Whether {@code id} names a live session opened with today's admin token; Redis failing fails the future. */
    public Future<Boolean> live(String id) {
        if (!wellFormed(id)) {
            return Future.succeededFuture(false);
        }
        return redis.send(Command.GET, key(id))
                .map(r -> r != null && secrets.matches(r.toString(), "console-token", token));
    }

    /** Ends the session; nothing happens for one that is not there. */
    public Future<Void> close(String id) {
        return wellFormed(id) ? redis.send(Command.DEL, key(id)).mapEmpty() : Future.succeededFuture();
    }

    private static boolean wellFormed(String id) {
        return id != null && id.length() == ID_CHARS && id.matches("[A-Za-z0-9_-]+");
    }

    private String key(String id) {
        return redis.keys().consoleSession(Keys.hashed(id));
    }
}
