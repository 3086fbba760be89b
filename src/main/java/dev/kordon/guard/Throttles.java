package dev.kordon.guard;

import dev.kordon.config.KordonConfig;
import dev.kordon.flow.Failure;
import dev.kordon.flow.FlowException;
import dev.kordon.store.LuaScript;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every throttle and sending cap (conf/kordon.yaml: login, recovery, sending, sms-code). Each
 * decision is one Lua script over keys of one hash-tag slot: a login's keys under {l:…}, an IP's
 * under {ip:…}, the global SMS budget under {sms}. Over a limit the flow answers 429 with
 * Retry-After; a locked password path answers like a wrong password.
 */
public final class Throttles {
  private static final LuaScript GATE = LuaScript.load("login_gate.lua");
  private static final LuaScript HIT = LuaScript.load("window_hit.lua");
  private static final LuaScript REFUND = LuaScript.load("login_refund.lua");
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration MINUTE = Duration.ofMinutes(1);

  /** What the password gate decided: GO (counted as attempt {@code n}) or LOCKED. */
  public enum Gate { GO, LOCKED }

  /** The gate's answer with the consecutive-attempt count it left behind. */
  public record Decision(Gate gate, long attempts) {}

  private final RedisStore redis;
  private final KordonConfig.Limits limits;

  public Throttles(RedisStore redis, KordonConfig.Limits limits) {
    this.redis = redis;
    this.limits = limits;
  }

  public KordonConfig.Limits limits() {
    return limits;
  }

  /**
   * Before a password is checked: the IP's budget, then the login's gate (growing delay, lock,
   * login+IP cap). GO counts the attempt; LOCKED must be answered like a wrong password; a delay
   * fails with 429.
   */
  public Future<Decision> passwordAttempt(String category, String login, String ip) {
    return ipAttempt(ip)
        .compose(v -> {
          long now = System.currentTimeMillis();
          long memory = Math.max(DAY.toMillis(), limits.loginLockFor().toMillis());
          return redis.eval(GATE, List.of(loginKey(category, login, "pwfail"), loginKey(category, login, "pwip:" + ip)),
              List.of(Long.toString(now), Integer.toString(limits.loginDelayAfter()), ms(limits.loginDelayBase()),
                  ms(limits.loginDelayMax()), Integer.toString(limits.loginLockAfter()), ms(limits.loginLockFor()),
                  Integer.toString(limits.loginPerAccountIp()), ms(limits.loginAccountIpWindow()), Long.toString(memory)));
        })
        .compose(r -> {
          long outcome = r.get(0).toLong();
          if (outcome == 1) {
            return Future.succeededFuture(new Decision(Gate.GO, r.get(2).toLong()));
          }
          if (outcome == -2) {
            return Future.succeededFuture(new Decision(Gate.LOCKED, r.get(2).toLong()));
          }
          return Future.failedFuture(tooMany(r.get(1).toLong()));
        });
  }

  /**
   * An attempt that was counted as GO but shed (503) before its password was checked: it was no
   * guess, so it must not bring the login nearer a delay or a lock.
   */
  public Future<Void> passwordShed(String category, String login, String ip) {
    return redis.eval(REFUND, List.of(loginKey(category, login, "pwfail"), loginKey(category, login, "pwip:" + ip)),
        List.of(Integer.toString(limits.loginLockAfter()))).mapEmpty();
  }

  /** One sign-in attempt (password or SMS code) from this IP. */
  public Future<Void> ipAttempt(String ip) {
    return hit(List.of(new Window(ipKey(ip, "pw"), limits.loginPerIp(), limits.loginIpWindow())));
  }

  /** A right password: the consecutive-failure count starts again. */
  public Future<Void> passwordSucceeded(String category, String login) {
    return redis.send(Command.DEL, loginKey(category, login, "pwfail")).mapEmpty();
  }

  /** Where the login stands: consecutive failures and whether the password path is locked. */
  public Future<Map<String, Object>> passwordState(String category, String login) {
    return redis.send(Command.HMGET, loginKey(category, login, "pwfail"), "n", "until").map(r -> {
      long n = r.get(0) == null ? 0 : r.get(0).toLong();
      long until = r.get(1) == null ? 0 : r.get(1).toLong();
      return Map.of("failures", n, "locked", until > System.currentTimeMillis());
    });
  }

  /** Admin unlock: password failures and wrong SMS codes forgotten. */
  public Future<Void> unlock(String category, String login) {
    return redis.send(Command.DEL, loginKey(category, login, "pwfail"), loginKey(category, login, "smsfail")).mapEmpty();
  }

  /** An SMS code or a recovery asked from this IP (per-IP sending cap). */
  public Future<Void> sendFromIp(String ip) {
    return hit(List.of(new Window(ipKey(ip, "send"), limits.sendPerIpHour(), HOUR)));
  }

  /** One more SMS out of the global budget. */
  public Future<Void> smsBudget() {
    return hit(List.of(new Window(redis.globalKey("{sms}:minute"), limits.smsPerMinute(), MINUTE)));
  }

  /** A temporary password asked for this number (per hour and per day). */
  public Future<Void> recoveryFor(String category, String login) {
    return hit(List.of(
        new Window(loginKey(category, login, "rec:hour"), limits.recoveryPerHour(), HOUR),
        new Window(loginKey(category, login, "rec:day"), limits.recoveryPerDay(), DAY)));
  }

  private Future<Void> hit(List<Window> windows) {
    List<String> keys = new ArrayList<>();
    List<String> args = new ArrayList<>();
    for (Window w : windows) {
      keys.add(w.key);
      args.add(Integer.toString(w.limit));
      args.add(ms(w.window));
    }
    return redis.eval(HIT, keys, args).compose(r -> r.get(0).toLong() == 1 ? Future.succeededFuture()
        : Future.failedFuture(tooMany(r.get(1).toLong())));
  }

  static FlowException tooMany(long waitMs) {
    return new FlowException(Failure.TOO_MANY_REQUESTS, Map.of(), Duration.ofMillis(Math.max(1000, waitMs)));
  }

  private String loginKey(String category, String login, String suffix) {
    return redis.loginKey(category, login, suffix);
  }

  private String ipKey(String ip, String suffix) {
    return redis.globalKey("{ip:" + ip + "}:" + suffix);
  }

  private static String ms(Duration d) {
    return Long.toString(d.toMillis());
  }

  private record Window(String key, int limit, Duration window) {}

}
