package dev.kordon.flow;

import dev.kordon.account.Account;
import dev.kordon.account.AccountRepository;
import dev.kordon.account.LoginParser;
import dev.kordon.credential.Credentials;
import dev.kordon.credential.PasswordHasher;
import dev.kordon.token.RefreshTokens;
import dev.kordon.token.TokenService;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * «Вход в аккаунт» by password. Unknown login, wrong password, a tariff outside the allow-list and
 * a disabled account all end in the same {@code invalid_credentials}, after the same Argon2id work
 * (a missing account is checked against a dummy hash), so the answer tells an attacker nothing.
 */
public final class PasswordLoginFlow {
  private static final Logger LOG = Logger.getLogger(PasswordLoginFlow.class.getName());

  private final LoginParser logins;
  private final AccountRepository accounts;
  private final Credentials credentials;
  private final TokenService tokens;
  private final RefreshTokens refresh;
  private final List<String> tariffs;

  public PasswordLoginFlow(LoginParser logins, AccountRepository accounts, Credentials credentials,
      TokenService tokens, RefreshTokens refresh, List<String> tariffs) {
    this.logins = logins;
    this.accounts = accounts;
    this.credentials = credentials;
    this.tokens = tokens;
    this.refresh = refresh;
    this.tariffs = tariffs;
  }

  public Future<TokenPair> login(String category, String rawLogin, String password) {
    Map<String, Text> errors = new LinkedHashMap<>();
    String login = null;
    if (!logins.knownCategory(category)) {
      errors.put("category", Text.of(category == null || category.isBlank() ? "field.required" : "field.category"));
    } else {
      LoginParser.Result parsed = logins.parse(category, rawLogin);
      if (parsed.error() != null) {
        errors.put("login", parsed.error());
      }
      login = parsed.login();
    }
    if (password == null || password.isEmpty()) {
      errors.put("password", Text.of("field.required"));
    } else if (password.length() > PasswordHasher.MAX_PASSWORD_CHARS) {
      errors.put("password", Text.of("field.too-long", PasswordHasher.MAX_PASSWORD_CHARS));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(FlowException.invalid(errors));
    }
    return accounts.find(category, login).compose(found -> check(found, password));
  }

  private Future<TokenPair> check(Optional<Account> found, String password) {
    String hash = found.map(Account::passwordHash).orElse(null);
    return credentials.verify(hash, password).compose(verdict -> {
      Account account = found.orElse(null);
      if (!verdict.ok() || account == null || !account.active() || !tariffs.contains(account.tariff())) {
        return Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS));
      }
      if (verdict.outdated()) {
        rehash(account, password);
      }
      return refresh.issue(account.id()).map(rt -> {
        TokenService.Issued at = tokens.issueAccess(account, List.of("pwd"), rt.family());
        return new TokenPair(at.token(), at.expiresIn(), rt.token(), rt.expiresIn());
      });
    });
  }

  /** Old parameters: store a hash made with today's, unless the password changed meanwhile. */
  private void rehash(Account account, String password) {
    credentials.hash(password)
        .compose(newHash -> accounts.replaceHash(account.id(), account.passwordHash(), newHash))
        .onFailure(err -> LOG.log(Level.FINE, "re-hash of account " + account.id() + " skipped: " + err.getClass().getSimpleName()));
  }
}
