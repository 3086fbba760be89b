package dev.kordon.flow;

import dev.kordon.account.Account;
import dev.kordon.account.AccountRepository;
import dev.kordon.audit.Audit;
import dev.kordon.credential.Credentials;
import dev.kordon.credential.PasswordHasher;
import dev.kordon.credential.PasswordPolicy;
import dev.kordon.dispatch.Letters;
import dev.kordon.dispatch.Outbox;
import dev.kordon.guard.Secrets;
import dev.kordon.guard.TempPasswords;
import dev.kordon.store.LuaScript;
import dev.kordon.store.RedisStore;
import dev.kordon.token.RefreshTokens;
import dev.kordon.token.TokenService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * «Изменение пароля»: «Введите новый пароль», «Подтвердите новый пароль», «Сохранить». Either with
 * the change token of a temporary-password sign-in (the forced change), or with an access token
 * plus the current password. On success the temporary password is gone, every refresh token of
 * the account is revoked and a notice (no secrets) goes to the organisation's e-mail.
 */
public final class PasswordChangeFlow {
  private static final Logger LOG = Logger.getLogger(PasswordChangeFlow.class.getName());
  private static final LuaScript TAKE = LuaScript.load("take_if_equal.lua");

  private final TokenService tokens;
  private final SessionFlow sessions;
  private final AccountRepository accounts;
  private final Credentials credentials;
  private final TempPasswords temps;
  private final RefreshTokens refresh;
  private final RedisStore redis;
  private final Outbox outbox;
  private final Letters letters;
  private final Audit audit;

  public PasswordChangeFlow(TokenService tokens, SessionFlow sessions, AccountRepository accounts,
      Credentials credentials, TempPasswords temps, RefreshTokens refresh, RedisStore redis, Outbox outbox,
      Letters letters, Audit audit) {
    this.audit = audit;
    this.tokens = tokens;
    this.sessions = sessions;
    this.accounts = accounts;
    this.credentials = credentials;
    this.temps = temps;
    this.refresh = refresh;
    this.redis = redis;
    this.outbox = outbox;
    this.letters = letters;
  }

  public Future<Void> change(String bearer, String current, String next, String confirm) {
    if (bearer == null) {
      return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
    }
    boolean forced = TokenService.CHANGE.equals(TokenService.claimedType(bearer));
    if (forced) {
      return tokens.verify(bearer, TokenService.CHANGE)
          .recover(err -> Future.failedFuture(new FlowException(Failure.UNAUTHORIZED)))
          .compose(claims -> {
            UUID id = UUID.fromString(claims.getString("sub"));
            String chgKey = redis.accountKey(id, "chg:" + claims.getString("jti"));
            return redis.send(Command.GET, chgKey).compose(stored -> {
              if (stored == null) {
                return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
              }
              String tempHash = stored.toString();
              return account(id).compose(a -> {
                validate(a, next, confirm, false, current);
                if (Secrets.sameHash(temps.hash(a.category(), a.login(), next), tempHash)) {
                  throw weak(Text.of("policy.temporary"));
                }
                // The change token is spent here, once, whatever else is racing it.
                return redis.eval(TAKE, List.of(chgKey), List.of(tempHash)).compose(r -> r.toInteger() == 1
                    ? store(a, next) : Future.failedFuture(new FlowException(Failure.UNAUTHORIZED)));
              });
            });
          });
    }
    return sessions.authenticate(bearer).compose(claims -> changeFor(UUID.fromString(claims.getString("sub")),
        current, next, confirm));
  }

  /** A signed-in change (access token or browser session): the current password is required. */
  public Future<Void> changeFor(UUID accountId, String current, String next, String confirm) {
    return account(accountId).compose(a -> {
      validate(a, next, confirm, true, current);
      return credentials.verify(a.passwordHash(), current).compose(v -> v.ok() ? store(a, next)
          : Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS)));
    });
  }

  private Future<Account> account(UUID id) {
    return accounts.findById(id).compose(found -> found.filter(Account::active)
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new FlowException(Failure.UNAUTHORIZED))));
  }

  private static void validate(Account a, String next, String confirm, boolean needCurrent, String current) {
    Map<String, Text> errors = new LinkedHashMap<>();
    Inputs.required("new_password", next, errors);
    Inputs.required("confirm_password", confirm, errors);
    if (needCurrent) {
      Inputs.required("current_password", current, errors);
      if (current != null && current.length() > PasswordHasher.MAX_PASSWORD_CHARS) {
        errors.put("current_password", Text.of("field.too-long", PasswordHasher.MAX_PASSWORD_CHARS));
      }
    }
    if (!errors.isEmpty()) {
      throw FlowException.invalid(errors);
    }
    if (!next.equals(confirm)) {
      throw new FlowException(Failure.PASSWORD_MISMATCH, Map.of("confirm_password", Text.of("policy.mismatch")), null);
    }
    Optional<Text> problem = PasswordPolicy.problem(next, a.login());
    if (problem.isPresent()) {
      throw weak(problem.get());
    }
  }

  private static FlowException weak(Text reason) {
    return new FlowException(Failure.WEAK_PASSWORD, Map.of("new_password", reason), null);
  }

  private Future<Void> store(Account a, String next) {
    return credentials.hash(next)
        .compose(hash -> accounts.setHash(a.id(), hash))
        .compose(v -> temps.clear(a.category(), a.login()))
        .onSuccess(v -> audit.record(Audit.PASSWORD_CHANGED, a.id(), a.category(), a.login(), null, new JsonObject()))
        .compose(v -> refresh.revokeAll(a.id()))
        .compose(n -> {
          try {
            JsonObject notice = letters.changedMail(a);
            return outbox.enqueue(notice).<Void>mapEmpty();
          } catch (Exception e) {
            LOG.warning("password changed, but the notice could not be queued: " + e.getClass().getSimpleName());
            return Future.<Void>succeededFuture();
          }
        });
  }
}
