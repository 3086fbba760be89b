package dev.kordon.guard;

import dev.kordon.config.KordonConfig;
import dev.kordon.store.RedisStore;
import dev.kordon.store.Scripts;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import java.security.SecureRandom;
import java.util.List;

/**
 * Temporary passwords («Забыли пароль?»): {@code temp-password.length} characters of a readable
 * alphabet, valid {@code temp-password.ttl}, single use, kept only as a keyed hash.
 * A new one replaces the old; nothing else about the account changes until it is used.
 */
public final class TempPasswords {
    /** No 0/O, 1/l/I: the seed's example «GVAdfECr5f» is read off a screen and typed by hand. */
    static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final RedisStore redis;
    private final Secrets secrets;
    private final KordonConfig.TempPassword config;
    private final SecureRandom random = new SecureRandom();

    public TempPasswords(RedisStore redis, Secrets secrets, KordonConfig.TempPassword config) {
        this.redis = redis;
        this.secrets = secrets;
        this.config = config;
    }

    /** Makes and stores a new temporary password; the plain one goes only into the sealed outbox. */
    public Future<String> issue(String category, String login) {
        StringBuilder sb = new StringBuilder(config.length());
        for (int i = 0; i < config.length(); i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        String temp = sb.toString();
        return redis.send(
                        Command.SET,
                        key(category, login),
                        hash(category, login, temp),
                        "PX",
                        config.ttl().toMillis())
                .map(r -> temp);
    }

    /** True, once, when {@code presented} is the live temporary password of the login. */
    public Future<Boolean> take(String category, String login, String presented) {
        // One hash per key: a temporary password issued before a key rotation still works once.
        return redis.eval(Scripts.TAKE_IF_EQUAL, List.of(key(category, login)), hashes(category, login, presented))
                .map(r -> r.toInteger() == 1);
    }

    /** Forgets any live temporary password of the login (after a successful change). */
    public Future<Void> clear(String category, String login) {
        return redis.send(Command.DEL, key(category, login)).mapEmpty();
    }

    /** The keyed hash a temporary password is kept as; the change flow compares a new password to it. */
    public String hash(String category, String login, String temp) {
        return secrets.keyedHash(
                "temp-password", category, login, dev.kordon.credential.PasswordHasher.normalize(temp));
    }

    /** Whether {@code stored} is the keyed hash of {@code temp} under any secrets key. */
    public boolean matches(String stored, String category, String login, String temp) {
        return secrets.matches(
                stored, "temp-password", category, login, dev.kordon.credential.PasswordHasher.normalize(temp));
    }

    private List<String> hashes(String category, String login, String temp) {
        return secrets.keyedHashes(
                "temp-password", category, login, dev.kordon.credential.PasswordHasher.normalize(temp));
    }

    public KordonConfig.TempPassword config() {
        return config;
    }

    private String key(String category, String login) {
        return redis.keys().tempPassword(category, login);
    }
}
