package dev.kordon.guard;

import dev.kordon.config.KordonConfig;
import dev.kordon.ops.Metrics;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.store.Keys;
import dev.kordon.store.RedisStore;
import dev.kordon.store.Scripts;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One-time SMS codes: 6 CSPRNG digits, kept only as a keyed hash, living their configured
 * lifetime, killed by the configured number of wrong tries, at most one per resend interval and a
 * configured number an hour per number (all of it {@link KordonConfig.SmsCode}).
 */
public final class SmsCodes {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration DAY = Duration.ofDays(1);

    public enum Check {
        RIGHT,
        WRONG,
        NONE,
        BLOCKED
    }

    private final RedisStore redis;
    private final Secrets secrets;
    private final KordonConfig.SmsCode config;
    private final KordonConfig.Limits limits;
    private final Metrics metrics;
    private final SecureRandom random = new SecureRandom();

    public SmsCodes(
            RedisStore redis,
            Secrets secrets,
            KordonConfig.SmsCode config,
            KordonConfig.Limits limits,
            Metrics metrics) {
        this.redis = redis;
        this.secrets = secrets;
        this.config = config;
        this.limits = limits;
        this.metrics = metrics;
    }

    /** A new code for the login, or 429 with the wait; the caller sends it (or not, for no account). */
    public Future<String> issue(String category, String login) {
        String code = String.format("%06d", random.nextInt(1_000_000));
        return store(category, login, hash(category, login, code)).map(code);
    }

    /**
     * The number's caps and resend gate counted, and a place for its code kept under a hash no code
     * has (of 16 random bytes, not 6 digits): the answer can be given before anything decides
     * whether a code goes out ({@link #arm}). The place's hash, or 429 with the wait.
     */
    public Future<String> reserve(String category, String login) {
        byte[] nothing = new byte[16];
        random.nextBytes(nothing);
        String place = hash(category, login, java.util.HexFormat.of().formatHex(nothing));
        return store(category, login, place).map(place);
    }

    /** A new code in the reserved place; null when the place is gone (a newer request, its life over). */
    public Future<String> arm(String category, String login, String place) {
        String code = String.format("%06d", random.nextInt(1_000_000));
        return redis.eval(
                        Scripts.SMS_ARM,
                        List.of(redis.keys().smsCode(category, login)),
                        List.of(place, hash(category, login, code)))
                .map(r -> r.toInteger() == 1 ? code : null);
    }

    /** The number's live code, or reserved place, dies at once (its SIM was swapped); its caps stay counted. */
    public Future<Void> kill(String category, String login) {
        return redis.send(io.vertx.redis.client.Command.DEL, redis.keys().smsCode(category, login))
                .mapEmpty();
    }

    private Future<Void> store(String category, String login, String hash) {
        return redis.eval(
                        Scripts.SMS_ISSUE,
                        issueKeys(category, login),
                        List.of(
                                hash,
                                ms(config.ttl()),
                                ms(config.resendAfter()),
                                Integer.toString(config.perHour()),
                                ms(HOUR),
                                Integer.toString(limits.smsPerDay()),
                                ms(DAY)))
                .compose(r -> {
                    long outcome = r.get(0).toLong();
                    if (outcome == 1) {
                        return Future.<Void>succeededFuture();
                    }
                    ThrottleKind kind = outcome == -1
                            ? ThrottleKind.SMS_RESEND
                            : outcome == -2 ? ThrottleKind.SMS_HOUR : ThrottleKind.SMS_DAY;
                    metrics.throttleHit(kind.label());
                    Duration wait = Duration.ofMillis(Math.max(1000, r.get(1).toLong()));
                    return Future.failedFuture(new FlowException(Failure.TOO_MANY_REQUESTS, Map.of(), wait));
                });
    }

    /**
     * Takes back a reserved place ({@code place}, its hash) whose code will not be sent; the number's
     * resend gate and counts are given back.
     */
    public Future<Void> withdraw(String category, String login, String place) {
        return redis.eval(Scripts.SMS_WITHDRAW, issueKeys(category, login), List.of(place))
                .mapEmpty();
    }

    private List<String> issueKeys(String category, String login) {
        Keys keys = redis.keys();
        return List.of(
                keys.smsCode(category, login),
                keys.smsResend(category, login),
                keys.smsHour(category, login),
                keys.smsDay(category, login));
    }

    public Future<Check> check(String category, String login, String code) {
        Keys keys = redis.keys();
        List<String> args = new java.util.ArrayList<>(
                List.of(Integer.toString(config.maxTries()), Integer.toString(limits.smsMaxFailures()), ms(DAY)));
        // A code issued under a key that has since become an older one still counts as right.
        args.addAll(secrets.keyedHashes("sms-code", category, login, code));
        return redis.eval(
                        Scripts.SMS_CHECK,
                        List.of(keys.smsCode(category, login), keys.smsFailures(category, login)),
                        args)
                .map(r -> switch (r.toInteger()) {
                    case 1 -> Check.RIGHT;
                    case -1 -> Check.WRONG;
                    case -2 -> Check.BLOCKED;
                    default -> Check.NONE;
                });
    }

    /** Kills the login's live code, if any (its SIM was swapped): the number's counts stay as they are. */
    public Future<Void> discard(String category, String login) {
        return redis.send(io.vertx.redis.client.Command.DEL, redis.keys().smsCode(category, login))
                .mapEmpty();
    }

    public KordonConfig.SmsCode config() {
        return config;
    }

    private String hash(String category, String login, String code) {
        return secrets.keyedHash("sms-code", category, login, code);
    }

    private static String ms(Duration d) {
        return Long.toString(d.toMillis());
    }
}
