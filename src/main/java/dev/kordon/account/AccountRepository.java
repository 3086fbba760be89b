package dev.kordon.account;

import dev.kordon.store.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/** Accounts in Postgres, through the async pool; every statement is prepared and cached. */
public final class AccountRepository {
    private static final String COLUMNS =
            "id, category, login, tariff, email, role, status, password_hash, created_at, updated_at";
    private static final String FIND = "SELECT " + COLUMNS + " FROM accounts WHERE category = $1 AND login = $2";
    private static final String FIND_BY_ID = "SELECT " + COLUMNS + " FROM accounts WHERE id = $1";
    // xmax = 0 only for a row this statement inserted: tells created from updated in one trip. The
    // prior role and status (locked, so a concurrent write cannot slip between) tell whether the
    // account's credentials must end. The insert selects from the prior row so that it is read first:
    // read only in RETURNING, the lock finds the row already updated by this statement and yields
    // nothing, and every update looked like a change of role.
    private static final String UPSERT =
            "WITH prior AS (SELECT role, status FROM accounts WHERE category = $2 AND login = $3 FOR UPDATE) "
                    + "INSERT INTO accounts (id, category, login, tariff, email, role, status) "
                    + "SELECT $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text FROM (SELECT count(*) FROM prior) AS first "
                    + "ON CONFLICT (category, login) DO UPDATE SET tariff = EXCLUDED.tariff, email = EXCLUDED.email, "
                    + "role = EXCLUDED.role, status = EXCLUDED.status, updated_at = now() "
                    + "RETURNING " + COLUMNS + ", (xmax = 0) AS inserted, "
                    + "(SELECT role FROM prior) AS prior_role, (SELECT status FROM prior) AS prior_status";
    // Compare-and-set: a re-hash must not overwrite a password changed in the meantime.
    private static final String REPLACE_HASH =
            "UPDATE accounts SET password_hash = $3, updated_at = now() WHERE id = $1 AND password_hash IS NOT DISTINCT FROM $2";
    private static final String SET_HASH = "UPDATE accounts SET password_hash = $2, updated_at = now() WHERE id = $1";

    private static final String SET_STATUS =
            "UPDATE accounts SET status = $2, updated_at = now() WHERE id = $1 RETURNING " + COLUMNS;
    // A login prefix is a byte range on the text_pattern_ops index (starts_with keeps it exact); an
    // e-mail is matched by lower() on its own index. One statement per set of filters: a generic plan
    // of "$1 IS NULL OR ..." could use neither index.
    private static final String BY_PREFIX =
            "login ~>=~ $%1$d AND login ~<~ ($%1$d || chr(1114111)) AND starts_with(login, $%1$d)";
    private static final String BY_EMAIL = "lower(email) = lower($%d)";

    private final Database db;
    private final Pool pool;

    public AccountRepository(Database db) {
        this.db = db;
        this.pool = db.pool();
    }

    public Future<Optional<Account>> find(String category, String login) {
        return db.within(pool.preparedQuery(FIND).execute(Tuple.of(category, login)))
                .map(AccountRepository::first);
    }

    public Future<Optional<Account>> findById(UUID id) {
        return db.within(pool.preparedQuery(FIND_BY_ID).execute(Tuple.of(id))).map(AccountRepository::first);
    }

    /** Creates or updates the account; the boolean says whether it was created. */
    public Future<Upserted> upsert(
            String category, String login, String tariff, String email, String role, String status) {
        return upsert(new Draft(category, login, tariff, email, role, status), up -> Future.succeededFuture());
    }

    /**
     * Creates or updates the account, running {@code beforeCommit} on the result while the row is
     * still locked: when it fails, the transaction is rolled back and nothing has changed.
     */
    public Future<Upserted> upsert(Draft draft, Function<Upserted, Future<Void>> beforeCommit) {
        return db.withinTransaction(pool.withTransaction(conn -> conn.preparedQuery(UPSERT)
                .execute(draft.tuple())
                .map(rows -> upserted(rows.iterator().next()))
                .compose(up -> beforeCommit.apply(up).map(up))));
    }

