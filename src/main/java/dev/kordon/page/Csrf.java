package dev.kordon.page;

import dev.kordon.guard.Secrets;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** CSRF: a random cookie, and in every form its keyed hash, masked afresh for each response. */
public final class Csrf {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** HMAC-SHA256: the secret and its mask are this long. */
    private static final int BYTES = 32;

    private final Cookies cookies;
    private final Secrets secrets;
    private final String cookie;

    public Csrf(Cookies cookies, Secrets secrets) {
        this(cookies, secrets, Cookies.CSRF);
    }

    /** {@code cookie}: the name (without prefix) of the cookie the tokens are bound to. */
    public Csrf(Cookies cookies, Secrets secrets, String cookie) {
        this.cookies = cookies;
        this.secrets = secrets;
        this.cookie = cookie;
    }

    /** Whether the form's token was made for this browser's cookie. */
    boolean valid(RoutingContext ctx) {
        String bound = cookies.get(ctx, cookie);
        String presented = ctx.request().getFormAttribute("csrf");
        if (bound == null || presented == null) {
            return false;
        }
        byte[] unmasked = unmask(presented);
        boolean valid = false;
        // A form made before a key rotation stays good: its secret may be under any listed key.
        for (String secret : secrets.keyedHashes("csrf", bound)) {
            valid |= MessageDigest.isEqual(HexFormat.of().parseHex(secret), unmasked);
        }
        return valid;
    }

    /** The token for the next form; the cookie it is bound to is set first if the browser has none. */
    public String token(RoutingContext ctx) {
        String bound = cookies.get(ctx, cookie);
        if (bound == null) {
            byte[] b = new byte[32];
            RANDOM.nextBytes(b);
            bound = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            cookies.set(ctx, cookie, bound, null);
        }
        // Compressed pages also carry text an attacker chose (BREACH): a value that never repeats
        // gives the compression nothing to match. mask || (secret XOR mask).
        byte[] secret = secret(bound);
        byte[] masked = new byte[2 * BYTES];
        byte[] mask = new byte[BYTES];
        RANDOM.nextBytes(mask);
        for (int i = 0; i < BYTES; i++) {
            masked[i] = mask[i];
            masked[BYTES + i] = (byte) (secret[i] ^ mask[i]);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(masked);
    }

    private byte[] secret(String cookie) {
        return HexFormat.of().parseHex(secrets.keyedHash("csrf", cookie));
    }

    /** The secret a form's masked value carries, or null for anything that is not one. */
    private static byte[] unmask(String presented) {
        byte[] masked;
        try {
            masked = Base64.getUrlDecoder().decode(presented);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (masked.length != 2 * BYTES) {
            return null;
        }
        byte[] secret = new byte[BYTES];
        for (int i = 0; i < BYTES; i++) {
            secret[i] = (byte) (masked[i] ^ masked[BYTES + i]);
        }
        return secret;
    }
}
