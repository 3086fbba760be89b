package dev.kordon.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's search stays an index lookup however many accounts there are: each statement's
 * generic plan (the one a prepared statement settles on) is checked with EXPLAIN over 20,000 rows.
 */
class AccountSearchTest {
    static Rig rig;
    static Pool pg;

    @BeforeAll
    static void up() {
        rig = Rig.start();
        pg = rig.running.wiring().pg();
        Rig.await(pg.query("INSERT INTO accounts (id, category, login, tariff, email, role, status) "
                        + "SELECT gen_random_uuid(), 'mobile', '+37529' || lpad(n::text, 7, '0'), 'SIP-соединение', "
                        + "'org' || n || '@example.by', 'subscriber', 'active' FROM generate_series(1, 20000) AS n")
                .execute());
        Rig.await(pg.query("ANALYZE accounts").execute());
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    /** The generic plan of {@code sql} with {@code types}, run with {@code args}, as EXPLAIN prints it. */
    static String genericPlan(String sql, String types, String args) {
        return Rig.await(pg.withConnection(conn -> conn.query("SET plan_cache_mode = force_generic_plan")
                .execute()
                .compose(v -> conn.query("PREPARE search_plan(" + types + ") AS " + sql)
                        .execute())
                .compose(v ->
                        conn.query("EXPLAIN EXECUTE search_plan(" + args + ")").execute())
                .map(rows -> {
                    StringBuilder plan = new StringBuilder();
                    for (Row r : rows) {
                        plan.append(r.getString(0)).append('\n');
                    }
                    return plan.toString();
                })
                .eventually(() -> conn.query("DEALLOCATE search_plan")
                        .execute()
                        .compose(v -> conn.query("RESET plan_cache_mode").execute()))));
    }

    /**
     * A plan fixed while the table was small would outlive its growth (a first bulk import read the
     * whole table for each row): every connection starts planning each execution for its values.
     * RESET goes back to what the connection started with.
     */
    @Test
    void everyConnectionStartsPlanningEachExecutionForItsOwnValues() {
        String mode = Rig.await(pg.withConnection(conn -> conn.query("RESET plan_cache_mode")
                        .execute()
                        .compose(v -> conn.query("SHOW plan_cache_mode").execute())))
                .iterator()
                .next()
                .getString(0);
        assertThat(mode).isEqualTo("force_custom_plan");
    }

    @Test
    void aSearchByLoginPrefixByEmailOrBothUsesAnIndexInItsGenericPlan() {
        String byPrefix = genericPlan(AccountRepository.searchSql(true, false), "text, int", "'+375290001', 50");
        assertThat(byPrefix).contains("accounts_login_prefix").doesNotContain("Seq Scan on accounts");
        String byEmail = genericPlan(AccountRepository.searchSql(false, true), "text, int", "'ORG77@example.by', 50");
        assertThat(byEmail).contains("accounts_email_lower").doesNotContain("Seq Scan on accounts");
        String both = genericPlan(
                AccountRepository.searchSql(true, true), "text, text, int", "'+375290001', 'org77@example.by', 50");
        assertThat(both)
                .containsAnyOf("accounts_login_prefix", "accounts_email_lower")
                .doesNotContain("Seq Scan on accounts");
    }

    @Test
    void aPrefixMatchesExactlyTheLoginsThatStartWithItAndWildcardsAreJustCharacters() {
        AccountRepository accounts = rig.running.wiring().accounts();
        List<String> found = new ArrayList<>();
        Rig.await(accounts.search("+375290001", null, 500)).forEach(a -> found.add(a.login()));
        assertThat(found).hasSize(500).allMatch(l -> l.startsWith("+375290001"));
        assertThat(Rig.await(accounts.search("+37529000001", null, 50))).hasSize(10);
        assertThat(Rig.await(accounts.search("%", null, 50))).isEmpty();
        assertThat(Rig.await(accounts.search("+3752_", null, 50))).isEmpty();
        assertThat(Rig.await(accounts.search(null, "ORG77@EXAMPLE.BY", 50)))
                .extracting(Account::login)
                .containsExactly("+375290000077");
        assertThat(Rig.await(accounts.search("+375290000077", "org78@example.by", 50)))
                .isEmpty();
    }
}
