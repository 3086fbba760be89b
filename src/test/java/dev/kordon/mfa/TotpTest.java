package dev.kordon.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TotpTest {
    /** RFC 6238 Appendix B's SHA-1 seed. */
    static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theCodesAreThoseOfRfc6238AppendixBForSha1() {
        long[] times = {59L, 1111111109L, 1111111111L, 1234567890L, 2000000000L, 20000000000L};
        String[] expected = {"94287082", "07081804", "14050471", "89005924", "69279037", "65353130"};
        for (int i = 0; i < times.length; i++) {
            assertThat(Totp.code(RFC_SEED, Totp.step(times[i]), 8))
                    .as("T = %d", times[i])
                    .isEqualTo(expected[i]);
        }
    }

    @Test
    void sixDigitCodesAreTheLastSixOfTheRfcValues() {
        // RFC 4226's truncation: the 6-digit code is the 8-digit one modulo 10^6.
        assertThat(Totp.code(RFC_SEED, Totp.step(59), 6)).isEqualTo("287082");
        assertThat(Totp.code(RFC_SEED, Totp.step(1111111109L), 6)).isEqualTo("081804");
    }

    @Test
    void aCodeCountsForItsStepAndOneStepEitherSideAndNoFurther() {
        byte[] secret = Totp.newSecret();
        long now = 1_800_000_015L;
        long step = Totp.step(now);
        assertThat(Totp.matchingStep(secret, Totp.code(secret, step, 6), now)).isEqualTo(step);
        assertThat(Totp.matchingStep(secret, Totp.code(secret, step - 1, 6), now))
                .isEqualTo(step - 1);
        assertThat(Totp.matchingStep(secret, Totp.code(secret, step + 1, 6), now))
                .isEqualTo(step + 1);
        // Two steps off may by chance share the code of a step inside the window; only then would it pass.
        String twoBack = Totp.code(secret, step - 2, 6);
        String twoAhead = Totp.code(secret, step + 2, 6);
        for (String far : new String[] {twoBack, twoAhead}) {
            boolean collides = far.equals(Totp.code(secret, step - 1, 6))
                    || far.equals(Totp.code(secret, step, 6))
                    || far.equals(Totp.code(secret, step + 1, 6));
            assertThat(Totp.matchingStep(secret, far, now) >= 0).isEqualTo(collides);
        }
    }

    @Test
    void theStepTurnsEveryThirtySecondsOnTheEpoch() {
        assertThat(Totp.step(0)).isZero();
        assertThat(Totp.step(29)).isZero();
        assertThat(Totp.step(30)).isEqualTo(1);
        assertThat(Totp.step(59)).isEqualTo(1);
        assertThat(Totp.step(60)).isEqualTo(2);
    }

    @Test
    void anythingButSixDigitsMatchesNothing() {
        byte[] secret = Totp.newSecret();
        long now = 1_800_000_000L;
        String good = Totp.code(secret, Totp.step(now), 6);
        for (String bad : new String[] {null, "", "12345", "1234567", good + " ", " " + good, "12345a", "１２３４５６"}) {
            assertThat(Totp.matchingStep(secret, bad, now)).as("%s", bad).isEqualTo(-1);
        }
    }

    @Test
    void theSecretIsBase32WithoutPaddingAsAuthenticatorAppsTakeIt() {
        assertThat(Totp.base32(RFC_SEED)).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        byte[] secret = Totp.newSecret();
        assertThat(secret).hasSize(20);
        assertThat(Totp.base32(secret)).hasSize(32).matches("[A-Z2-7]+");
    }
}
