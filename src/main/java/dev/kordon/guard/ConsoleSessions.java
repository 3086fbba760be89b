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
 * {@code admin.console-session-ttl}. A session opened with the admin token remembers a keyed
 * fingerprint of it, so a new admin token ends every console session opened with the old one; one
 * opened by a named operator remembers the name. Nothing lives in the JVM: any instance serves any
 * console page.
 */
public final class ConsoleSessions {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** 32 random bytes, base64url without padding. */
    private static final int ID_CHARS = 43;
    /** Who holds a session opened with the admin token, as the audit names them. */
    public static final String TOKEN = "token";

    private static final String OPERATOR = "operator:";

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

    /** A new session for the admin token's holder; its id goes into the cookie and nowhere else. */
    public Future<String> open() {
        return held(fingerprint);
    }

    /** A new session for a named operator: what it holds names them (their sign-in's to read back). */
    public Future<String> open(String operator) {
        return held(OPERATOR + operator);
    }

    private Future<String> held(String holder) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return redis.send(Command.SET, key(id), holder, "PX", Long.toString(ttl.toMillis()))
                .map(r -> id);
    }

    /**
     * Who holds the live session {@code id}: {@link #TOKEN} for one opened with today's admin token,
     * what {@link #open(String)} was given for a named operator's, null for none; Redis failing fails
     * the future.
     */
    public Future<String> holder(String id) {
        if (!wellFormed(id)) {
            return Future.succeededFuture(null);
        }
        return redis.send(Command.GET, key(id)).map(r -> {
            if (r == null) {
                return null;
            }
            String held = r.toString();
            if (held.startsWith(OPERATOR)) {
                return held.substring(OPERATOR.length());
            }
            return secrets.matches(held, "console-token", token) ? TOKEN : null;
        });
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
