package dev.kordon.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.account.PhoneFormat;
import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import dev.kordon.problem.Text;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordPolicyTest {
    static final String LOGIN = "+375291234567";
    static final PasswordPolicy POLICY = new PasswordPolicy(new PhoneFormat(
            KordonConfig.from(ConfigTree.load(Path.of("conf", "kordon.yaml"), Map.of("KORDON_DEV", "true")))
                    .phone()));

    @Test
    void shipsTheThirtyThousandCommonPasswordsTheReadmePromises() {
        assertThat(PasswordPolicy.blocklistSize()).isGreaterThanOrEqualTo(30_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"password", "Password1", "qwerty123", "iloveyou", "12345678", "sunshine", "football"})
    void refusesCommonPasswords(String p) {
        assertThat(POLICY.problem(p, LOGIN)).contains(Text.of("policy.common"));
    }

    @Test
    void lengthCountsCharactersAfterNfkc() {
        assertThat(POLICY.problem("Zq7#kP", LOGIN)).contains(Text.of("policy.too-short", 8));
        assertThat(POLICY.problem("Ящерица-лето", LOGIN)).isEmpty();
        assertThat(POLICY.problem("x".repeat(129), LOGIN)).contains(Text.of("field.too-long", 128));
        // Full-width letters are the ASCII ones after NFKC, so the common-password check still sees them.
        assertThat(POLICY.problem("ｐａｓｓｗｏｒｄ", LOGIN)).contains(Text.of("policy.common"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"my291234567pw", "x1234567-quiet", "375291234567!"})
    void refusesTheLoginsDigits(String p) {
        assertThat(POLICY.problem(p, LOGIN)).contains(Text.of("policy.login"));
    }

    @Test
    void noCompositionRules() {
        assertThat(POLICY.problem("correct horse battery staple", LOGIN)).isEqualTo(Optional.empty());
        assertThat(POLICY.problem("lowercaseonlybutlong", LOGIN)).isEmpty();
    }
}
