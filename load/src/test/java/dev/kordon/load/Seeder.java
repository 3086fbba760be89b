package dev.kordon.load;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;

/**
 * Seeded accounts with real Argon2id hashes of {@link Pool#PASSWORD}, one salt each, made by
 * Kordon's own hasher (Baseline hashes, all cores) and cached: hashing ten thousand takes minutes.
 */
final class Seeder {
    private Seeder() {}

    static Path hashes(Path jar, Path cacheDir, int memoryKib, int iterations, int count) throws Exception {
        Files.createDirectories(cacheDir);
        Path file = cacheDir.resolve("hashes-m" + memoryKib + "-t" + iterations + "-p1-n" + count + ".txt");
        if (Files.exists(file)) {
            System.out.println("seed: reusing " + file);
            return file;
        }
        System.out.println("seed: hashing " + count + " passwords (m=" + memoryKib + " t=" + iterations
                + ", all cores), cached in " + file + " for the next run");
        Process p = new ProcessBuilder(BaselineProcess.command(
                        jar,
                        "hashes",
                        "--count",
                        Integer.toString(count),
                        "--password",
                        Pool.PASSWORD,
                        "--memory-kib",
                        Integer.toString(memoryKib),
                        "--iterations",
                        Integer.toString(iterations),
                        "--parallelism",
                        "1",
                        "--out",
                        file.toString()))
                .inheritIO()
                .start();
        if (p.waitFor() != 0 || !Files.exists(file)) {
            throw new IllegalStateException("Baseline hashes failed (exit " + p.exitValue() + ")");
        }
        return file;
    }

    /** Upserts +37533NNNNNNN for N = 0..count-1, so a second run over the same database also works. */
    static void seed(String pgUrl, Path hashFile, int count) throws Exception {
        List<String> hashes = Files.readAllLines(hashFile, StandardCharsets.US_ASCII);
        if (hashes.size() < count) {
            throw new IllegalStateException(hashFile + " has " + hashes.size() + " hashes, " + count + " needed");
        }
        seed(pgUrl, hashes, 0, count);
    }

    /**
     * As above, but past the file's hashes the accounts take them again in turn: the soak's SMS and
     * recovery numbers never sign in by password, and hashing tens of thousands would take an hour.
     */
    static void seedReusing(String pgUrl, Path hashFile, int count) throws Exception {
        seed(pgUrl, Files.readAllLines(hashFile, StandardCharsets.US_ASCII), 0, count);
    }

    /** Numbers {@code from} to {@code to - 1} only, the file's hashes taken again in turn (SMS only). */
    static void seedRange(String pgUrl, Path hashFile, int from, int to) throws Exception {
        seed(pgUrl, Files.readAllLines(hashFile, StandardCharsets.US_ASCII), from, to);
    }

    private static void seed(String pgUrl, List<String> hashes, int from, int to) throws Exception {
        URI u = URI.create(pgUrl.replaceFirst("^postgres(ql)?://", "http://"));
        String[] user = (u.getRawUserInfo() == null ? "postgres:" : u.getRawUserInfo()).split(":", 2);
        String jdbc = "jdbc:postgresql://" + u.getHost() + ":" + (u.getPort() > 0 ? u.getPort() : 5432) + u.getPath();
        try (Connection c = DriverManager.getConnection(jdbc, user[0], user.length > 1 ? user[1] : "")) {
            c.setAutoCommit(false);
            try (PreparedStatement st =
                    c.prepareStatement("INSERT INTO accounts (id, category, login, tariff, email, role, status, "
                            + "password_hash) VALUES (?, 'mobile', ?, 'SIP-соединение', ?, 'subscriber', 'active', ?) "
                            + "ON CONFLICT (category, login) DO UPDATE SET tariff = EXCLUDED.tariff, status = 'active', "
                            + "password_hash = EXCLUDED.password_hash, updated_at = now()")) {
                for (int i = from; i < to; i++) {
                    st.setObject(1, UUID.randomUUID());
                    st.setString(2, Pool.phone(i));
                    st.setString(3, "bench" + i + "@example.by");
                    st.setString(4, hashes.get(i % hashes.size()));
                    st.addBatch();
                    if (i % 1000 == 999) {
                        st.executeBatch();
                    }
                }
                st.executeBatch();
            }
            c.commit();
        }
        System.out.println("seed: " + (to - from) + " accounts from " + Pool.phone(from) + " in Postgres");
    }
}
