package dev.kordon.mfa;

import dev.kordon.guard.Secrets;
import dev.kordon.store.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One holder's recovery codes in a Postgres table, an account's or an operator's: only keyed hashes
 * of the {@linkplain RecoveryCodes#normalized normalized} codes are kept, under a purpose of their
 * own so a hash of one table means nothing in the other; a new set replaces the old in one
 * transaction; a code is spent once.
 */
public final class RecoveryCodeStore {
    private final Database db;
    private final Secrets secrets;
    private final String purpose;
    private final String delete;
    private final String insert;
    private final String spend;

    /**
     * The codes in {@code table} (a fixed name, never input), keyed by its {@code holder} column, and
     * hashed for {@code purpose}.
     */
    public RecoveryCodeStore(Database db, Secrets secrets, String purpose, String table, String holder) {
        this.db = db;
        this.secrets = secrets;
        this.purpose = purpose;
        this.delete = "DELETE FROM " + table + " WHERE " + holder + " = $1";
        this.insert = "INSERT INTO " + table + " (" + holder + ", code_hash) VALUES ($1, $2)";
        this.spend = "UPDATE " + table + " SET used_at = now() WHERE " + holder + " = $1"
                + " AND code_hash = ANY($2) AND used_at IS NULL";
    }

    /** A new set of codes for {@code holder}, replacing any it had; the codes, to be shown once. */
    public Future<List<String>> renew(UUID holder) {
        List<String> codes = RecoveryCodes.generate();
        List<Tuple> rows = new ArrayList<>();
        for (String code : codes) {
            rows.add(Tuple.of(holder, secrets.keyedHash(purpose, holder.toString(), RecoveryCodes.normalized(code))));
        }
        return db.withinTransaction(db.pool()
                        .withTransaction(conn -> conn.preparedQuery(delete)
                                .execute(Tuple.of(holder))
                                .compose(v -> conn.preparedQuery(insert).executeBatch(rows))))
                .map(v -> codes);
    }

    /**
     * True for exactly one use of a code {@code holder} has, unused; the typed code is compared under
     * every key of {@code secrets.keys}.
     */
    public Future<Boolean> spend(UUID holder, String typed) {
        String code = RecoveryCodes.normalized(typed);
        if (code == null) {
            return Future.succeededFuture(false);
        }
        String[] hashes = secrets.keyedHashes(purpose, holder.toString(), code).toArray(String[]::new);
        return db.within(db.pool()
                        .preparedQuery(spend)
                        .execute(Tuple.tuple().addValue(holder).addArrayOfString(hashes)))
                .map(rows -> rows.rowCount() == 1);
    }
}