    /**
     * Creates or updates each account, in order, as one pipelined batch in one transaction: all are
     * written or, on any error, none. {@code beforeCommit} runs on the results while the rows are
     * locked; when it fails the batch is rolled back.
     */
    public Future<List<Upserted>> upsertAll(List<Draft> drafts, Function<List<Upserted>, Future<Void>> beforeCommit) {
        List<Tuple> tuples = drafts.stream().map(Draft::tuple).toList();
        return pool.withTransaction(conn -> conn.preparedQuery(UPSERT)
                .executeBatch(tuples)
                .map(first -> {
                    List<Upserted> out = new ArrayList<>(drafts.size());
                    for (RowSet<Row> rows = first; rows != null; rows = rows.next()) {
                        out.add(upserted(rows.iterator().next()));
                    }
                    return out;
                })
                .compose(out -> beforeCommit.apply(out).map(out)));
    }

    private static Upserted upserted(Row row) {
        Account account = map(row);
        boolean created = row.getBoolean("inserted");
        boolean accessChanged = !created
                && (!account.role().equals(row.getString("prior_role"))
                        || !account.status().equals(row.getString("prior_status")));
        return new Upserted(account, created, accessChanged);
    }

    public Future<Boolean> replaceHash(UUID id, String oldHash, String newHash) {
        return db.within(pool.preparedQuery(REPLACE_HASH).execute(Tuple.of(id, oldHash, newHash)))
                .map(rows -> rows.rowCount() == 1);
    }

    public Future<Void> setHash(UUID id, String hash) {
        return db.within(pool.preparedQuery(SET_HASH).execute(Tuple.of(id, hash)))
                .mapEmpty();
    }

    /** Sets the account's status; empty when the account is gone. */
    public Future<Optional<Account>> setStatus(UUID id, String status) {
        return db.within(pool.preparedQuery(SET_STATUS).execute(Tuple.of(id, status)))
                .map(AccountRepository::first);
    }

    /**
     * Accounts whose login starts with {@code loginPrefix} and whose e-mail is {@code email} (either
     * null: not asked), by category and login, at most {@code limit}.
     */
    public Future<List<Account>> search(String loginPrefix, String email, int limit) {
        Tuple args = Tuple.tuple();
        if (loginPrefix != null) {
            args.addString(loginPrefix);
        }
        if (email != null) {
            args.addString(email);
        }
        return db.within(pool.preparedQuery(searchSql(loginPrefix != null, email != null))
                        .execute(args.addInteger(limit)))
                .map(rows -> {
                    List<Account> out = new ArrayList<>();
                    rows.forEach(r -> out.add(map(r)));
                    return out;
                });
    }

    /** The search for the filters asked, each a parameter in this order, then the limit; at least one. */
    static String searchSql(boolean byPrefix, boolean byEmail) {
        if (!byPrefix && !byEmail) {
            throw new IllegalArgumentException("a search needs a login prefix or an e-mail");
        }
        List<String> where = new ArrayList<>();
        if (byPrefix) {
            where.add(String.format(Locale.ROOT, BY_PREFIX, where.size() + 1));
        }
        if (byEmail) {
            where.add(String.format(Locale.ROOT, BY_EMAIL, where.size() + 1));
        }
        // OFFSET 0 keeps the filter in a query of its own: else a LIMIT tempts the planner to walk the
        // (category, login) index in order and filter every row.
        return "SELECT * FROM (SELECT " + COLUMNS + " FROM accounts WHERE " + String.join(" AND ", where)
                + " OFFSET 0) AS found ORDER BY category, login LIMIT $" + (where.size() + 1);
    }

    private static Optional<Account> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(map(it.next())) : Optional.empty();
    }

    private static Account map(Row r) {
        return new Account(
                r.getUUID("id"),
                r.getString("category"),
                r.getString("login"),
                r.getString("tariff"),
                r.getString("email"),
                r.getString("role"),
                r.getString("status"),
                r.getString("password_hash"),
                r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("updated_at"));
    }

    /** An account as an operator gives it, not yet stored. */
    public record Draft(String category, String login, String tariff, String email, String role, String status) {
        Tuple tuple() {
            return Tuple.tuple()
                    .addUUID(UUID.randomUUID())
                    .addString(category)
                    .addString(login)
                    .addString(tariff)
                    .addString(email)
                    .addString(role)
                    .addString(status);
        }
    }

    /** {@code accessChanged}: an existing account's role or status changed, so its credentials must end. */
    public record Upserted(Account account, boolean created, boolean accessChanged) {}
}
