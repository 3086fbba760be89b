package dev.kordon.operator;

import dev.kordon.guard.Secrets;
import dev.kordon.mfa.RecoveryCodeStore;
import dev.kordon.mfa.SealedSecrets;
import dev.kordon.mfa.SecondFactors;
import dev.kordon.mfa.Totp;
import dev.kordon.store.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.GeneralSecurityException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The console's named operators in Postgres, through the async pool: a login name, whom it names
 * (display name, e-mail), an Argon2id hash, the authenticator app's secret sealed under {@code
 * secrets.keys} (unconfirmed until a first code came back) and the recovery codes as keyed hashes.
 * Nothing here is ever logged.
 */
public final class Operators {
    private static final String RECOVERY = "operator-recovery-code";
    private static final String COLUMNS = "SELECT id, name, display_name, email, password_hash, must_change,"
            + " totp_confirmed_at IS NOT NULL AS totp, disabled, session_epoch, created_at, last_sign_in_at FROM operators";

    /** An operator as kept; {@code passwordHash} never leaves the sign-in. */
    public record Operator(
            UUID id,
            String name,
            String displayName,
            String email,
            String passwordHash,
            boolean mustChange,
            boolean totp,
            boolean disabled,
            int sessionEpoch,
            OffsetDateTime createdAt,
            OffsetDateTime lastSignInAt) {}

    private final Database db;
    private final Secrets secrets;
    private final RecoveryCodeStore recoveryCodes;

    public Operators(Database db, Secrets secrets) {
        this.db = db;
        this.secrets = secrets;
        this.recoveryCodes = new RecoveryCodeStore(db, secrets, RECOVERY, "operator_recovery_codes", "operator_id");
    }

