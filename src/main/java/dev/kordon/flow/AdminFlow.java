package dev.kordon.flow;

import dev.kordon.account.AccountFields;
import dev.kordon.account.AccountRepository;
import dev.kordon.account.AccountRepository.Draft;
import dev.kordon.account.AccountRepository.Upserted;
import dev.kordon.account.LoginParser;
import dev.kordon.audit.Audit;
import dev.kordon.guard.Throttles;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What operators do with accounts on the admin port: read one with the state of its password
 * lock, create or update one, lift a lock, read its events, import many. Every change is
 * audited; a changed role or status ends every credential of the account before the change is
 * confirmed.
 */
public final class AdminFlow {
  /** Events shown when the operator names no limit, and the most ever shown at once. */
  private static final int EVENTS = 100;
  private static final int MAX_EVENTS = 1000;

  private final LoginParser logins;
  private final AccountRepository accounts;
  private final Throttles throttles;
  private final SessionFlow sessions;
  private final Audit audit;

  public AdminFlow(Subscribers subscribers, Throttles throttles, SessionFlow sessions, Audit audit) {
    this.logins = subscribers.logins();
    this.accounts = subscribers.accounts();
    this.throttles = throttles;
    this.sessions = sessions;
    this.audit = audit;
  }

  /** An account's fields as the operator sent them; absent ones are null. */
  public record Fields(String tariff, String email, String role, String status) {}

  /** A run of imported rows: what it answers when done, and what it did so far (also when it stopped). */
  public interface Import {
    Future<JsonObject> run();

    JsonObject summary();
  }

  /** The login formats that account paths and imported rows are read with. */
  public LoginParser logins() {
    return logins;
  }

  /** The account with its password failures and lock; NOT_FOUND when there is none. */
  public Future<JsonObject> account(String category, String rawLogin) {
    return login(category, rawLogin).compose(login -> accounts.find(category, login)
        .compose(found -> found.isEmpty() ? Future.failedFuture(new FlowException(Failure.NOT_FOUND))
            : throttles.passwordState(category, login).map(state -> found.get().toJson()
                .put("password_failures", state.get("failures")).put("password_locked", state.get("locked")))));
  }

  /**
   * Creates or updates the account: a role defaults to subscriber, a status to active; the login's
   * and the fields' errors are answered together.
   */
  public Future<Upserted> save(String category, String rawLogin, Fields fields, String ip) {
    if (!logins.knownCategory(category)) {
      return Future.failedFuture(new FlowException(Failure.NOT_FOUND));
    }
    Map<String, Text> errors = new LinkedHashMap<>();
    LoginParser.Result parsed = logins.parse(category, rawLogin);
    if (parsed.error() != null) {
      errors.put("login", parsed.error());
    }
    String tariff = AccountFields.pad(fields.tariff());
    String email = AccountFields.pad(fields.email());
    String role = fields.role() == null ? "subscriber" : fields.role();
    String status = fields.status() == null ? "active" : fields.status();
    errors.putAll(AccountFields.check(tariff, email, role, status));
    if (!errors.isEmpty()) {
      return Future.failedFuture(FlowException.invalid(errors));
    }
    return accounts.upsert(category, parsed.login(), tariff, email, role, status)
        .compose(this::endIfAccessChanged)
        .onSuccess(up -> audit.record(Audit.ADMIN_ACCOUNT, up.account().id(), up.account().category(),
            up.account().login(), ip, new JsonObject().put("created", up.created())
                .put("credentials_ended", up.accessChanged()).put("status", up.account().status())
                .put("role", up.account().role()).put("tariff", up.account().tariff())));
  }

  /** Creates or updates a batch of imported accounts in one transaction; see {@link AccountRepository#upsertAll}. */
  public Future<List<Upserted>> saveAll(List<Draft> drafts) {
    return accounts.upsertAll(drafts).compose(ups ->
        // The transaction is committed: every account whose role or status changed ends its credentials now.
        Future.all(ups.stream().map(this::endIfAccessChanged).toList()).map(v -> ups));
  }

  /** Runs an import; it is audited even when it stops part-way. */
  public Future<JsonObject> imported(Import job, String ip) {
    return job.run().transform(ar -> {
      JsonObject detail = job.summary().put("import", true);
      if (ar.failed()) {
        detail.put("stopped", true);
      }
      audit.record(Audit.ADMIN_ACCOUNT, null, null, null, ip, detail);
      return ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause());
    });
  }

  /** Lifts the password lock and forgets failures (password and SMS code) of the login. */
  public Future<Void> unlock(String category, String rawLogin, String ip) {
    return login(category, rawLogin).compose(login -> accounts.find(category, login)
        .compose(found -> found.isEmpty() ? Future.failedFuture(new FlowException(Failure.NOT_FOUND))
            : throttles.unlock(category, login).map(v -> found.get()))
        .map(a -> {
          audit.record(Audit.ADMIN_UNLOCK, a.id(), category, login, ip, new JsonObject());
          return null;
        }));
  }

  /** The login's latest events, newest first: {@code limit} of them, 100 when it is null, at most 1000. */
  public Future<JsonArray> events(String category, String rawLogin, Integer limit) {
    int n = limit == null ? EVENTS : Math.max(1, Math.min(MAX_EVENTS, limit));
    return login(category, rawLogin).compose(login -> audit.forLogin(category, login, n));
  }

  /** The path's login, canonical; NOT_FOUND for a category Kordon does not have, a 400 for a malformed login. */
  private Future<String> login(String category, String raw) {
    if (!logins.knownCategory(category)) {
      return Future.failedFuture(new FlowException(Failure.NOT_FOUND));
    }
    LoginParser.Result parsed = logins.parse(category, raw);
    if (parsed.error() != null) {
      return Future.failedFuture(FlowException.invalid(Map.of("login", parsed.error())));
    }
    return Future.succeededFuture(parsed.login());
  }

  /** A changed role or status ends every credential of the account before the change is confirmed. */
  private Future<Upserted> endIfAccessChanged(Upserted up) {
    return up.accessChanged() ? sessions.endAll(up.account().id()).map(v -> up) : Future.succeededFuture(up);
  }
}
