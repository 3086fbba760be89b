package dev.kordon.scale;

import dev.kordon.credential.PasswordHasher;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * Accounts for the scale-out tests. They are provisioned as an operator does, through the admin
 * API (CSV import); their passwords are stored as real Argon2id hashes made by Kordon's own hasher,
 * written straight into the accounts table as the benchmark's seeder does (an account's first
 * password otherwise takes a mailed temporary password and a forced change each).
 */
final class Accounts {
    static final String TARIFF = "SIP-соединение";

    /** A mobile account: its canonical login and the organisation's e-mail. */
    record Acct(String login, String email) {}

    private Accounts() {}

    /** {@code POST /admin/v1/accounts/import} of the accounts; every row must be taken. */
    static void importCsv(Instance admin, List<Acct> accounts) {
        StringBuilder csv = new StringBuilder("category,login,tariff,email,role\n");
        for (Acct a : accounts) {
            csv.append("mobile,")
                    .append(a.login)
                    .append(',')
                    .append(TARIFF)
                    .append(',')
                    .append(a.email)
                    .append(",subscriber\n");
        }
        Http.Answer r = Http.post(
                admin.adminBase() + "/admin/v1/accounts/import",
                "text/csv; charset=utf-8",
                csv.toString(),
                admin.adminToken);
        if (r.status() != 200) {
            throw new IllegalStateException("import: " + r);
        }
        JsonObject j = r.json();
        if (j.getInteger("created") + j.getInteger("updated") != accounts.size()
                || !j.getJsonArray("rejected").isEmpty()) {
            throw new IllegalStateException("import took not every row: " + r.body());
        }
    }

    /** Sets {@code password} on each login: one Argon2id hash (own salt) each, on all cores. */
    static void setPassword(String jdbcUrl, List<String> logins, String password, int memoryKib, int iterations)
            throws Exception {
        setHashes(jdbcUrl, logins, hashes(logins.size(), password, memoryKib, iterations));
    }

    /** {@code n} Argon2id hashes of {@code password}, each with its own salt, made on all cores. */
    static List<String> hashes(int n, String password, int memoryKib, int iterations) {
        PasswordHasher hasher = new PasswordHasher(memoryKib, iterations, 1);
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            List<Future<String>> hashes = IntStream.range(0, n)
                    .mapToObj(i -> pool.submit(() -> hasher.hash(password)))
                    .toList();
            List<String> out = new ArrayList<>();
            for (Future<String> h : hashes) {
                out.add(h.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Writes {@code hashes.get(i)} as the password hash of {@code logins.get(i)}; each login must exist. */
    static void setHashes(String jdbcUrl, List<String> logins, List<String> hashes) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                PreparedStatement st = c.prepareStatement(
                        "UPDATE accounts SET password_hash = ?, updated_at = now() WHERE category = 'mobile' AND login = ?")) {
            for (int i = 0; i < logins.size(); i++) {
                st.setString(1, hashes.get(i));
                st.setString(2, logins.get(i));
                st.addBatch();
            }
            int[] counts = st.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] != 1) {
                    throw new IllegalStateException("no account " + logins.get(i));
                }
            }
        }
    }

    /** The account's id, from the admin API. */
    static UUID id(Instance admin, String login) {
        return UUID.fromString(get(admin, login).getString("id"));
    }

    /** {@code GET /admin/v1/accounts/mobile/{login}}: the account with its password state. */
    static JsonObject get(Instance admin, String login) {
        Http.Answer r = Http.get(admin.adminBase() + "/admin/v1/accounts/mobile/" + login, admin.adminToken);
        if (r.status() != 200) {
            throw new IllegalStateException("GET account " + login + ": " + r);
        }
        return r.json();
    }

    static Http.Answer put(Instance admin, String login, String email) {
        return Http.putJson(
                admin.adminBase() + "/admin/v1/accounts/mobile/" + login,
                new JsonObject()
                        .put("tariff", TARIFF)
                        .put("email", email)
                        .put("role", "subscriber")
                        .put("status", "active"),
                admin.adminToken);
    }

    static Http.Answer unlock(Instance admin, String login) {
        return Http.post(
                admin.adminBase() + "/admin/v1/accounts/mobile/" + login + "/unlock",
                "application/json",
                "",
                admin.adminToken);
    }

    static JsonObject body(String login, String password) {
        return new JsonObject().put("category", "mobile").put("login", login).put("password", password);
    }
}
