package dev.kordon.guard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server secrets ({@code secrets.keys}) put to two uses, each with its own derived key: keyed
 * hashes of short secrets at rest (SMS codes, temporary passwords), and AES-GCM sealing of the
 * outbox payloads. A keyed hash, unlike a plain one, cannot be reversed by trying all 10^6 codes.
 * The first key makes new hashes and seals; every key verifies and opens, so a key can be rotated
 * while codes, temporary passwords and mail made under the old one are still about.
 */
public final class Secrets {
    private static final int IV_BYTES = 12;
    /** Between the key id and the sealed bytes; base64 never holds it, so older values stay readable. */
    private static final char KEY_ID_END = ':';

    /** One master key's derived keys, and the id its sealed values are marked with. */
    private record Ring(SecretKeySpec hashKey, SecretKeySpec sealKey, String id) {}

    private final List<Ring> rings;
    private final SecureRandom random = new SecureRandom();

    public Secrets(byte[] master) {
        this(List.of(master));
    }

    /** {@code masters}: the newest first; at least one. */
    public Secrets(List<byte[]> masters) {
        if (masters.isEmpty()) {
            throw new IllegalArgumentException("at least one key");
        }
        List<Ring> out = new ArrayList<>();
        for (byte[] master : masters) {
            byte[] seal = derive(master, "kordon outbox seal v1");
            // An id that names the key without giving away anything of it: a hash of a derived key.
            String id = HexFormat.of().formatHex(derive(seal, "kordon key id v1"), 0, 4);
            out.add(new Ring(
                    new SecretKeySpec(derive(master, "kordon keyed hash v1"), "HmacSHA256"),
                    new SecretKeySpec(seal, "AES"),
                    id));
        }
        this.rings = List.copyOf(out);
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

    /** HMAC-SHA256 of the parts under the newest key, joined unambiguously; hex. */
    public String keyedHash(String... parts) {
        return hash(rings.get(0), parts);
    }

    /** The keyed hash of the parts under every key, the newest first: what a stored hash may be. */
    public List<String> keyedHashes(String... parts) {
        return rings.stream().map(r -> hash(r, parts)).toList();
    }

    /** Whether {@code stored} is the keyed hash of the parts under any key; every key is tried, in constant time. */
    public boolean matches(String stored, String... parts) {
        boolean found = false;
        for (String candidate : keyedHashes(parts)) {
            found |= sameHash(candidate, stored);
        }
        return found;
    }

    private static String hash(Ring ring, String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(ring.hashKey());
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

    /** AES-256-GCM under the newest key, a fresh IV each time; keyId:base64(iv || ciphertext+tag). */
    public String seal(String plain) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Ring ring = rings.get(0);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, ring.sealKey(), new GCMParameterSpec(128, iv));
            byte[] ct = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return ring.id()
                    + KEY_ID_END
                    + Base64.getEncoder()
                            .encodeToString(ByteBuffer.allocate(iv.length + ct.length)
                                    .put(iv)
                                    .put(ct)
                                    .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code sealed} was sealed under the newest key: nothing for a reseal to do. */
    public boolean sealedUnderNewest(String sealed) {
        return sealed != null && sealed.startsWith(rings.get(0).id() + KEY_ID_END);
    }

    /**
     * The plain text of a sealed value, opened with whichever key sealed it (a value sealed before
     * key ids were written: every key is tried); throws when no key opens it or it was altered.
     */
    public String open(String sealed) throws GeneralSecurityException {
        int end = sealed.indexOf(KEY_ID_END);
        String id = end < 0 ? null : sealed.substring(0, end);
        byte[] all;
        try {
            all = Base64.getDecoder().decode(sealed.substring(end + 1));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not a sealed value");
        }
        if (all.length < IV_BYTES + 16) {
            throw new GeneralSecurityException("not a sealed value");
        }
        for (Ring ring : rings) {
            if (id != null && !id.equals(ring.id())) {
                continue;
            }
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, ring.sealKey(), new GCMParameterSpec(128, all, 0, IV_BYTES));
                return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
            } catch (GeneralSecurityException e) {
                // the next key, if any
            }
        }
        throw new GeneralSecurityException("no key opens it");
    }
}
