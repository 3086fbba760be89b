package dev.kordon.admin;

import dev.kordon.flow.Grants;
import dev.kordon.flow.Guards;
import dev.kordon.flow.Notices;
import dev.kordon.flow.SessionFlow;
import dev.kordon.flow.Subscribers;
import dev.kordon.account.Account;
import dev.kordon.account.AccountFields;
import dev.kordon.account.AccountRepository;
import dev.kordon.account.AccountRepository.Draft;
import dev.kordon.account.AccountRepository.Upserted;
import dev.kordon.account.LoginParser;
import dev.kordon.audit.Audit;
import dev.kordon.audit.AuditEvent;
import dev.kordon.guard.TempPasswords;
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
 * What operators do with accounts on the admin port and the command line: read one with the
 * state of its password lock, create or update one, lift a lock, read its events, import many,
 * disable or enable one, list and end its sessions, force a password reset, search. Every change
 * is audited; a changed role or status ends every credential of the account before the change is
 * confirmed.
 */
public final class AdminFlow {
  /** Events shown when the operator names no limit, and the most ever shown at once. */
  private static final int EVENTS = 100;
  private static final int MAX_EVENTS = 1000;

  /** Accounts a search answers when the operator names no limit, and the most ever answered at once. */
  private static final int FOUND = 50;
  private static final int MAX_FOUND = 500;

  private final LoginParser logins;
  private final AccountRepository accounts;
  private final Throttles throttles;
  private final TempPasswords temps;
  private final SessionFlow sessions;
  private final Grants grants;
  private final Notices notices;
  private final Audit audit;

  public AdminFlow(Subscribers subscribers, Guards guards, Notices notices, SessionFlow sessions, Grants grants) {
    this.logins = subscribers.logins();
    this.accounts = subscribers.accounts();
    this.throttles = guards.throttles();
    this.temps = guards.temps();
    this.sessions = sessions;
    this.grants = grants;
    this.notices = notices;
    this.audit = notices.audit();
  }

  /** An account's fields as the operator sent them; absent ones are null. */
  public record Fields(String tariff, String email, String role, String status) {}

  /** A run of imported rows: what it answers when done, and what it did so far (also when it stopped). */
  public interface Import {
    Future<ImportSummary> run();

    JsonObject summary();
  }

  /** The login formats that account paths and imported rows are read with. */
  public LoginParser logins() {
    return logins;
  }

  /** The account with its password failures and lock; NOT_FOUND when there is none. */
  public Future<AccountState> account(String category, String rawLogin) {
    return login(category, rawLogin).compose(login -> accounts.find(category, login)
        .compose(found -> found.isEmpty() ? Future.failedFuture(new FlowException(Failure.NOT_FOUND))
            : throttles.passwordState(category, login).map(state -> new AccountState(found.get(),
                (Long) state.get("failures"), (Boolean) state.get("locked")))));
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
    // A changed role or status ends the credentials before the change commits: if Redis cannot
    // end them, nothing changes and the operator's retry is a change again. Ended once more after
    // the commit, for a sign-in that read the old row in between.
    return accounts.upsert(new Draft(category, parsed.login(), tariff, email, role, status), this::endIfChanged)
        .compose(this::endIfAccessChanged)
        .onSuccess(up -> audit.record(Audit.ADMIN_ACCOUNT, up.account().id(), up.account().category(),
            up.account().login(), ip, new JsonObject().put("created", up.created())
                .put("credentials_ended", up.accessChanged()).put("status", up.account().status())
                .put("role", up.account().role()).put("tariff", up.account().tariff())));
  }

  /** Creates or updates a batch of imported accounts in one transaction; see {@link AccountRepository#upsertAll}. */
  public Future<List<Upserted>> saveAll(List<Draft> drafts) {
    // As in save: credentials end before the batch commits, and once more after.
    return accounts.upsertAll(drafts, ups -> Future.all(ups.stream().map(this::endIfChanged).toList()).mapEmpty())
        .compose(ups -> Future.all(ups.stream().map(this::endIfAccessChanged).toList()).map(v -> ups));
  }

