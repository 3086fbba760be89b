package dev.kordon.credential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (BouncyCastle) in the PHC string format, so each hash carries its own parameters and
 * old hashes keep verifying after the configured parameters change. Blocking and CPU-heavy: only
 * ever called from the credential worker pool.
 *
 * <p>Each hashing thread keeps its own Argon2 memory (a BouncyCastle block pool) and reuses it for
 * every hash: without it each call allocates m KiB afresh, and a login burst grows the heap by
 * gigabytes of garbage. The memory held is m KiB per hashing thread, whatever the load.
 */
public final class PasswordHasher {
    /**
     * Longest password accepted, in characters (code points) after NFKC: the one length rule, for
     * the policy, the sign-in, the change form and the hashing pool alike ({@link #tooLong}).
     */
    public static final int MAX_PASSWORD_CHARS = 128;
    /**
     * NFKC joins at most a few code points into one and a code point is at most two UTF-16 units,
     * so input longer than this is too long whatever it normalises to; it is refused unread.
     */
    private static final int MAX_RAW_UNITS = MAX_PASSWORD_CHARS * 8;

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{16,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random = new SecureRandom();
    /** One pool per thread: a pool shared between threads would hand one block to two hashes' lanes. */
    private final ThreadLocal<Argon2BytesGenerator.BlockPool> pools;

    public PasswordHasher(int memoryKib, int iterations, int parallelism) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        // The fill step borrows 4 working blocks besides the m blocks of memory.
        int blocks = Argon2BytesGenerator.getBlockCount(memoryKib, parallelism) + 4;
        this.pools = ThreadLocal.withInitial(() -> new Argon2BytesGenerator.FixedBlockPool(blocks));
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, memoryKib, iterations, parallelism, HASH_BYTES, pools.get());
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** True when {@code password} matches; a malformed hash never matches. */
    public boolean verify(String encoded, String password) {
        Matcher m = encoded == null ? null : PHC.matcher(encoded);
        if (m == null || !m.matches()) {
            return false;
        }
        byte[] salt = B64D.decode(m.group(4));
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(
                password,
                salt,
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                expected.length,
                pools.get());
        return MessageDigest.isEqual(expected, actual);
    }

    /** True when the hash was made with other parameters than today's: re-hash at the next sign-in. */
    public boolean outdated(String encoded) {
        return encoded == null
                || !encoded.startsWith(
                        "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$");
    }

    public String parameters() {
        return "argon2id m=" + memoryKib + " KiB, t=" + iterations + ", p=" + parallelism;
    }

    private static byte[] derive(
            String password, byte[] salt, int m, int t, int p, int length, Argon2BytesGenerator.BlockPool pool) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(m)
                .withIterations(t)
                .withParallelism(p)
                .withSalt(salt)
                .withBlockPool(pool)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(normalize(password).getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    /** Whether {@code password} is over {@link #MAX_PASSWORD_CHARS} characters after NFKC. */
    public static boolean tooLong(String password) {
        if (password.length() > MAX_RAW_UNITS) {
            return true;
        }
        String p = normalize(password);
        return p.codePointCount(0, p.length()) > MAX_PASSWORD_CHARS;
    }

    /** NFKC, so the same password typed on two keyboards hashes the same. */
    public static String normalize(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }
}
