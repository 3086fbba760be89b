package dev.kordon.mfa;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.util.encoders.Base32;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) as every authenticator app makes
 * them: HMAC-SHA-1, 6 digits, 30-second steps, counted from the Unix epoch. A code is accepted for
 * the current step and one step either side (a phone's clock a little off, a code typed as its step
 * turned); which step matched is returned, so the caller can refuse a second use of it.
 */
public final class Totp {
    /** RFC 6238 §4: X, the step, in seconds; what authenticator apps assume. */
    public static final int STEP_SECONDS = 30;
    /** Digits of a code: what authenticator apps show. */
    public static final int DIGITS = 6;
    /** Steps accepted either side of now (RFC 6238 §5.2 recommends at most one). */
    public static final int WINDOW = 1;
    /** 160 bits: RFC 4226 §4 asks for at least 128, and recommends 160. */
    public static final int SECRET_BYTES = 20;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private Totp() {}

    /** A new secret for one account's authenticator. */
    public static byte[] newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return secret;
    }

    /** The secret as authenticator apps take it: RFC 4648 base32, without padding. */
    public static String base32(byte[] secret) {
        return Base32.toBase32String(secret).replace("=", "");
    }

    /** The step a moment falls in. */
    public static long step(long epochSeconds) {
        return Math.floorDiv(epochSeconds, STEP_SECONDS);
    }

    /** RFC 4226 §5.3: the code of one step, {@code digits} long, zero-padded. */
    public static String code(byte[] secret, long step, int digits) {
        byte[] h = hmacSha1(secret, ByteBuffer.allocate(8).putLong(step).array());
        int offset = h[h.length - 1] & 0x0f;
        int binary = ((h[offset] & 0x7f) << 24)
                | ((h[offset + 1] & 0xff) << 16)
                | ((h[offset + 2] & 0xff) << 8)
                | (h[offset + 3] & 0xff);
        return String.format(Locale.ROOT, "%0" + digits + "d", binary % POWERS[digits]);
    }

    /**
     * The step {@code typed} is the 6-digit code of, within {@link #WINDOW} steps of {@code
     * epochSeconds}; -1 when it is none of them (or not six digits). Every step of the window is
     * compared in constant time, so the answer's timing says nothing of which one matched.
     */
    public static long matchingStep(byte[] secret, String typed, long epochSeconds) {
        if (typed == null || typed.length() != DIGITS || !typed.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        long now = step(epochSeconds);
        long matched = -1;
        for (long s = now - WINDOW; s <= now + WINDOW; s++) {
            boolean same = MessageDigest.isEqual(
                    code(secret, s, DIGITS).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    typed.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            if (same && matched < 0) {
                matched = s;
            }
        }
        return matched;
    }

    private static byte[] hmacSha1(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            // Every JDK ships HmacSHA1 (a required algorithm of the platform).
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }
}
