package dev.kordon.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {
    private static final byte[] A = "0123456789abcdef0123456789abcdef".getBytes();
    private static final byte[] B = "abcdefghijklmnopqrstuvwxyz012345".getBytes();
    private final Secrets secrets = new Secrets(A);
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
        String id = sealed.substring(0, sealed.indexOf(':') + 1);
        byte[] raw = Base64.getDecoder().decode(sealed.substring(id.length()));
        raw[raw.length - 1] ^= 1;
        assertThatThrownBy(() -> secrets.open(id + Base64.getEncoder().encodeToString(raw)))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> secrets.open("not sealed")).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void aHashMadeUnderAnOlderListedKeyMatchesAndOneUnderAnUnlistedKeyDoesNot() {
        Secrets rotated = new Secrets(List.of(B, A));
        String underA = secrets.keyedHash("sms-code", "mobile", "+375291234567", "123456");
        assertThat(rotated.keyedHash("sms-code", "mobile", "+375291234567", "123456"))
                .isNotEqualTo(underA);
        assertThat(rotated.matches(underA, "sms-code", "mobile", "+375291234567", "123456"))
                .isTrue();
        assertThat(rotated.matches(underA, "sms-code", "mobile", "+375291234567", "654321"))
                .isFalse();
        assertThat(new Secrets(B).matches(underA, "sms-code", "mobile", "+375291234567", "123456"))
                .isFalse();
        assertThat(rotated.matches(null, "sms-code")).isFalse();
    }

    @Test
    void aValueSealedUnderAnOlderListedKeyOpensAndOnlyTheNewestKeySealsAnew() throws Exception {
        String underA = secrets.seal("{\"to\":\"x\"}");
        Secrets rotated = new Secrets(List.of(B, A));
        assertThat(rotated.open(underA)).isEqualTo("{\"to\":\"x\"}");
        assertThat(rotated.sealedUnderNewest(underA)).isFalse();
        String underB = rotated.seal("{\"to\":\"x\"}");
        assertThat(rotated.sealedUnderNewest(underB)).isTrue();
        assertThat(new Secrets(B).open(underB)).isEqualTo("{\"to\":\"x\"}");
        assertThatThrownBy(() -> new Secrets(B).open(underA))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessage("no key opens it");
    }

    @Test
    void aValueSealedWithoutAKeyIdStillOpensUnderAnyListedKey() throws Exception {
        String withId = secrets.seal("legacy");
        String withoutId = withId.substring(withId.indexOf(':') + 1);
        assertThat(new Secrets(List.of(B, A)).open(withoutId)).isEqualTo("legacy");
    }

    @Test
    void temporaryPasswordsUseAReadableAlphabet() {
        assertThat(TempPasswords.ALPHABET).doesNotContain("0", "O", "1", "l", "I");
        assertThat(TempPasswords.ALPHABET.chars().distinct().count()).isEqualTo(TempPasswords.ALPHABET.length());
    }
}
