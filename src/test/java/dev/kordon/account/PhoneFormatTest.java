package dev.kordon.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every shape of a number comes from the phone settings: the shipped ones, and another country's. */
class PhoneFormatTest {
    private static final PhoneFormat SHIPPED = new PhoneFormat(
            KordonConfig.from(ConfigTree.load(Path.of("conf", "kordon.yaml"), Map.of("KORDON_DEV", "true")))
                    .phone());
    private static final PhoneFormat RUSSIA = new PhoneFormat(new KordonConfig.Phone(7, "RU", List.of("91", "92")));

    @Test
    void theShippedFormatShowsNumbersAsThePagesLettersAndLogsAlwaysHave() {
        assertThat(SHIPPED.prefix()).isEqualTo("+375");
        assertThat(SHIPPED.parse("8 029 123-45-67")).contains("+375291234567");
        assertThat(SHIPPED.afterPrefix("+375291234567")).isEqualTo("29 123-45-67");
        assertThat(SHIPPED.afterPrefix("+375441900001")).isEqualTo("44 190-00-01");
        assertThat(SHIPPED.afterPrefix("+375251234567")).isEqualTo("25 123-45-67");
        assertThat(SHIPPED.afterPrefix("+375330000000")).isEqualTo("33 000-00-00");
        assertThat(SHIPPED.withoutPlus("+375291500001")).isEqualTo("375291500001");
        assertThat(SHIPPED.canonical("441234567")).isEqualTo("+375441234567");
        assertThat(SHIPPED.mask("+375291234567")).isEqualTo("+37529*****67");
        assertThat(SHIPPED.mask("+3752912")).isEqualTo("***");
        assertThat(SHIPPED.mask(null)).isEqualTo("***");
        assertThat(SHIPPED.patterns()).isEqualTo("29xxxxxxx, 44xxxxxxx, 25xxxxxxx, 33xxxxxxx");
        assertThat(SHIPPED.nationalDigits()).isEqualTo(9);
        assertThat(SHIPPED.subscriberDigits()).isEqualTo(7);
    }

    /** The console's search: the start of a number, however the customer said it, is the start of the canonical one. */
    @Test
    void theStartOfANumberAsPeopleSayIt() {
        for (String typed : List.of(
                "29 70", "2970", "8 029 70", "80 29 70", "8029-70", "37529 70", "+375 29 70", "+375 (29) 7-0")) {
            assertThat(SHIPPED.startOf(typed)).as(typed).contains("+3752970");
        }
        assertThat(SHIPPED.startOf("3")).contains("+3753");
        assertThat(SHIPPED.startOf("+375")).contains("+375");
        // A leading 8 that is no trunk prefix before an operator code stays a digit of the number.
        assertThat(SHIPPED.startOf("81")).contains("+37581");
        assertThat(SHIPPED.startOf("office@org.by")).isEmpty();
        assertThat(SHIPPED.startOf("29 7x")).isEmpty();
        assertThat(SHIPPED.startOf("")).isEmpty();
        assertThat(SHIPPED.startOf(null)).isEmpty();
        assertThat(RUSSIA.startOf("8 916 12")).contains("+791612");
        assertThat(RUSSIA.startOf("7916")).contains("+7916");
    }

    @Test
    void anotherCountrysSettingsChangeEveryShape() {
        assertThat(RUSSIA.prefix()).isEqualTo("+7");
        assertThat(RUSSIA.parse("+7 916 123-45-67")).contains("+79161234567");
        assertThat(RUSSIA.parse("8 (916) 123-45-67")).contains("+79161234567");
        assertThat(RUSSIA.parse("79161234567")).contains("+79161234567");
        assertThat(RUSSIA.parse("+375291234567")).isEmpty();
        // An operator code that is not configured is refused, whatever the library's tables say.
        assertThat(RUSSIA.parse("+79031234567")).isEmpty();
        assertThat(RUSSIA.afterPrefix("+79161234567")).isEqualTo("916 123-45-67");
        assertThat(RUSSIA.withoutPlus("+79161234567")).isEqualTo("79161234567");
        assertThat(RUSSIA.mask("+79161234567")).isEqualTo("+791******67");
        assertThat(RUSSIA.patterns()).isEqualTo("91xxxxxxxx, 92xxxxxxxx");
        assertThat(RUSSIA.nationalDigits()).isEqualTo(10);
        assertThat(RUSSIA.subscriberDigits()).isEqualTo(8);
    }
}
