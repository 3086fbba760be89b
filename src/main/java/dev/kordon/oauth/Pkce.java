package dev.kordon.oauth;

import dev.kordon.store.Keys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Proof Key for Code Exchange (RFC 7636), method S256 only: plain would put the verifier in the URL. */
public final class Pkce {
    public static final String S256 = "S256";
    /** RFC 7636 4.1 and 4.2: 43 to 128 characters of the unreserved set, for verifier and challenge alike. */
    private static final Pattern UNRESERVED_43_128 = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

    private Pkce() {}

    /** Whether {@code value} has the shape RFC 7636 gives a code verifier and a code challenge. */
    public static boolean wellFormed(String value) {
        return value != null && UNRESERVED_43_128.matcher(value).matches();
    }

    /** BASE64URL(SHA256(ASCII(verifier))), unpadded: the S256 challenge of {@code verifier}. */
    public static String s256(String verifier) {
        // Keys.hashed is SHA-256 of the ASCII bytes, in hex: the one digest Kordon keeps.
        byte[] digest = HexFormat.of().parseHex(Keys.hashed(verifier));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    /** Whether {@code verifier} is well formed and its S256 challenge is {@code challenge}, compared in constant time. */
    public static boolean verifies(String verifier, String challenge) {
        return wellFormed(verifier)
                && challenge != null
                && MessageDigest.isEqual(
                        s256(verifier).getBytes(StandardCharsets.US_ASCII),
                        challenge.getBytes(StandardCharsets.US_ASCII));
    }
}
