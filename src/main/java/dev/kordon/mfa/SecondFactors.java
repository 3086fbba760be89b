package dev.kordon.mfa;

import dev.kordon.guard.Secrets;
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
 * An account's second-step methods in Postgres, through the async pool: its authenticator app's
 * secret (sealed under {@code secrets.keys}; unconfirmed until a first code came back) and its
 * recovery codes (keyed hashes, each spent once), its passkeys (public keys and their signature
 * counters). Nothing here is ever logged.
 */
public final class SecondFactors {
    private static final String RECOVERY = "mfa-recovery-code";

    /** What an account has: a confirmed authenticator app, passkeys, recovery codes left. */
    public record Methods(boolean totp, int passkeys, int recoveryCodesLeft) {
        public boolean any() {
            return totp || passkeys > 0;
        }
    }

    private final Database db;
    private final Secrets secrets;
    private final RecoveryCodeStore recoveryCodes;

    public SecondFactors(Database db, Secrets secrets) {
        this.db = db;
        this.secrets = secrets;
        this.recoveryCodes = new RecoveryCodeStore(db, secrets, RECOVERY, "mfa_recovery_codes", "account_id");
    }

    /** Starts (or starts again) an enrolment: the new secret, unconfirmed, replacing an unconfirmed one. */
    public Future<Boolean> startTotp(UUID account, byte[] secret) {
        String sealed = secrets.seal(Totp.base32(secret));
        // A confirmed app stays until an operator or the person removes it: enrolling never replaces it.
        return db.within(db.pool()
                        .preparedQuery("INSERT INTO mfa_totp (account_id, secret_sealed) VALUES ($1, $2)"
                                + " ON CONFLICT (account_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed,"
                                + " created_at = now() WHERE mfa_totp.confirmed_at IS NULL")
                        .execute(Tuple.of(account, sealed)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The account's authenticator secret and whether it is confirmed; null when it has none. */
    public Future<TotpSecret> totp(UUID account) {
        return db.within(db.pool()
                        .preparedQuery(
                                "SELECT secret_sealed, confirmed_at IS NOT NULL FROM mfa_totp WHERE account_id = $1")
                        .execute(Tuple.of(account)))
                .compose(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Future.succeededFuture(null);
                    }
                    Row row = rows.iterator().next();
                    try {
                        byte[] secret = SealedSecrets.open(secrets, row.getString(0));
                        return Future.succeededFuture(new TotpSecret(secret, row.getBoolean(1)));
                    } catch (GeneralSecurityException e) {
                        return Future.failedFuture(
                                new IllegalStateException("no key of secrets.keys opens a TOTP secret"));
                    }
                });
    }

    /** The enrolment is confirmed by its first good code. */
    public Future<Void> confirmTotp(UUID account) {
        return db.within(db.pool()
                        .preparedQuery("UPDATE mfa_totp SET confirmed_at = now() WHERE account_id = $1"
                                + " AND confirmed_at IS NULL")
                        .execute(Tuple.of(account)))
                .mapEmpty();
    }

    /** A new set of recovery codes for the account, replacing any it had; the codes, to be shown once. */
    public Future<List<String>> newRecoveryCodes(UUID account) {
        return recoveryCodes.renew(account);
    }

    /**
     * Spends a recovery code: true for exactly one use of a code the account holds, unused; the
     * typed code is compared under every key of {@code secrets.keys}.
     */
    public Future<Boolean> spendRecoveryCode(UUID account, String typed) {
        return recoveryCodes.spend(account, typed);
    }

    /** What the account has, for the sign-in's decision and the operator's view. */
    public Future<Methods> methods(UUID account) {
        return db.within(db.pool()
                        .preparedQuery(
                                "SELECT"
                                        + " EXISTS (SELECT 1 FROM mfa_totp WHERE account_id = $1 AND confirmed_at IS NOT NULL),"
                                        + " (SELECT count(*) FROM mfa_passkeys WHERE account_id = $1),"
                                        + " (SELECT count(*) FROM mfa_recovery_codes WHERE account_id = $1 AND used_at IS NULL)")
                        .execute(Tuple.of(account)))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new Methods(
                            r.getBoolean(0),
                            r.getLong(1).intValue(),
                            r.getLong(2).intValue());
                });
    }

    /** The authenticator app alone ends; false when there was none. */
    public Future<Boolean> removeTotp(UUID account) {
        return db.within(db.pool()
                        .preparedQuery("DELETE FROM mfa_totp WHERE account_id = $1")
                        .execute(Tuple.of(account)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Every method of the account ends: it enrols again at its next sign-in. */
    public Future<Void> resetAll(UUID account) {
        return db.withinTransaction(db.pool()
                        .withTransaction(conn -> conn.preparedQuery("DELETE FROM mfa_totp WHERE account_id = $1")
                                .execute(Tuple.of(account))
                                .compose(v -> conn.preparedQuery("DELETE FROM mfa_recovery_codes WHERE account_id = $1")
                                        .execute(Tuple.of(account)))
                                .compose(v -> conn.preparedQuery("DELETE FROM mfa_passkeys WHERE account_id = $1")
                                        .execute(Tuple.of(account)))))
                .mapEmpty();
    }

    /** Keeps a verified passkey for the account; false when its credential id is registered already (to anyone). */
    public Future<Boolean> addPasskey(UUID account, Passkey passkey) {
        return db.within(db.pool()
                        .preparedQuery(
                                "INSERT INTO mfa_passkeys (credential_id, account_id, label, attested_credential,"
                                        + " sign_count, backup_eligible, transports) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                                        + " ON CONFLICT (credential_id) DO NOTHING")
                        .execute(Tuple.tuple()
                                .addValue(passkey.credentialId())
                                .addValue(account)
                                .addValue(passkey.label())
                                .addValue(passkey.attestedCredential())
                                .addValue(passkey.signCount())
                                .addValue(passkey.backupEligible())
                                .addArrayOfString(passkey.transports().toArray(String[]::new))))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The account's passkeys, oldest first. */
    public Future<List<Passkey>> passkeys(UUID account) {
        return db.within(db.pool()
                        .preparedQuery(PASSKEY + " WHERE account_id = $1 ORDER BY created_at, credential_id")
                        .execute(Tuple.of(account)))
                .map(rows -> {
                    List<Passkey> out = new ArrayList<>();
                    rows.forEach(row -> out.add(passkey(row)));
                    return out;
                });
    }

    /** One passkey of the account; null when the account has none by that id (another account's included). */
    public Future<Passkey> passkey(UUID account, String credentialId) {
        return db.within(db.pool()
                        .preparedQuery(PASSKEY + " WHERE credential_id = $1 AND account_id = $2")
                        .execute(Tuple.of(credentialId, account)))
                .map(rows -> rows.iterator().hasNext() ? passkey(rows.iterator().next()) : null);
    }

    /**
     * Records a sign-in with the passkey: its new signature counter and the time. False, and
     * nothing changed, when the counter does not move forward from the one stored (both zero is an
     * authenticator that keeps no counter): the compare is in the UPDATE, so of two sign-ins racing
     * with the same counter value one at most counts.
     */
    public Future<Boolean> passkeyUsed(UUID account, String credentialId, long signCount) {
        return db.within(db.pool()
                        .preparedQuery("UPDATE mfa_passkeys SET sign_count = $3, last_used_at = now()"
                                + " WHERE credential_id = $1 AND account_id = $2"
                                + " AND (sign_count < $3 OR (sign_count = 0 AND $3 = 0))")
                        .execute(Tuple.of(credentialId, account, signCount)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Removes one passkey of the account; false when it has none by that id. */
    public Future<Boolean> removePasskey(UUID account, String credentialId) {
        return db.within(db.pool()
                        .preparedQuery("DELETE FROM mfa_passkeys WHERE credential_id = $1 AND account_id = $2")
                        .execute(Tuple.of(credentialId, account)))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * A passkey as kept: its credential id and attested credential data (base64url), the person's
     * label, the last signature counter, the BE flag at registration, the transports the browser
     * reported; the times are null on a passkey not yet stored or never used.
     */
    public record Passkey(
            String credentialId,
            String label,
            String attestedCredential,
            long signCount,
            boolean backupEligible,
            List<String> transports,
            OffsetDateTime createdAt,
            OffsetDateTime lastUsedAt) {}

    private static final String PASSKEY = "SELECT credential_id, label, attested_credential, sign_count,"
            + " backup_eligible, transports, created_at, last_used_at FROM mfa_passkeys";

    private static Passkey passkey(Row row) {
        String[] transports = row.getArrayOfStrings("transports");
        return new Passkey(
                row.getString("credential_id"),
                row.getString("label"),
                row.getString("attested_credential"),
                row.getLong("sign_count"),
                row.getBoolean("backup_eligible"),
                transports == null ? List.of() : List.of(transports),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("last_used_at"));
    }

    /** What a reseal did to the TOTP secrets. */
    public record Resealed(int resealed, int current, int unopened) {
        @Override
        public String toString() {
            return resealed + " resealed, " + current + " under the newest key already, " + unopened
                    + " no listed key opens";
        }
    }

    /**
     * Seals every TOTP secret not under the newest key of {@code secrets.keys} again under it, each
     * swapped only if unchanged meanwhile, so the old key can leave the ring without an authenticator
     * app being lost. Safe while instances run and safe to repeat.
     */
    public Future<Resealed> reseal() {
        return db.within(db.pool()
                        .query("SELECT account_id, secret_sealed FROM mfa_totp")
                        .execute())
                .compose(rows -> SealedSecrets.reseal(
                        secrets,
                        rows,
                        (account, fresh, old) -> db.within(db.pool()
                                .preparedQuery(
                                        "UPDATE mfa_totp SET secret_sealed = $2 WHERE account_id = $1 AND secret_sealed = $3")
                                .execute(Tuple.of(account, fresh, old)))));
    }

    /** A TOTP secret, opened, and whether its enrolment was confirmed. */
    public record TotpSecret(byte[] secret, boolean confirmed) {}
}
