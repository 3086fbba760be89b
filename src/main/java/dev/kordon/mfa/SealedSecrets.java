package dev.kordon.mfa;

import dev.kordon.guard.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.util.encoders.Base32;

/**
 * Authenticator secrets as Postgres keeps them, sealed under {@code secrets.keys}: opened for a
 * check, and sealed again under the newest key by {@code reseal}. The accounts' ({@link
 * SecondFactors}) and the console operators' alike.
 */
public final class SealedSecrets {
    /** Stores {@code fresh} in place of {@code old} for {@code id}, only if it is unchanged meanwhile. */
    public interface Swap {
        Future<?> swap(UUID id, String fresh, String old);
    }

    private SealedSecrets() {}

    /** The secret a sealed base32 text holds. */
    public static byte[] open(Secrets secrets, String sealed) throws GeneralSecurityException {
        String b32 = secrets.open(sealed);
        int rest = b32.length() % 8;
        return Base32.decode(rest == 0 ? b32 : b32 + "=".repeat(8 - rest));
    }

    /**
     * Seals each row's secret (its id, then the sealed text) not under the newest key again under
     * it, through {@code swap}; what was done, counted.
     */
    public static Future<SecondFactors.Resealed> reseal(Secrets secrets, Iterable<Row> rows, Swap swap) {
        List<Future<Integer>> each = new ArrayList<>();
        for (Row row : rows) {
            each.add(resealOne(secrets, row.getUUID(0), row.getString(1), swap));
        }
        return Future.all(each).map(all -> {
            int[] n = new int[3];
            each.forEach(f -> n[f.result()]++);
            return new SecondFactors.Resealed(n[0], n[1], n[2]);
        });
    }

    /** 0 resealed, 1 under the newest key already, 2 opened by no listed key. */
    private static Future<Integer> resealOne(Secrets secrets, UUID id, String sealed, Swap swap) {
        if (secrets.sealedUnderNewest(sealed)) {
            return Future.succeededFuture(1);
        }
        String fresh;
        try {
            fresh = secrets.seal(secrets.open(sealed));
        } catch (GeneralSecurityException e) {
            return Future.succeededFuture(2);
        }
        return swap.swap(id, fresh, sealed).map(r -> 0);
    }
}
