package dev.kordon.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretsTest {
    private final Secrets secrets = new Secrets("0123456789abcdef0123456789abcdef".getBytes());
    private final Secrets other = new Secrets("fedcba9876543210fedcba9876543210".getBytes());

    @Test
    void keyedHashIsStableKeyDependentAndUnambiguous() {
        String h = secrets.keyedHash("sms-code", "mobile", "+375291234567", "123456");
        assertThat(h).matches("[0-9a-f]{64}");
        assertThat(secrets.keyedHash("sms-code", "mobile", "+375291234567", "123456"))
                .isEqualTo(h);
        assertThat(other.keyedHash("sms-code", "mobile", "+375291234567", "123456"))
                .isNotEqualTo(h);
        assertThat(secrets.keyedHash("ab", "c")).isNotEqualTo(secrets.keyedHash("a", "bc"));
    }

    @Test
    void sealedPayloadsOpenOnlyWithTheKeyAndUnaltered() throws Exception {
        String sealed = secrets.seal("{\"temp\":\"GVAdfECr5f\"}");
        assertThat(sealed).doesNotContain("GVAdfECr5f");
        assertThat(secrets.seal("{\"temp\":\"GVAdfECr5f\"}")).isNotEqualTo(sealed);
        assertThat(secrets.open(sealed)).isEqualTo("{\"temp\":\"GVAdfECr5f\"}");
        assertThatThrownBy(() -> other.open(sealed)).isInstanceOf(GeneralSecurityException.class);
        byte[] raw = Base64.getDecoder().decode(sealed);
        raw[raw.length - 1] ^= 1;
        assertThatThrownBy(() -> secrets.open(Base64.getEncoder().encodeToString(raw)))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> secrets.open("not sealed")).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void temporaryPasswordsUseAReadableAlphabet() {
        assertThat(TempPasswords.ALPHABET).doesNotContain("0", "O", "1", "l", "I");
        assertThat(TempPasswords.ALPHABET.chars().distinct().count()).isEqualTo(TempPasswords.ALPHABET.length());
    }
}
