package dev.kordon.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The login an audit line shows: enough to tell logins apart, never enough to read one off. */
class MaskedLoginTest {
    @Test
    void aPhoneNumberKeepsItsCodesAndLastTwoDigits() {
        assertThat(Audit.masked("+375291234567")).isEqualTo("+37529*****67");
    }

    @Test
    void aShorterLoginKeepsOnlyItsLastTwoAndATinyOneNothing() {
        assertThat(Audit.masked("123456789012")).isEqualTo("**********12");
        assertThat(Audit.masked("123456")).isEqualTo("****56");
        assertThat(Audit.masked("12345")).isEqualTo("*****");
        assertThat(Audit.masked("12345678901234567890")).isEqualTo("123456************90");
        assertThat(Audit.masked(null)).isNull();
    }
}
