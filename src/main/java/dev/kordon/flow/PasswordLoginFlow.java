package dev.kordon.flow;

import dev.kordon.account.Account;
import dev.kordon.account.AccountRepository;
import dev.kordon.account.LoginParser;
import dev.kordon.audit.Audit;
import dev.kordon.credential.Credentials;
import dev.kordon.credential.PasswordHasher;
import dev.kordon.guard.ChangeTokens;
import dev.kordon.guard.TempPasswords;
import dev.kordon.guard.Throttles;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import dev.kordon.token.RefreshTokens;
import dev.kordon.token.TokenService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * «Вход в аккаунт» by password. Unknown login, wrong password, a tariff outside the allow-list, a
 * disabled account and a locked password path all end in the same {@code invalid_credentials},
 * after the same Argon2id work (a missing account is checked against a dummy hash). A password
 * that is not the permanent one may be the e-mailed temporary password: then the answer is a
 * change token and the forced change («Изменение пароля») follows. The temporary password works
 * even while the password path is throttled or locked, so recovery by e-mail stays open to the
 * owner of an attacked account.
 */
public final class PasswordLoginFlow {
  private static final Logger LOG = Logger.getLogger(PasswordLoginFlow.class.getName());

  private final LoginParser logins;
  private final AccountRepository accounts;
  private final Credentials credentials;
  private final TokenService tokens;
  private final RefreshTokens refresh;
  private final TempPasswords temps;
  private final Throttles throttles;
  private final ChangeTokens changes;
  private final Audit audit;
  private final List<String> tariffs;

  public PasswordLoginFlow(Subscribers subscribers, Credentials credentials, Grants grants, Guards guards, Audit audit) {
    this.logins = subscribers.logins();
    this.accounts = subscribers.accounts();
    this.tariffs = subscribers.tariffs();
    this.credentials = credentials;
    this.tokens = grants.tokens();
    this.refresh = grants.refresh();
    this.temps = guards.temps();
    this.throttles = guards.throttles();
    this.changes = guards.changes();
    this.audit = audit;
  }

  public Future<Answer> login(String category, String rawLogin, String password, String ip) {
    Map<String, Text> errors = new LinkedHashMap<>();
    String login = Inputs.login(logins, category, rawLogin, errors);
    Inputs.required("password", password, errors);
    if (password != null && PasswordHasher.tooLong(password)) {
      errors.put("password", Text.of("field.too-long", PasswordHasher.MAX_PASSWORD_CHARS));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(FlowException.invalid(errors));
    }
    // Under a burst the hash pool may be full: shed now, before any round trip or attempt count.
    return credentials.admit().compose(v -> throttles.passwordAttempt(category, login, ip)).transform(ar -> {
      if (ar.succeeded()) {
        // Tokens count from before the account is read: a password change that lands meanwhile refuses them.
        long readAt = System.currentTimeMillis();
        return accounts.find(category, login).compose(found -> check(category, login, found, password, ip, ar.result(),
            readAt));
      }
      if (ar.cause() instanceof FlowException fe && fe.failure() == Failure.TOO_MANY_REQUESTS) {
        // Throttled: no hashing, but a temporary password still opens the forced change.
        return accounts.find(category, login).compose(found -> temporary(category, login, found.orElse(null), password, ip)
            .compose(answer -> answer != null ? Future.succeededFuture(answer) : throttled(category, login, found, ip, fe)));
      }
      return Future.failedFuture(ar.cause());
    });
  }

  private Future<Answer> throttled(String category, String login, Optional<Account> found, String ip, FlowException fe) {
    audit.record(Audit.LOGIN_THROTTLED, found.map(Account::id).orElse(null), category, login, ip,
        new JsonObject().put("method", "pwd").put("retry_after_s", fe.retryAfter().toSeconds()));
    return Future.failedFuture(fe);
  }

  private Future<Answer> check(String category, String login, Optional<Account> found, String password, String ip,
      Throttles.Decision decision, long readAt) {
    String hash = found.map(Account::passwordHash).orElse(null);
    boolean locked = decision.gate() == Throttles.Gate.LOCKED;
    return credentials.verify(hash, password).recover(err -> {
      if (!locked && err instanceof FlowException fe && fe.failure() == Failure.OVERLOADED) {
        // Shed before the check: no guess was made, so nothing counts.
        return throttles.passwordSettled(category, login, ip, decision, Throttles.Outcome.VOID)
            .transform(ignored -> Future.failedFuture(err));
      }
      return Future.failedFuture(err);
    }).compose(verdict -> {
      Account account = found.orElse(null);
      boolean eligible = account != null && account.active() && tariffs.contains(account.tariff());
      if (verdict.ok() && eligible && !locked) {
        if (verdict.outdated()) {
          rehash(account, password);
        }
        audit.record(Audit.LOGIN_SUCCESS, account.id(), category, login, ip, new JsonObject().put("method", "pwd"));
        return throttles.passwordSettled(category, login, ip, decision, Throttles.Outcome.OK)
            .compose(v -> refresh.issue(account.id())).map(rt -> {
              TokenService.Issued at = tokens.issueAccess(account, List.of("pwd"), rt.family(), readAt);
              return (Answer) new TokenPair(at.token(), at.expiresIn(), rt.token(), rt.expiresIn());
            });
      }
      // Asked for known and unknown logins alike, so both cost the same Redis round trip.
      return temporary(category, login, account, password, ip).compose(answer -> {
        if (answer != null) {
          return locked ? Future.succeededFuture(answer)
              : throttles.passwordSettled(category, login, ip, decision, Throttles.Outcome.VOID).map(n -> answer);
        }
        String reason = locked ? "locked" : account == null ? "unknown_login" : !account.active() ? "disabled"
            : !tariffs.contains(account.tariff()) ? "tariff" : "wrong_password";
        Future<Long> failures = locked ? Future.succeededFuture(decision.failures())
            : throttles.passwordSettled(category, login, ip, decision, Throttles.Outcome.FAIL);
        return failures.compose(n -> {
          audit.record(locked ? Audit.LOGIN_LOCKED : Audit.LOGIN_FAILURE, account == null ? null : account.id(),
              category, login, ip, new JsonObject().put("method", "pwd").put("reason", reason).put("attempts", n));
          return Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS));
        });
      });
    });
  }

  /** The change token if {@code password} is the login's live temporary password, else null. */
  private Future<Answer> temporary(String category, String login, Account account, String password, String ip) {
    return temps.take(category, login, password).compose(taken -> {
      if (!taken || account == null || !account.active() || !tariffs.contains(account.tariff())) {
        return Future.succeededFuture(null);
      }
      audit.record(Audit.LOGIN_SUCCESS, account.id(), category, login, ip, new JsonObject().put("method", "temporary"));
      return changeToken(account, temps.hash(category, login, password));
    });
  }

  /** The change token, with the temporary password's hash kept beside it for the policy check. */
  private Future<Answer> changeToken(Account account, String tempHash) {
    TokenService.Issued change = tokens.issueChange(account, changes.ttl().toSeconds());
    return changes.issue(account.id(), change.jti(), tempHash)
        .map(v -> (Answer) new ChangeRequired(change.token(), change.expiresIn()));
  }

  /** Old parameters: store a hash made with today's, unless the password changed meanwhile. */
  private void rehash(Account account, String password) {
    credentials.hash(password)
        .compose(newHash -> accounts.replaceHash(account.id(), account.passwordHash(), newHash))
        .onFailure(err -> LOG.log(Level.FINE, "re-hash of account " + account.id() + " skipped: " + err.getClass().getSimpleName()));
  }
}
