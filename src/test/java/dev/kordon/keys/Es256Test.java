package dev.kordon.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

/** The signer's output must be what any JOSE library verifies: the JDK's own ES256 is the judge. */
class Es256Test {
    @Test
    void signaturesVerifyWithTheJdksEs256AndATamperedOneDoesNot() throws Exception {
        SigningKeys.Key key = SigningKeys.generate("es256-test").signer();
        Es256 signer = new Es256(key.privateKey());
        byte[] message = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0".getBytes(StandardCharsets.US_ASCII);
        byte[] sig = signer.sign(message);
        assertThat(sig).hasSize(64);
        assertThat(jdkVerifies(key, message, sig)).isTrue();

        byte[] tampered = sig.clone();
        tampered[40] ^= 1;
        assertThat(jdkVerifies(key, message, tampered)).isFalse();
        byte[] other = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ5In0".getBytes(StandardCharsets.US_ASCII);
        assertThat(jdkVerifies(key, other, sig)).isFalse();
        // RFC 6979: the same key and message give the same signature, another message another one.
        assertThat(signer.sign(message)).isEqualTo(sig);
        assertThat(signer.sign(other)).isNotEqualTo(sig);
    }

    @Test
    void aKeyOnAnotherCurveIsRefused() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp384r1"));
        ECPrivateKey p384 = (ECPrivateKey) gen.generateKeyPair().getPrivate();
        assertThatThrownBy(() -> new Es256(p384))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("P-256");
    }

    private static boolean jdkVerifies(SigningKeys.Key key, byte[] message, byte[] sig) throws Exception {
        Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
        v.initVerify(key.publicKey());
        v.update(message);
        return v.verify(sig);
    }
}
