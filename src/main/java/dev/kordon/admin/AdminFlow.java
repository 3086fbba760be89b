package dev.kordon.admin;

import dev.kordon.account.Account;
import dev.kordon.account.AccountFields;
import dev.kordon.account.AccountRepository;
import dev.kordon.account.AccountRepository.Draft;
import dev.kordon.account.AccountRepository.Upserted;
import dev.kordon.account.LoginParser;
import dev.kordon.audit.Audit;
import dev.kordon.audit.AuditEvent;
import dev.kordon.flow.SessionFlow;
import dev.kordon.flow.Subscribers;
import dev.kordon.guard.Throttles;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import dev.kordon.token.BrowserSessions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What operators do with accounts on the admin port and the command line: read one with the
 * state of its password lock, create or update one, lift a lock, read its events, import many,
 * disable or enable one, search. Every change is audited; a changed role or status ends every
 * credential of the account before the change is confirmed. What is done to an account's
 * credentials alone is {@link AccountCredentials}'.
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
    private final SessionFlow sessions;
    private final BrowserSessions browser;
    private final Audit audit;

    public AdminFlow(
            Subscribers subscribers, Throttles throttles, Audit audit, SessionFlow sessions, BrowserSessions browser) {
        this.logins = subscribers.logins();
        this.accounts = subscribers.accounts();
        this.throttles = throttles;
        this.sessions = sessions;
        this.browser = browser;
        this.audit = audit;
    }

    /** An account's fields as the operator sent them; absent ones are null. */
    public record Fields(String tariff, String email, String role, String status) {}

    /** A run of imported rows: what it answers when done, and what it did so far (also when it stopped). */
    public interface Import {
        Future<ImportSummary> run();

        JsonObject summary();
    }

    AccountRepository accounts() {
        return accounts;
    }

    /** The login formats that account paths and imported rows are read with. */
    public LoginParser logins() {
        return logins;
    }

    /** The account with its password failures and lock; NOT_FOUND when there is none. */
    public Future<AccountState> account(String category, String rawLogin) {
        return login(category, rawLogin)
                .compose(login -> accounts.find(category, login)
                        .compose(found -> found.isEmpty()
                                ? Future.failedFuture(new FlowException(Failure.NOT_FOUND))
                                : throttles
                                        .passwordState(category, login)
                                        .map(state ->
                                                new AccountState(found.get(), (Long) state.get("failures"), (Boolean)
                                                        state.get("locked")))));
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
                .onSuccess(up -> audit.record(
                        Audit.ADMIN_ACCOUNT,
                        up.account().id(),
                        up.account().category(),
                        up.account().login(),
                        ip,
                        new JsonObject()
                                .put("created", up.created())
                                .put("credentials_ended", up.accessChanged())
                                .put("status", up.account().status())
                                .put("role", up.account().role())
                                .put("tariff", up.account().tariff())));
    }

    /** Creates or updates a batch of imported accounts in one transaction; see {@link AccountRepository#upsertAll}. */
    public Future<List<Upserted>> saveAll(List<Draft> drafts) {
        // As in save: credentials end before the batch commits, and once more after.
        return accounts.upsertAll(
                        drafts,
                        ups -> Future.all(ups.stream().map(this::endIfChanged).toList())
                                .mapEmpty())
                .compose(ups -> Future.all(
                                ups.stream().map(this::endIfAccessChanged).toList())
                        .map(v -> ups));
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
        return login(category, rawLogin)
                .compose(login -> accounts.find(category, login)
                        .compose(found -> found.isEmpty()
                                ? Future.failedFuture(new FlowException(Failure.NOT_FOUND))
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
                    audit.record(
                            Audit.ADMIN_DISABLED,
                            a.id(),
                            a.category(),
                            a.login(),
                            ip,
                            new JsonObject().put("credentials_ended", true).put("was", a.status()));
                    return null;
                });
    }

    /** Lets the account sign in again; credentials ended by the disable stay ended. */
    public Future<Void> enable(String category, String rawLogin, String ip) {
        return existing(category, rawLogin)
                .compose(a -> accounts.setStatus(a.id(), "active").map(a))
                .map(a -> {
                    audit.record(
                            Audit.ADMIN_ENABLED,
                            a.id(),
                            a.category(),
                            a.login(),
                            ip,
                            new JsonObject().put("was", a.status()));
                    return null;
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
    Future<Void> endEverything(Account a) {
        return sessions.endAll(a.id()).compose(v -> browser.endAll(a.id()));
    }

    Future<Account> existing(String category, String rawLogin) {
        return login(category, rawLogin)
                .compose(login -> accounts.find(category, login))
                .compose(found -> found.isEmpty()
                        ? Future.failedFuture(new FlowException(Failure.NOT_FOUND))
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
