package dev.kordon.token;

/**
 * A token as a map key. A token string is long (hundreds of characters) and new at every request,
 * so {@link String#hashCode} would walk all of it each time; its last characters are signature
 * bytes, as good a hash as any. Equality still compares the whole string.
 */
final class TokenKey {
    private static final int HASHED = 24;
    final String token;
    private final int hash;

    TokenKey(String token) {
        this.token = token;
        int h = token.length();
        for (int i = Math.max(0, token.length() - HASHED); i < token.length(); i++) {
            h = 31 * h + token.charAt(i);
        }
        this.hash = h;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenKey k && k.hash == hash && k.token.equals(token);
    }
}
