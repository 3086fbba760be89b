package dev.kordon.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.Account;
import dev.kordon.store.Database;
import dev.kordon.support.Rig;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The second step's methods on real Postgres and Redis: what is kept, how, and what works once. */
class SecondFactorsTest {
    static Rig rig;
    static SecondFactors factors;
    static TotpCheck check;

    @BeforeAll
    static void up() {
        rig = Rig.builder().start();
        factors = new SecondFactors(
                new Database(rig.running.wiring().pg(), Duration.ofSeconds(5)),
                rig.running.wiring().secrets());
        check = new TotpCheck(rig.running.wiring().redis());
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    @Test
    void anEnrolmentKeepsTheSecretSealedUntilConfirmedAndAConfirmedAppIsNotReplaced() {
        Account a = rig.account("+375297500001", null);
        byte[] secret = Totp.newSecret();
        assertThat(Rig.await(factors.startTotp(a.id(), secret))).isTrue();
        SecondFactors.TotpSecret kept = Rig.await(factors.totp(a.id()));
        assertThat(kept.secret()).isEqualTo(secret);
        assertThat(kept.confirmed()).isFalse();
        assertThat(Rig.await(factors.methods(a.id())).any())
                .as("unconfirmed counts for nothing")
                .isFalse();

        String atRest = Rig.await(rig.running
                        .wiring()
                        .pg()
                        .preparedQuery("SELECT secret_sealed FROM mfa_totp WHERE account_id = $1")
                        .execute(Tuple.of(a.id())))
                .iterator()
                .next()
                .getString(0);
        assertThat(atRest).doesNotContain(Totp.base32(secret));

        Rig.await(factors.confirmTotp(a.id()));
        assertThat(Rig.await(factors.methods(a.id())).totp()).isTrue();
        assertThat(Rig.await(factors.startTotp(a.id(), Totp.newSecret()))).isFalse();
        assertThat(Rig.await(factors.totp(a.id())).secret()).isEqualTo(secret);
    }

    @Test
    void aRecoveryCodeWorksOnceForItsOwnAccountHoweverItIsTyped() {
        Account a = rig.account("+375297500002", null);
        Account other = rig.account("+375297500003", null);
        List<String> codes = Rig.await(factors.newRecoveryCodes(a.id()));
        assertThat(codes).hasSize(10);
        assertThat(Rig.await(factors.methods(a.id())).recoveryCodesLeft()).isEqualTo(10);

        assertThat(Rig.await(factors.spendRecoveryCode(other.id(), codes.get(0))))
                .isFalse();
        assertThat(Rig.await(
                        factors.spendRecoveryCode(a.id(), " " + codes.get(0).toUpperCase() + " ")))
                .isTrue();
        assertThat(Rig.await(factors.spendRecoveryCode(a.id(), codes.get(0))))
                .as("spent")
                .isFalse();
        assertThat(Rig.await(factors.spendRecoveryCode(a.id(), "zzzzz-zzzzz"))).isFalse();
        assertThat(Rig.await(factors.methods(a.id())).recoveryCodesLeft()).isEqualTo(9);

        String hashes = Rig.await(rig.running
                        .wiring()
                        .pg()
                        .preparedQuery(
                                "SELECT string_agg(code_hash, ' ') FROM mfa_recovery_codes WHERE account_id = $1")
                        .execute(Tuple.of(a.id())))
                .iterator()
                .next()
                .getString(0);
        for (String code : codes) {
            assertThat(hashes).doesNotContain(RecoveryCodes.normalized(code));
        }
        List<String> fresh = Rig.await(factors.newRecoveryCodes(a.id()));
        assertThat(Rig.await(factors.spendRecoveryCode(a.id(), codes.get(1))))
                .as("the old set is gone")
                .isFalse();
        assertThat(Rig.await(factors.spendRecoveryCode(a.id(), fresh.get(1)))).isTrue();
    }

    @Test
    void aTotpCodeIsAcceptedOnceAndItsReplayWithinTheWindowIsRefused() {
        Account a = rig.account("+375297500004", null);
        byte[] secret = Totp.newSecret();
        long now = System.currentTimeMillis() / 1000;
        String code = Totp.code(secret, Totp.step(now), Totp.DIGITS);
        assertThat(Rig.await(check.accept(a.id(), secret, code, now))).isTrue();
        assertThat(Rig.await(check.accept(a.id(), secret, code, now)))
                .as("replayed")
                .isFalse();
        assertThat(Rig.await(check.accept(a.id(), secret, code, now + Totp.STEP_SECONDS)))
                .as("replayed a step later, still inside its window")
                .isFalse();
        String previous = Totp.code(secret, Totp.step(now) - 1, Totp.DIGITS);
        if (!previous.equals(code)) {
            assertThat(Rig.await(check.accept(a.id(), secret, previous, now)))
                    .as("the previous step's own code, once")
                    .isTrue();
        }
        assertThat(Rig.await(check.accept(a.id(), secret, "000000".equals(code) ? "000001" : "000000", now + 600)))
                .isFalse();
    }

    @Test
    void resettingEndsEveryMethod() {
        Account a = rig.account("+375297500005", null);
        Rig.await(factors.startTotp(a.id(), Totp.newSecret()));
        Rig.await(factors.confirmTotp(a.id()));
        Rig.await(factors.newRecoveryCodes(a.id()));
        Rig.await(factors.resetAll(a.id()));
        assertThat(Rig.await(factors.methods(a.id()))).isEqualTo(new SecondFactors.Methods(false, 0, 0));
        assertThat(Rig.await(factors.totp(a.id()))).isNull();
    }
}
