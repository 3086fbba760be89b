package dev.kordon;

import dev.kordon.config.ConfigException;
import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig.Hash;
import dev.kordon.credential.PasswordHasher;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code hash-timing}: what one Argon2id hash costs on this machine with Kordon's own hasher, at the
 * configured {@code hash.*} parameters or the ones given, so they can be chosen before a deploy.
 * Reads only those keys: it needs no database, secret or signing key.
 */
final class HashTiming {
    static final String COMMAND = "hash-timing";
    private static final Set<String> FLAGS = Set.of("--memory", "--iterations", "--parallelism", "--count");
    private static final int DEFAULT_COUNT = 10;
    private static final int MAX_COUNT = 100_000;
    private static final String PASSWORD = "hash-timing-Passw0rd";

    private HashTiming() {}

    /** {@code args}: the words after the command name. */
    static int run(List<String> args, Path conf, Map<String, String> env, PrintStream out, PrintStream err) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            if (!FLAGS.contains(args.get(i))
                    || i + 1 == args.size()
                    || given.put(args.get(i), args.get(i + 1)) != null) {
                err.println("kordon: unknown command or wrong arguments: " + COMMAND + " " + String.join(" ", args));
                err.println(Cli.USAGE_TEXT);
                return Cli.USAGE;
            }
        }
        PasswordHasher hasher;
        int count;
        try {
            ConfigTree tree = ConfigTree.load(conf, env);
            hasher = new PasswordHasher(
                    value(tree, given, "--memory", "hash.memory-kib", Hash.MIN_MEMORY_KIB, Hash.MAX_MEMORY_KIB),
                    value(tree, given, "--iterations", "hash.iterations", 1, Hash.MAX_ITERATIONS),
                    value(tree, given, "--parallelism", "hash.parallelism", 1, Hash.MAX_PARALLELISM));
            count = number("--count", given.getOrDefault("--count", "" + DEFAULT_COUNT), 1, MAX_COUNT);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("kordon: " + (e instanceof ConfigException ? "bad configuration: " : "") + e.getMessage());
            return Cli.USAGE;
        }
        try {
            // The first hash also loads the code and takes this thread's Argon2 memory: it is not timed.
            String encoded = hasher.hash(PASSWORD);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                if (!hasher.verify(encoded, PASSWORD)) {
                    err.println("kordon: the hasher did not verify its own hash");
                    return Cli.FAILED;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf(
                    Locale.ROOT,
                    "%s: %d hashes in %.3f s, %.2f ms per hash, %.2f hashes/s on one thread%n",
                    hasher.parameters(),
                    count,
                    seconds,
                    seconds * 1000 / count,
                    count / seconds);
            return Cli.OK;
        } catch (OutOfMemoryError e) {
            err.println("kordon: not enough heap for " + hasher.parameters() + "; give the JVM more (-Xmx)");
            return Cli.FAILED;
        }
    }

    /** The flag's value when given, else the configured one; held to the same bounds either way. */
    private static int value(ConfigTree tree, Map<String, String> given, String flag, String key, int min, int max) {
        String v = given.get(flag);
        return v == null ? tree.integer(key, min, max) : number(flag, v, min, max);
    }

    private static int number(String flag, String v, int min, int max) {
        try {
            int i = Integer.parseInt(v.trim());
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // said below, with the bounds
        }
        throw new IllegalArgumentException(
                "bad value for " + flag + ": expected an integer from " + min + " to " + max + ", got '" + v + "'");
    }
}
