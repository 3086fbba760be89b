package dev.kordon.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecoveryCodesTest {
    @Test
    void tenDistinctCodesOfTwoGroupsOfFiveFromTheReadableAlphabet() {
        List<String> codes = RecoveryCodes.generate();
        assertThat(codes).hasSize(10).doesNotHaveDuplicates();
        for (String code : codes) {
            assertThat(code).matches("[abcdefghjkmnpqrstuvwxyz23456789]{5}-[abcdefghjkmnpqrstuvwxyz23456789]{5}");
        }
    }

    @Test
    void codesDoNotRepeatAcrossEnrolments() {
        HashSet<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            for (String code : RecoveryCodes.generate()) {
                assertThat(seen.add(code))
                        .as("50 random bits a code: no repeat in 2,000")
                        .isTrue();
            }
        }
    }

    @Test
    void aCodeTypedWithSpacesDashesOrCapitalsIsTheSameCode() {
        assertThat(RecoveryCodes.normalized("abcde-fghjk")).isEqualTo("abcdefghjk");
        assertThat(RecoveryCodes.normalized(" ABCDE FGHJK ")).isEqualTo("abcdefghjk");
        assertThat(RecoveryCodes.normalized("abcdefghjk")).isEqualTo("abcdefghjk");
    }

    @Test
    void whatCannotBeACodeIsRefusedBeforeAnyHashing() {
        for (String bad : new String[] {
            null, "", "abcde-fghj", "abcde-fghjkm", "abcde-fghj0", "abcde-fghjl", "аbcde-fghjk", "a".repeat(40)
        }) {
            assertThat(RecoveryCodes.normalized(bad)).as("%s", bad).isNull();
        }
    }
}