  /** Runs an import; it is audited even when it stops part-way. */
  public Future<ImportSummary> imported(Import job, String ip) {
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
  public Future<List<AuditEvent>> events(String category, String rawLogin, Integer limit) {
    int n = limit == null ? EVENTS : Math.max(1, Math.min(MAX_EVENTS, limit));
    return login(category, rawLogin).compose(login -> audit.forLogin(category, login, n));
  }

  /**
   * Disables the account and ends every credential of it at once: refresh families, browser
   * sessions, live access tokens (the epoch, on every instance). Sign-in is refused from then on.
   */
  public Future<Void> disable(String category, String rawLogin, String ip) {
    return existing(category, rawLogin)
        .compose(a -> accounts.setStatus(a.id(), "disabled").map(a))
        .compose(a -> endEverything(a).map(a))
        .map(a -> {
          audit.record(Audit.ADMIN_DISABLED, a.id(), a.category(), a.login(), ip,
              new JsonObject().put("credentials_ended", true).put("was", a.status()));
          return null;
        });
  }

  /** Lets the account sign in again; credentials ended by the disable stay ended. */
  public Future<Void> enable(String category, String rawLogin, String ip) {
    return existing(category, rawLogin)
        .compose(a -> accounts.setStatus(a.id(), "active").map(a))
        .map(a -> {
          audit.record(Audit.ADMIN_ENABLED, a.id(), a.category(), a.login(), ip, new JsonObject().put("was", a.status()));
          return null;
        });
  }

  /**
   * The account's refresh families and browser sessions, newest first: id, kind, created_at and
   * expires_at (epoch ms). Never a token or cookie: the ids only name them.
   */
  public Future<List<Session>> sessions(String category, String rawLogin) {
    return existing(category, rawLogin).compose(a -> {
      Future<JsonArray> families = grants.refresh().families(a.id());
      Future<JsonArray> browser = grants.browser().list(a.id());
      return Future.all(families, browser).map(all -> {
        List<Session> list = new java.util.ArrayList<>();
        families.result().forEach(o -> list.add(Session.of((JsonObject) o)));
        browser.result().forEach(o -> list.add(Session.of((JsonObject) o)));
        list.sort((x, y) -> Long.compare(y.createdAt(), x.createdAt()));
        return list;
      });
    });
  }

  /**
   * Ends one session by the id {@link #sessions} gave: a refresh family (32 hex digits; the access
   * token issued with it lives out its few minutes) or a browser session (64). NOT_FOUND when none.
   */
  public Future<Void> endSession(String category, String rawLogin, String id, String ip) {
    boolean family = id != null && id.matches("[0-9a-f]{32}");
    boolean browser = id != null && id.matches("[0-9a-f]{64}");
    return existing(category, rawLogin).compose(a -> {
      if (!family && !browser) {
        return Future.failedFuture(new FlowException(Failure.NOT_FOUND));
      }
      Future<Boolean> ended = family ? sessions.endFamily(a.id(), id) : grants.browser().end(a.id(), id);
      return ended.compose(found -> {
        if (!found) {
          return Future.failedFuture(new FlowException(Failure.NOT_FOUND));
        }
        audit.record(Audit.ADMIN_SESSION_ENDED, a.id(), a.category(), a.login(), ip,
            new JsonObject().put("kind", family ? "refresh" : "browser"));
        return Future.<Void>succeededFuture();
      });
    });
  }

  /**
   * Forces a password reset: the password is cleared (the old one stops working), every credential
   * ends, and a temporary password goes to the e-mail on file as «Забыли пароль?» sends it; signing
   * in with it leads to the forced change. Answers whether it was sent: not to a disabled account.
   */
  public Future<TempPasswordIssued> reset(String category, String rawLogin, String ip) {
    return existing(category, rawLogin)
        .compose(a -> accounts.setHash(a.id(), null).map(a))
        .compose(a -> endEverything(a).map(a))
        .compose(a -> temps.issue(a.category(), a.login()).compose(temp -> {
          boolean send = a.active() && a.email() != null && !a.email().isEmpty();
          audit.record(Audit.ADMIN_PASSWORD_RESET, a.id(), a.category(), a.login(), ip,
              new JsonObject().put("credentials_ended", true).put("sent", send));
          TempPasswordIssued answer = new TempPasswordIssued(send, temps.config().ttl().toSeconds());
          if (!send) {
            return Future.succeededFuture(answer);
          }
          try {
            return notices.outbox().enqueue(notices.letters().recoveryMail(a, temp)).map(id -> answer);
          } catch (Exception e) {
            return Future.failedFuture(e);
          }
        }));
  }

  /**
   * Sends a fresh temporary password to the e-mail on file, as «Забыли пароль?» does, and changes
   * nothing else: the current password keeps working until the temporary one is used, and no
   * session ends. A new one replaces the one sent before. The number's own recovery caps
   * ({@code recovery.per-hour}, {@code recovery.per-day}) hold here too, so an operator cannot flood
   * a mailbox either. Answers whether it was sent: not to a disabled account or one without an
   * address.
   */
  public Future<TempPasswordIssued> resend(String category, String rawLogin, String ip) {
    return existing(category, rawLogin)
        .compose(a -> throttles.recoveryFor(a.category(), a.login()).map(a))
        .compose(a -> {
          boolean send = a.active() && a.email() != null && !a.email().isEmpty();
          TempPasswordIssued answer = new TempPasswordIssued(send, temps.config().ttl().toSeconds());
          if (!send) {
            audit.record(Audit.ADMIN_TEMP_PASSWORD_SENT, a.id(), a.category(), a.login(), ip,
                new JsonObject().put("sent", false));
            return Future.succeededFuture(answer);
          }
          return temps.issue(a.category(), a.login()).compose(temp -> {
            audit.record(Audit.ADMIN_TEMP_PASSWORD_SENT, a.id(), a.category(), a.login(), ip,
                new JsonObject().put("sent", true));
            try {
              return notices.outbox().enqueue(notices.letters().recoveryMail(a, temp)).map(id -> answer);
            } catch (Exception e) {
              return Future.failedFuture(e);
            }
          });
        });
  }

  /**
   * Accounts by login prefix (as stored: a phone with its plus and country code) and/or e-mail
   * (any case); at least one is required. {@code limit}: 50 when null, 1 to 500.
   */
  public Future<List<Account>> search(String loginPrefix, String email, Integer limit) {
    Map<String, Text> errors = new LinkedHashMap<>();
    String prefix = loginPrefix == null || loginPrefix.isBlank() ? null : loginPrefix.strip();
    String mail = email == null || email.isBlank() ? null : email.strip();
    if (prefix == null && mail == null) {
      errors.put("login_prefix", Text.of("field.required"));
    }
    if (limit != null && (limit < 1 || limit > MAX_FOUND)) {
      errors.put("limit", Text.of("field.type"));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(FlowException.invalid(errors));
    }
    return accounts.search(prefix, mail, limit == null ? FOUND : limit);
  }

  /** Refresh families, live access tokens and browser sessions by the epoch, then the sessions' keys. */
  private Future<Void> endEverything(Account a) {
    return sessions.endAll(a.id()).compose(v -> grants.browser().endAll(a.id()));
  }

  private Future<Account> existing(String category, String rawLogin) {
    return login(category, rawLogin).compose(login -> accounts.find(category, login))
        .compose(found -> found.isEmpty() ? Future.failedFuture(new FlowException(Failure.NOT_FOUND))
            : Future.succeededFuture(found.get()));
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

  private Future<Void> endIfChanged(Upserted up) {
    return up.accessChanged() ? sessions.endAll(up.account().id()) : Future.succeededFuture();
  }

  /** A changed role or status ends every credential of the account before the change is confirmed. */
  private Future<Upserted> endIfAccessChanged(Upserted up) {
    return up.accessChanged() ? sessions.endAll(up.account().id()).map(v -> up) : Future.succeededFuture(up);
  }
}
