package dev.kordon.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import dev.kordon.problem.Text;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoginParserTest {
    private final LoginParser parser = new LoginParser(
            KordonConfig.from(ConfigTree.load(Path.of("conf", "kordon.yaml"), Map.of("KORDON_DEV", "true"))));

    @ParameterizedTest
    @ValueSource(
            strings = {
                "+375 29 123-45-67",
                "375291234567",
                "80291234567",
                "291234567",
                "+375291234567",
                "+375 (29) 123 45 67",
                " 8 029 123-45-67 "
            })
    void acceptsTheWaysPeopleTypeAMobileNumber(String input) {
        assertThat(parser.parse("mobile", input).login()).isEqualTo("+375291234567");
    }

    @ParameterizedTest
    @ValueSource(strings = {"+375441234567", "+375251234567", "+375331234567"})
    void acceptsEveryConfiguredOperator(String input) {
        assertThat(parser.parse("mobile", input).login()).isEqualTo(input);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "+375171234567",
                "+37529123456",
                "+3752912345678",
                "+79161234567",
                "29123456",
                "abc",
                "+375 29 12x-45-67",
                "+37500447340445",
                "0000000000000000000000000000000000000000000000000000000000000000000000"
            })
    void refusesOtherNumbersWithTheSeedsHint(String input) {
        LoginParser.Result r = parser.parse("mobile", input);
        assertThat(r.login()).isNull();
        assertThat(r.error()).isEqualTo(Text.of("field.phone", 9, "29xxxxxxx, 44xxxxxxx, 25xxxxxxx, 33xxxxxxx"));
    }

    @Test
    void emptyIsRequired() {
        assertThat(parser.parse("mobile", "  ").error()).isEqualTo(Text.of("field.required"));
        assertThat(parser.parse("mobile", null).error()).isEqualTo(Text.of("field.required"));
    }

    @Test
    void internetLoginsArePersonalAccountNumbers() {
        assertThat(parser.parse("internet", "123456").login()).isEqualTo("123456");
        assertThat(parser.parse("internet", "1234 5678 9012").login()).isEqualTo("123456789012");
        assertThat(parser.parse("internet", "12345").error().key()).isEqualTo("field.account-number");
        assertThat(parser.parse("internet", "1".repeat(21)).error().key()).isEqualTo("field.account-number");
        assertThat(parser.parse("internet", "12345a").error().key()).isEqualTo("field.account-number");
    }

    @Test
    void unknownCategory() {
        assertThat(parser.knownCategory("satellite")).isFalse();
        assertThat(parser.parse("satellite", "291234567").error()).isEqualTo(Text.of("field.category"));
    }
}
