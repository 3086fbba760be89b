package dev.kordon.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one rule of the assurance level: a password with a second factor of another kind is aal2. */
class AssuranceTest {
    @Test
    void aPasswordWithAnAppsCodeAPasskeyOrARecoveryCodeIsAal2() {
        for (String second : List.of("otp", "hwk", "rec")) {
            assertThat(Assurance.of(List.of("pwd", second))).as(second).isEqualTo("aal2");
        }
    }

    @Test
    void oneFactorAloneOrASecondWithoutThePasswordIsAal1() {
        for (List<String> amr :
                List.of(List.of("pwd"), List.of("sms"), List.of("otp"), List.of("sms", "otp"), List.<String>of())) {
            assertThat(Assurance.of(amr)).as(amr.toString()).isEqualTo("aal1");
        }
    }

    @Test
    void claimsAreJudgedByTheirAmrWhateverAcrTheyCarry() {
        JsonObject forged =
                new JsonObject().put("amr", new JsonArray().add("pwd")).put("acr", "aal2");
        assertThat(Assurance.aal2(forged)).isFalse();
        assertThat(Assurance.of(new JsonObject())).isEqualTo("aal1");
        assertThat(Assurance.aal2(
                        new JsonObject().put("amr", new JsonArray().add("pwd").add("otp"))))
                .isTrue();
    }
}