    /** A new operator with a temporary password to change at the first sign-in; false when the name is taken. */
    public Future<Boolean> create(String name, String displayName, String email, String passwordHash) {
        return db.within(db.pool()
                        .preparedQuery("INSERT INTO operators (id, name, display_name, email, password_hash)"
                                + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING")
                        .execute(Tuple.of(UUID.randomUUID(), name, displayName, email, passwordHash)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Whom the name stands for, changed; false when there is no such operator. */
    public Future<Boolean> describe(String name, String displayName, String email) {
        return update("UPDATE operators SET display_name = $2, email = $3 WHERE name = $1", name, displayName, email);
    }

    /** The operator of that name, or null. */
    public Future<Operator> find(String name) {
        return db.within(db.pool().preparedQuery(COLUMNS + " WHERE name = $1").execute(Tuple.of(name)))
                .map(rows ->
                        rows.iterator().hasNext() ? operator(rows.iterator().next()) : null);
    }

    /** Every operator, by name. */
    public Future<List<Operator>> list() {
        return db.within(db.pool().query(COLUMNS + " ORDER BY name").execute()).map(rows -> {
            List<Operator> out = new ArrayList<>();
            rows.forEach(r -> out.add(operator(r)));
            return out;
        });
    }

    /** A new password hash; {@code mustChange} for a temporary one, which also ends the operator's sessions. */
    public Future<Boolean> setPassword(UUID id, String hash, boolean mustChange) {
        return db.within(db.pool()
                        .preparedQuery("UPDATE operators SET password_hash = $2, must_change = $3,"
                                + " session_epoch = session_epoch + CASE WHEN $3 THEN 1 ELSE 0 END WHERE id = $1")
                        .execute(Tuple.of(id, hash, mustChange)))
                .map(rows -> rows.rowCount() == 1);
    }

    public Future<Boolean> setDisabled(String name, boolean disabled) {
        return db.within(db.pool()
                        .preparedQuery("UPDATE operators SET disabled = $2, session_epoch = session_epoch + 1"
                                + " WHERE name = $1")
                        .execute(Tuple.of(name, disabled)))
                .map(rows -> rows.rowCount() == 1);
    }

    public Future<Boolean> delete(String name) {
        return update("DELETE FROM operators WHERE name = $1", name);
    }

    /** The name of the operator {@code id} while enabled and still in {@code epoch}; null otherwise. */
    public Future<String> active(UUID id, int epoch) {
        return db.within(db.pool()
                        .preparedQuery(
                                "SELECT name FROM operators WHERE id = $1 AND session_epoch = $2 AND NOT disabled")
                        .execute(Tuple.of(id, epoch)))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getString(0) : null);
    }

    public Future<Void> signedIn(UUID id) {
        return db.within(db.pool()
                        .preparedQuery("UPDATE operators SET last_sign_in_at = now() WHERE id = $1")
                        .execute(Tuple.of(id)))
                .mapEmpty();
    }

    /** A new, unconfirmed authenticator secret; a confirmed one is never replaced here. */
    public Future<Boolean> startTotp(UUID id, byte[] secret) {
        return db.within(db.pool()
                        .preparedQuery(
                                "UPDATE operators SET totp_sealed = $2 WHERE id = $1 AND totp_confirmed_at IS NULL")
                        .execute(Tuple.of(id, secrets.seal(Totp.base32(secret)))))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The operator's authenticator secret, opened; null when there is none. */
    public Future<byte[]> totpSecret(UUID id) {
        return db.within(db.pool()
                        .preparedQuery("SELECT totp_sealed FROM operators WHERE id = $1")
                        .execute(Tuple.of(id)))
                .compose(rows -> {
                    String sealed =
                            rows.iterator().hasNext() ? rows.iterator().next().getString(0) : null;
                    if (sealed == null) {
                        return Future.succeededFuture(null);
                    }
                    try {
                        return Future.succeededFuture(SealedSecrets.open(secrets, sealed));
                    } catch (GeneralSecurityException e) {
                        return Future.failedFuture(
                                new IllegalStateException("no key of secrets.keys opens an operator's TOTP secret"));
                    }
                });
    }

    public Future<Void> confirmTotp(UUID id) {
        return db.within(db.pool()
                        .preparedQuery("UPDATE operators SET totp_confirmed_at = now() WHERE id = $1")
                        .execute(Tuple.of(id)))
                .mapEmpty();
    }

    /** The second step forgotten: the app and the recovery codes go, the operator enrols again. */
    public Future<Void> resetSecondStep(UUID id) {
        return db.withinTransaction(db.pool()
                        .withTransaction(conn -> conn.preparedQuery(
                                        "UPDATE operators SET totp_sealed = NULL, totp_confirmed_at = NULL WHERE id = $1")
                                .execute(Tuple.of(id))
                                .compose(v -> conn.preparedQuery(
                                                "DELETE FROM operator_recovery_codes WHERE operator_id = $1")
                                        .execute(Tuple.of(id)))))
                .mapEmpty();
    }

    /** A new set of recovery codes replacing any; the codes, to be shown once. */
    public Future<List<String>> newRecoveryCodes(UUID id) {
        return recoveryCodes.renew(id);
    }

    /** True for exactly one use of a recovery code the operator holds, unused. */
    public Future<Boolean> spendRecoveryCode(UUID id, String typed) {
        return recoveryCodes.spend(id, typed);
    }

    /**
     * Seals every operator's TOTP secret not under the newest key of {@code secrets.keys} again under
     * it, each swapped only if unchanged meanwhile; as {@link SecondFactors#reseal} does the accounts'.
     */
    public Future<SecondFactors.Resealed> reseal() {
        return db.within(db.pool()
                        .query("SELECT id, totp_sealed FROM operators WHERE totp_sealed IS NOT NULL")
                        .execute())
                .compose(rows -> SealedSecrets.reseal(
                        secrets,
                        rows,
                        (id, fresh, old) -> update(
                                "UPDATE operators SET totp_sealed = $2 WHERE id = $1 AND totp_sealed = $3",
                                id,
                                fresh,
                                old)));
    }

    private Future<Boolean> update(String sql, Object... values) {
        return db.within(db.pool().preparedQuery(sql).execute(Tuple.from(values)))
                .map(rows -> rows.rowCount() == 1);
    }

    private static Operator operator(Row r) {
        return new Operator(
                r.getUUID("id"),
                r.getString("name"),
                r.getString("display_name"),
                r.getString("email"),
                r.getString("password_hash"),
                r.getBoolean("must_change"),
                r.getBoolean("totp"),
                r.getBoolean("disabled"),
                r.getInteger("session_epoch"),
                r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("last_sign_in_at"));
    }
}
