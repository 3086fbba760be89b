package dev.kordon.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kordon.account.LoginParser;
import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import java.nio.file.Path;
import java.util.Map;

/** The login parser on arbitrary input: it answers a login or a field error, and nothing else. */
class PhoneFuzzTest {
    private static final LoginParser PARSER = new LoginParser(
            KordonConfig.from(ConfigTree.load(Path.of("conf", "kordon.yaml"), Map.of("KORDON_DEV", "true"))));

    @FuzzTest(maxDuration = "15s")
    void parse(FuzzedDataProvider data) {
        String category = data.pickValue(new String[] {"mobile", "internet", "satellite", ""});
        String input = data.consumeRemainingAsString();
        LoginParser.Result r = PARSER.parse(category, input);
        assertThat(r.login() == null).isNotEqualTo(r.error() == null);
        if (r.login() != null && category.equals("mobile")) {
            assertThat(r.login()).matches("\\+375(29|44|25|33)\\d{7}");
        }
        if (r.login() != null && category.equals("internet")) {
            assertThat(r.login()).matches("\\d{6,20}");
        }
    }
}
