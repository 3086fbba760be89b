package dev.kordon.guard;

import dev.kordon.config.KordonConfig;
import dev.kordon.ops.Metrics;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.store.Keys;
import dev.kordon.store.Outage;
import dev.kordon.store.RedisStore;
import dev.kordon.store.Scripts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Every throttle and sending cap (conf/kordon.yaml: login, recovery, sending, sms-code). Each
 * decision is one Lua script over keys of one hash-tag slot: a login's keys under {l:…}, an IP's
 * under {ip:…}, the global SMS budget under {sms}. Over a limit the flow answers 429 with
 * Retry-After; a locked password path answers like a wrong password. Each 429 is counted by the
 * {@link ThrottleKind} of limit that decided it.
 */
public final class Throttles {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);
    /** A reservation outlives any password check; one left by an instance that died runs out. */
    static final Duration RESERVATION = Duration.ofSeconds(30);
    /** How long an attempt waits for earlier attempts in flight before it is told to come back (429). */
    static final Duration BUSY_WAIT = Duration.ofSeconds(5);

    /** What the password gate decided: GO (a reservation is held) or LOCKED. */
    public enum Gate {
        GO,
        LOCKED
    }

    /**
     * The gate's answer: the consecutive failures it saw and, for GO, the reservation that
     * {@link #passwordSettled} gives back.
     */
    public record Decision(Gate gate, long failures, String reservation) {}

    /** How a reserved attempt ended: a failure counts, a success starts the count again, VOID neither. */
    public enum Outcome {
        FAIL,
        OK,
        VOID
    }

    private final Vertx vertx;
    private final RedisStore redis;
    private final KordonConfig.Limits limits;
    private final int ipv6Prefix;
    private final Metrics metrics;
    private final GiveBacks giveBacks;

    /** {@code ipv6Prefix}: an IPv6 client is counted by its block of this many bits (http.ipv6-prefix). */
    public Throttles(Vertx vertx, RedisStore redis, KordonConfig.Limits limits, int ipv6Prefix, Metrics metrics) {
        this.vertx = vertx;
        this.giveBacks = new GiveBacks(vertx);
        this.redis = redis;
        this.limits = limits;
        this.ipv6Prefix = ipv6Prefix;
        this.metrics = metrics;
        metrics.throttleKinds(
                Arrays.stream(ThrottleKind.values()).map(ThrottleKind::label).toList());
        metrics.smsBudget(limits.smsPerMinute());
    }

    public KordonConfig.Limits limits() {
        return limits;
    }

    /**
     * Before a password is checked: the IP's budget, then the login's gate (growing delay, lock,
     * login+IP cap). Only failures count toward them; attempts in flight hold a reservation, and one
     * that finds all free attempts in flight waits for them (up to {@link #BUSY_WAIT}) instead of
     * being refused; each pause is spent by {@code pause} (a sign-in gives its hash place up
     * meanwhile, so the waiting cannot crowd out sign-ins of other logins). GO must be settled;
     * LOCKED must be answered like a wrong password; a delay fails with 429.
     */
    public Future<Decision> passwordAttempt(
            String category, String login, String ip, Function<Duration, Future<Void>> pause) {
        String reservation = UUID.randomUUID().toString();
        long giveUpAt = System.currentTimeMillis() + BUSY_WAIT.toMillis();
        return ipAttempt(ip)
                .compose(v -> gate(new Waiting(category, login, ip, reservation, giveUpAt, pause), 0)
                        .onFailure(err -> {
                            if (Outage.of(err)) {
                                ipAttemptAbandoned(ip);
                            }
                        }));
    }

    /**
     * As {@link #passwordAttempt}, for a second-step code of the login: it shares the password's
     * counter and lock; it holds no hash place, so its pauses are plain timers.
     */
    public Future<Decision> codeAttempt(String category, String login, String ip) {
        return passwordAttempt(
                category,
                login,
                ip,
                pause -> vertx.timer(Math.max(1, pause.toMillis())).mapEmpty());
    }

    /**
     * An attempt that passed the gate but that the server could not finish (Postgres or Redis out of
     * reach, a deadline): its reservation and its place in the IP's budget are given back, so an
     * outage costs the person nothing and later attempts do not wait behind it.
     */
    public void passwordAbandoned(String category, String login, String ip, Decision decision) {
        if (decision.gate() == Gate.GO) {
            giveBacks.run(() -> passwordSettled(category, login, ip, decision, Outcome.VOID));
        }
        ipAttemptAbandoned(ip);
    }

    /** A place {@link #ipAttempt} took for an attempt the server could not finish. */
    public void ipAttemptAbandoned(String ip) {
        giveBacks.run(() -> giveBack(redis.keys().clientSignIns(client(ip))));
    }

    /** A place {@link #sendFromIp} took for a request the server could not finish. */
    public void sendFromIpAbandoned(String ip) {
        giveBacks.run(() -> giveBack(redis.keys().clientSends(client(ip))));
    }

    /** The SMS {@link #smsBudget} paid for, when it was not sent after all. */
    public void smsBudgetAbandoned() {
        giveBacks.run(() -> giveBack(redis.keys().smsBudget()));
    }

    /** The places {@link #recoveryFor} took for a request the server could not finish. */
    public void recoveryAbandoned(String category, String login) {
        giveBacks.run(() -> giveBack(redis.keys().recoveryHour(category, login)));
        giveBacks.run(() -> giveBack(redis.keys().recoveryDay(category, login)));
    }

    private Future<Void> giveBack(String counter) {
        return redis.eval(Scripts.WINDOW_GIVE_BACK, List.of(counter), List.of()).mapEmpty();
    }

    /** An attempt at its login's gate, and how it spends a pause there ({@code pause}: a timer, at least). */
    private record Waiting(
            String category,
            String login,
            String ip,
            String reservation,
            long giveUpAt,
            Function<Duration, Future<Void>> pause) {}

    private Future<Decision> gate(Waiting w, int round) {
        String category = w.category();
        String login = w.login();
        String ip = w.ip();
        String reservation = w.reservation();
        long now = System.currentTimeMillis();
        return redis.eval(
                        Scripts.LOGIN_GATE,
                        passwordKeys(category, login, ip),
                        List.of(
                                Long.toString(now),
                                Integer.toString(limits.loginDelayAfter()),
                                ms(limits.loginDelayBase()),
                                ms(limits.loginDelayMax()),
                                Integer.toString(limits.loginLockAfter()),
                                Integer.toString(limits.loginPerAccountIp()),
                                reservation,
                                ms(RESERVATION)))
                .compose(r -> {
                    long outcome = r.get(0).toLong();
                    long failures = r.get(2).toLong();
                    if (outcome == 1) {
                        return Future.succeededFuture(new Decision(Gate.GO, failures, reservation));
                    }
                    if (outcome == -2) {
                        return Future.succeededFuture(new Decision(Gate.LOCKED, failures, null));
                    }
                    if (outcome == -4) {
                        if (System.currentTimeMillis() >= w.giveUpAt()) {
                            return Future.failedFuture(refused(ThrottleKind.PASSWORD_BUSY, 1000));
                        }
                        // Earlier attempts of this login are being checked: ask again when some have ended.
                        long pause = Math.min(250, 10L << Math.min(round, 5))
                                + ThreadLocalRandom.current().nextInt(10);
                        return w.pause().apply(Duration.ofMillis(pause)).compose(t -> gate(w, round + 1));
                    }
                    return Future.failedFuture(refused(
                            outcome == -3 ? ThrottleKind.ACCOUNT_IP : ThrottleKind.PASSWORD_DELAY,
                            r.get(1).toLong()));
                });
    }

    /** Gives back a GO's reservation; returns the consecutive failures after it. */
    public Future<Long> passwordSettled(String category, String login, String ip, Decision decision, Outcome outcome) {
        long memory = Math.max(DAY.toMillis(), limits.loginLockFor().toMillis());
        return redis.eval(
                        Scripts.LOGIN_SETTLE,
                        passwordKeys(category, login, ip),
                        List.of(
                                outcome.name().toLowerCase(Locale.ROOT),
                                decision.reservation(),
                                Long.toString(System.currentTimeMillis()),
                                Integer.toString(limits.loginLockAfter()),
                                ms(limits.loginLockFor()),
                                Long.toString(memory),
                                ms(limits.loginAccountIpWindow())))
                .map(Response::toLong);
    }

    private List<String> passwordKeys(String category, String login, String ip) {
        String client = client(ip);
        Keys keys = redis.keys();
        return List.of(
                keys.passwordFailures(category, login),
                keys.passwordFailuresFrom(category, login, client),
                keys.passwordReservations(category, login),
                keys.passwordReservationsFrom(category, login, client));
    }

    /** One sign-in attempt (password or SMS code) from this IP. */
    public Future<Void> ipAttempt(String ip) {
        return hit(List.of(new Window(
                ThrottleKind.IP, redis.keys().clientSignIns(client(ip)), limits.loginPerIp(), limits.loginIpWindow())));
    }

    /** Where the login stands: consecutive failures and whether the password path is locked. */
    public Future<Map<String, Object>> passwordState(String category, String login) {
        return redis.send(Command.HMGET, redis.keys().passwordFailures(category, login), "n", "until")
                .map(r -> {
                    long n = r.get(0) == null ? 0 : r.get(0).toLong();
                    long until = r.get(1) == null ? 0 : r.get(1).toLong();
                    return Map.of("failures", n, "locked", until > System.currentTimeMillis());
                });
    }

    /** Admin unlock: password failures and wrong SMS codes forgotten. */
    public Future<Void> unlock(String category, String login) {
        Keys keys = redis.keys();
        return redis.send(Command.DEL, keys.passwordFailures(category, login), keys.smsFailures(category, login))
                .mapEmpty();
    }

    /** An SMS code or a recovery asked from this IP (per-IP sending cap). */
    public Future<Void> sendFromIp(String ip) {
        return hit(List.of(
                new Window(ThrottleKind.SEND_IP, redis.keys().clientSends(client(ip)), limits.sendPerIpHour(), HOUR)));
    }

    /** One more SMS out of the global budget: only for a message that is actually sent. */
    public Future<Void> smsBudget() {
        return hit(List.of(smsWindow())).onSuccess(v -> metrics.smsSpent());
    }

    /**
     * The answer {@link #smsBudget} would give, spending nothing: for a request that sends no SMS,
     * so it answers exactly like one that does without draining the budget.
     */
    public Future<Void> smsBudgetOpen() {
        Window w = smsWindow();
        return redis.eval(Scripts.WINDOW_PEEK, List.of(w.key), List.of(Integer.toString(w.limit)))
                .compose(r -> r.get(0).toLong() == 1
                        ? Future.succeededFuture()
                        : Future.failedFuture(
                                refused(ThrottleKind.SMS_BUDGET, r.get(1).toLong())));
    }

    private Window smsWindow() {
        return new Window(ThrottleKind.SMS_BUDGET, redis.keys().smsBudget(), limits.smsPerMinute(), MINUTE);
    }

    /** A temporary password asked for this number (per hour and per day). */
    public Future<Void> recoveryFor(String category, String login) {
        return hit(List.of(
                new Window(
                        ThrottleKind.RECOVERY_HOUR,
                        redis.keys().recoveryHour(category, login),
                        limits.recoveryPerHour(),
                        HOUR),
                new Window(
                        ThrottleKind.RECOVERY_DAY,
                        redis.keys().recoveryDay(category, login),
                        limits.recoveryPerDay(),
                        DAY)));
    }

    /**
     * An admin token typed into the operator console from this client: counted before it is compared,
     * so parallel guesses cannot slip past the cap; a right one gives its place back
     * ({@link #consoleSucceeded}), so only wrong ones add up.
     */
    public Future<Void> consoleAttempt(String ip, int failures, Duration window) {
        return hit(
                List.of(new Window(ThrottleKind.CONSOLE, redis.keys().consoleFailures(client(ip)), failures, window)));
    }

    /** The right admin token: the place {@link #consoleAttempt} took is given back. */
    public Future<Void> consoleSucceeded(String ip) {
        return giveBack(redis.keys().consoleFailures(client(ip)));
    }

    private Future<Void> hit(List<Window> windows) {
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (Window w : windows) {
            keys.add(w.key);
            args.add(Integer.toString(w.limit));
            args.add(ms(w.window));
        }
        return redis.eval(Scripts.WINDOW_HIT, keys, args)
                .compose(r -> r.get(0).toLong() == 1
                        ? Future.succeededFuture()
                        : Future.failedFuture(refused(
                                windows.get(r.get(2).toInteger() - 1).kind,
                                r.get(1).toLong())));
    }

    /** The 429 of a limit, counted by its kind. */
    private FlowException refused(ThrottleKind kind, long waitMs) {
        metrics.throttleHit(kind.label());
        return new FlowException(Failure.TOO_MANY_REQUESTS, Map.of(), Duration.ofMillis(Math.max(1000, waitMs)));
    }

    /** An IPv6 client counts by its block (http.ipv6-prefix): one host may hold all of it. */
    private String client(String ip) {
        return IpAddress.block(ip, ipv6Prefix);
    }

    private static String ms(Duration d) {
        return Long.toString(d.toMillis());
    }

    private record Window(ThrottleKind kind, String key, int limit, Duration window) {}
}
