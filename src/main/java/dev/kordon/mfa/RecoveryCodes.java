package dev.kordon.mfa;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ten single-use recovery codes shown once at enrolment: ten characters each, in two groups of
 * five, from an alphabet without look-alikes (no 0/o, 1/l/i) and case-free, so a code read off paper
 * is typed right; 32 symbols make 50 random bits a code. Only their keyed hashes are kept, of the
 * {@linkplain #normalized normalized} form, so spaces, dashes and case typed around them do not matter.
 */
public final class RecoveryCodes {
    /** How many a person gets at once. */
    public static final int COUNT = 10;

    static final String ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
    static final int LENGTH = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private RecoveryCodes() {}

    /** {@link #COUNT} new codes, as shown: {@code abcde-fghjk}. */
    public static List<String> generate() {
        List<String> codes = new ArrayList<>(COUNT);
        while (codes.size() < COUNT) {
            StringBuilder sb = new StringBuilder(LENGTH + 1);
            for (int i = 0; i < LENGTH; i++) {
                if (i == LENGTH / 2) {
                    sb.append('-');
                }
                sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
            }
            String code = sb.toString();
            if (!codes.contains(code)) {
                codes.add(code);
            }
        }
        return codes;
    }

    /**
     * What a typed code is compared as: lower case, without spaces and dashes; null when what is left
     * cannot be a code (wrong length or a character outside the alphabet), so it is refused unhashed.
     */
    public static String normalized(String typed) {
        if (typed == null || typed.length() > 32) {
            return null;
        }
        String s = typed.replace(" ", "").replace("-", "").toLowerCase(Locale.ROOT);
        if (s.length() != LENGTH) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (ALPHABET.indexOf(s.charAt(i)) < 0) {
                return null;
            }
        }
        return s;
    }
}
