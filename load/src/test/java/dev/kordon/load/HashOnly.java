package dev.kordon.load;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hash-only baseline: Argon2id alone in a JVM of its own, on as many threads as Kordon's
 * hashing pool, measured before, between and after Kordon's runs so every figure has one nearby.
 */
final class HashOnly {
    private static final Pattern RATE = Pattern.compile("rate=([0-9.]+)/s");

    /** Hashes per second, and Baseline's line as printed (the report reads its thread count). */
    record Rate(double perSecond, String line) {}

    private HashOnly() {}

    static Rate measure(Path jar, Settings cfg, int memoryKib, int iterations, int cpus) throws Exception {
        String line = BaselineProcess.result(
                jar,
                "hash",
                "--memory-kib",
                "" + memoryKib,
                "--iterations",
                "" + iterations,
                "--parallelism",
                "1",
                "--threads",
                "" + cpus,
                "--seconds",
                "" + cfg.hashSeconds(),
                "--warmup",
                "" + cfg.hashWarmup());
        Matcher m = RATE.matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("no rate from the hash-only baseline: " + line);
        }
        System.out.println("bench: " + line);
        return new Rate(Double.parseDouble(m.group(1)), line);
    }
}
