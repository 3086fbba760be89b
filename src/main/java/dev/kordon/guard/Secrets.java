package dev.kordon.guard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server secret ({@code secrets.key}) put to two uses, each with its own derived key: keyed
 * hashes of short secrets at rest (SMS codes, temporary passwords), and AES-GCM sealing of the
 * outbox payloads. A keyed hash, unlike a plain one, cannot be reversed by trying all 10^6 codes.
 */
public final class Secrets {
    private static final int IV_BYTES = 12;

    private final SecretKeySpec hashKey;
    private final SecretKeySpec sealKey;
    private final SecureRandom random = new SecureRandom();

    public Secrets(byte[] master) {
        this.hashKey = new SecretKeySpec(derive(master, "kordon keyed hash v1"), "HmacSHA256");
        this.sealKey = new SecretKeySpec(derive(master, "kordon outbox seal v1"), "AES");
    }

    private static byte[] derive(byte[] master, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HMAC-SHA256 of the parts, joined unambiguously; hex. */
    public String keyedHash(String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hashKey);
            for (String part : parts) {
                byte[] b = part.getBytes(StandardCharsets.UTF_8);
                mac.update(ByteBuffer.allocate(4).putInt(b.length).array());
                mac.update(b);
            }
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean sameHash(String a, String b) {
        return a != null
                && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    /** AES-256-GCM, a fresh IV each time; base64(iv || ciphertext+tag). */
    public String seal(String plain) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealKey, new GCMParameterSpec(128, iv));
            byte[] ct = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(iv.length + ct.length)
                            .put(iv)
                            .put(ct)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The plain text of a sealed value; throws when it was not sealed with this key or was altered. */
    public String open(String sealed) throws GeneralSecurityException {
        byte[] all;
        try {
            all = Base64.getDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not a sealed value");
        }
        if (all.length < IV_BYTES + 16) {
            throw new GeneralSecurityException("not a sealed value");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, sealKey, new GCMParameterSpec(128, all, 0, IV_BYTES));
        return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
    }
}
