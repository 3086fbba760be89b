package dev.kordon.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.problem.Lifetime.Form;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Lifetimes in words, the Russian plural forms included. */
class LifetimeTest {
    static String ru(Duration d, Form form) {
        return Lifetime.of(d, form, Bundles.RU);
    }

    static String en(Duration d, Form form) {
        return Lifetime.of(d, form, Bundles.EN);
    }

    static Duration hours(long n) {
        return Duration.ofHours(n);
    }

    @Test
    void russianHoursTakeTheFormTheirNumberAsksFor() {
        assertThat(ru(hours(1), Form.WORDS)).isEqualTo("1 час");
        assertThat(ru(hours(2), Form.WORDS)).isEqualTo("2 часа");
        assertThat(ru(hours(4), Form.WORDS)).isEqualTo("4 часа");
        assertThat(ru(hours(5), Form.WORDS)).isEqualTo("5 часов");
        assertThat(ru(hours(11), Form.WORDS)).isEqualTo("11 часов");
        assertThat(ru(hours(12), Form.WORDS)).isEqualTo("12 часов");
        assertThat(ru(hours(14), Form.WORDS)).isEqualTo("14 часов");
        assertThat(ru(hours(20), Form.WORDS)).isEqualTo("20 часов");
        assertThat(ru(hours(21), Form.WORDS)).isEqualTo("21 час");
        assertThat(ru(hours(22), Form.WORDS)).isEqualTo("22 часа");
        assertThat(ru(hours(24), Form.WORDS)).isEqualTo("24 часа");
        assertThat(ru(hours(111), Form.WORDS)).isEqualTo("111 часов");
    }

    @Test
    void afterVTecheniyeTheGenitive() {
        assertThat(ru(hours(1), Form.GENITIVE)).isEqualTo("1 часа");
        assertThat(ru(hours(12), Form.GENITIVE)).isEqualTo("12 часов");
        assertThat(ru(hours(21), Form.GENITIVE)).isEqualTo("21 часа");
        assertThat(ru(hours(24), Form.GENITIVE)).isEqualTo("24 часов");
        assertThat(ru(Duration.ofMinutes(1), Form.GENITIVE)).isEqualTo("1 минуты");
        assertThat(ru(Duration.ofMinutes(5), Form.GENITIVE)).isEqualTo("5 минут");
        assertThat(ru(Duration.ofDays(2), Form.GENITIVE)).isEqualTo("2 дней");
    }

    @Test
    void minutesDaysAndSeconds() {
        assertThat(ru(Duration.ofMinutes(1), Form.WORDS)).isEqualTo("1 минута");
        assertThat(ru(Duration.ofMinutes(3), Form.WORDS)).isEqualTo("3 минуты");
        assertThat(ru(Duration.ofMinutes(5), Form.WORDS)).isEqualTo("5 минут");
        assertThat(ru(Duration.ofMinutes(21), Form.WORDS)).isEqualTo("21 минута");
        assertThat(ru(Duration.ofMinutes(90), Form.WORDS)).isEqualTo("90 минут");
        assertThat(ru(Duration.ofDays(2), Form.WORDS)).isEqualTo("2 дня");
        assertThat(ru(Duration.ofDays(7), Form.WORDS)).isEqualTo("7 дней");
        assertThat(ru(Duration.ofSeconds(45), Form.WORDS)).isEqualTo("45 секунд");
        // Never shorter than it is: part of a second counts as one.
        assertThat(ru(Duration.ofMillis(500), Form.WORDS)).isEqualTo("1 секунда");
    }

    @Test
    void shortForms() {
        assertThat(ru(hours(24), Form.SHORT)).isEqualTo("24 ч");
        assertThat(ru(hours(12), Form.SHORT)).isEqualTo("12 ч");
        assertThat(ru(Duration.ofMinutes(30), Form.SHORT)).isEqualTo("30 мин");
        assertThat(en(hours(24), Form.SHORT)).isEqualTo("24 h");
    }

    @Test
    void english() {
        assertThat(en(hours(1), Form.WORDS)).isEqualTo("1 hour");
        assertThat(en(hours(21), Form.WORDS)).isEqualTo("21 hours");
        assertThat(en(hours(24), Form.GENITIVE)).isEqualTo("24 hours");
        assertThat(en(Duration.ofMinutes(1), Form.WORDS)).isEqualTo("1 minute");
        assertThat(en(Duration.ofDays(7), Form.WORDS)).isEqualTo("7 days");
    }
}
