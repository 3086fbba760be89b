package dev.kordon.config;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * {@code secrets.keys} (or the older {@code secrets.key}, read as a list of one): the keys of the
 * keyed hashes and of the outbox's sealing, the newest first. Errors name the setting and the
 * entry, never a key's text.
 */
final class SecretKeysReader {
    static final String KEYS = "secrets.keys";
    static final String KEY = "secrets.key";
    private static final String EXPECTED = "base64 of at least 32 random bytes (openssl rand -base64 32)";

    private SecretKeysReader() {}

    static List<byte[]> read(ConfigTree c, boolean dev) {
        // A configuration file written before the list existed has no secrets.keys at all.
        List<String> listed = c.keys().contains(KEYS) ? c.list(KEYS) : List.of();
        String single = c.string(KEY);
        if (!listed.isEmpty() && !single.isEmpty()) {
            throw new ConfigException("set " + KEYS + " (" + ConfigTree.envName(KEYS) + ") or " + KEY + " ("
                    + ConfigTree.envName(KEY) + "), not both: put every key in " + KEYS + ", the newest first");
        }
        if (listed.isEmpty() && single.isEmpty()) {
            if (dev) {
                // Dev mode only: a key for this process; codes and queued mail die with it.
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                return List.of(key);
            }
            throw c.error(KEY, EXPECTED + " in " + KEY + ", or a list of them in " + KEYS);
        }
        if (listed.isEmpty()) {
            byte[] key = decode(single);
            if (key == null) {
                throw c.error(KEY, EXPECTED);
            }
            return List.of(key);
        }
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < listed.size(); i++) {
            byte[] key = decode(listed.get(i));
            if (key == null) {
                throw c.error(KEYS, "a list of " + EXPECTED + "; entry " + (i + 1) + " is not");
            }
            if (keys.stream().anyMatch(k -> Arrays.equals(k, key))) {
                throw c.error(KEYS, "each key once; entry " + (i + 1) + " repeats an earlier one");
            }
            keys.add(key);
        }
        return List.copyOf(keys);
    }

    private static byte[] decode(String raw) {
        try {
            byte[] key = Base64.getDecoder().decode(raw.trim());
            return key.length >= 32 ? key : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
