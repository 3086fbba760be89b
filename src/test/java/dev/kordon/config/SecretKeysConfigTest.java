package dev.kordon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** secrets.keys and the older secrets.key: how they are given, and what is refused, by name. */
class SecretKeysConfigTest {
    private static final Path FILE = Path.of("conf", "kordon.yaml");
    private static final String A = key('a');
    private static final String B = key('b');

    private static String key(char c) {
        return Base64.getEncoder().encodeToString(String.valueOf(c).repeat(32).getBytes());
    }

    private static KordonConfig read(Path file, String... kv) {
        Map<String, String> env = new HashMap<>(
                Map.of("KORDON_ADMIN_TOKEN", "a-long-enough-admin-token-123456", "KORDON_JWT_KEYS_DIR", "/keys"));
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return KordonConfig.from(ConfigTree.load(file, env));
    }

    @Test
    void secretsKeysFromTheEnvironmentAreCommaSeparatedAndKeepTheirOrderNewestFirst() {
        KordonConfig c = read(FILE, "KORDON_SECRETS_KEYS", B + ", " + A);
        assertThat(c.secretKeys()).hasSize(2);
        assertThat(c.secretKeys().get(0)).isEqualTo(Base64.getDecoder().decode(B));
        assertThat(c.secretKeys().get(1)).isEqualTo(Base64.getDecoder().decode(A));
    }

    @Test
    void theOlderSecretsKeyAloneIsReadAsAListOfOne() {
        KordonConfig c = read(FILE, "KORDON_SECRETS_KEY", A);
        assertThat(c.secretKeys()).hasSize(1);
        assertThat(c.secretKeys().get(0)).isEqualTo(Base64.getDecoder().decode(A));
    }

    @Test
    void settingBothSecretsKeysAndSecretsKeyIsRefusedNamingBothVariables() {
        assertThatThrownBy(() -> read(FILE, "KORDON_SECRETS_KEYS", B, "KORDON_SECRETS_KEY", A))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KORDON_SECRETS_KEYS")
                .hasMessageContaining("KORDON_SECRETS_KEY)")
                .hasMessageContaining("not both");
    }

    @Test
    void aShortOrNonBase64EntryOfSecretsKeysIsRefusedByItsNumberWithoutShowingAnyKey() {
        String shortKey = Base64.getEncoder().encodeToString("short".getBytes());
        assertThatThrownBy(() -> read(FILE, "KORDON_SECRETS_KEYS", B + "," + shortKey))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("secrets.keys (KORDON_SECRETS_KEYS)")
                .hasMessageContaining("entry 2")
                .hasMessageNotContaining(shortKey)
                .hasMessageNotContaining(B);
        assertThatThrownBy(() -> read(FILE, "KORDON_SECRETS_KEYS", "not*base64*at*all*not*base64*at*all*"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("secrets.keys")
                .hasMessageContaining("entry 1")
                .hasMessageNotContaining("not*base64");
    }

    @Test
    void theSameKeyListedTwiceIsRefused() {
        assertThatThrownBy(() -> read(FILE, "KORDON_SECRETS_KEYS", A + "," + A))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("secrets.keys")
                .hasMessageContaining("entry 2 repeats");
    }

    @Test
    void noKeyAtAllOutsideDevModeIsRefusedNamingBothSettings() {
        assertThatThrownBy(() -> read(FILE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KORDON_SECRETS_KEY")
                .hasMessageContaining("secrets.keys");
    }

    @Test
    void aConfigurationFileWrittenBeforeSecretsKeysExistedStillReadsSecretsKey(@TempDir Path dir) throws Exception {
        Path old = dir.resolve("kordon.yaml");
        Files.writeString(old, Files.readString(FILE).replace("  keys: []\n", ""));
        assertThat(Files.readString(old)).doesNotContain("keys: []");
        KordonConfig c = read(old, "KORDON_SECRETS_KEY", A);
        assertThat(c.secretKeys()).hasSize(1);
    }
}
