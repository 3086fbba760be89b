package dev.kordon.token;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * The authentication assurance level ({@code acr}) of a sign-in, decided here alone from how it was
 * made (its {@code amr}, RFC 8176). NIST SP 800-63B: a password with a second factor of another kind
 * is AAL2; a one-time code from an app ({@code otp}), a passkey ({@code hwk}) and a recovery code
 * ({@code rec}, a look-up secret) are such factors. Anything else (a password alone, an SMS code,
 * the password set at a forced change) is AAL1.
 */
public final class Assurance {
    public static final String AAL1 = "aal1";
    public static final String AAL2 = "aal2";
    /** Every level a token may carry, lowest first: OpenID discovery's {@code acr_values_supported}. */
    public static final List<String> LEVELS = List.of(AAL1, AAL2);

    private static final String PASSWORD = "pwd";
    private static final Set<String> SECOND_FACTORS = Set.of("otp", "hwk", "rec");

    private Assurance() {}

    /** The level of a sign-in made as {@code amr} says. */
    public static String of(List<?> amr) {
        boolean password = amr.contains(PASSWORD);
        boolean second = amr.stream().anyMatch(SECOND_FACTORS::contains);
        return password && second ? AAL2 : AAL1;
    }

    /**
     * The level of a verified token's or a browser session's claims, always from their {@code amr}: a
     * credential issued before {@code acr} existed is judged like a new one.
     */
    public static String of(JsonObject claims) {
        JsonArray amr = claims.getJsonArray("amr");
        return of(amr == null ? List.of() : amr.getList());
    }

    /** Whether the claims' sign-in reached AAL2. */
    public static boolean aal2(JsonObject claims) {
        return AAL2.equals(of(claims));
    }
}
