package dev.kordon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** sim-swap.*: off by default, and each wrong value named with what it should be. */
class SimSwapConfigTest {
    static KordonConfig read(String... kv) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KORDON_ADMIN_TOKEN", "a-long-enough-admin-token-123456",
                "KORDON_JWT_KEYS_DIR", "/keys",
                "KORDON_SECRETS_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return KordonConfig.from(ConfigTree.load(Path.of("conf", "kordon.yaml"), env));
    }

    static final String[] ON = {
        "KORDON_SIM_SWAP_URL", "https://api.operator.by/sim-swap/v2/",
        "KORDON_SIM_SWAP_TOKEN_URL", "https://api.operator.by/oauth2/token",
        "KORDON_SIM_SWAP_CLIENT_ID", "kordon",
        "KORDON_SIM_SWAP_CLIENT_SECRET_FILE", "/run/secrets/sim-swap"
    };

    static String[] on(String... more) {
        String[] all = java.util.Arrays.copyOf(ON, ON.length + more.length);
        System.arraycopy(more, 0, all, ON.length, more.length);
        return all;
    }

    @Test
    void offByDefaultWithTheShippedDefaults() {
        KordonConfig.SimSwap s = read().simSwap();
        assertThat(s.on()).isFalse();
        assertThat(s.maxAge()).isEqualTo(Duration.ofHours(72));
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.cacheTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.allowOnError()).isFalse();
        assertThat(s.breakerFailures()).isEqualTo(5);
        assertThat(s.breakerReset()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.connections()).isEqualTo(128);
    }

    @Test
    void onWithAUrlATokenEndpointAClientAndOneCredential() {
        KordonConfig.SimSwap s = read(on()).simSwap();
        assertThat(s.on()).isTrue();
        assertThat(s.url()).as("the trailing slash goes").isEqualTo("https://api.operator.by/sim-swap/v2");
        assertThat(s.clientSecretFile()).isEqualTo(Path.of("/run/secrets/sim-swap"));
    }

    @Test
    void wrongValuesAreNamed() {
        assertThatThrownBy(() -> read(on("KORDON_SIM_SWAP_URL", "ftp://x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sim-swap.url")
                .hasMessageContaining("http(s)");
        assertThatThrownBy(() -> read(on("KORDON_SIM_SWAP_MAX_AGE", "2401h"))).hasMessageContaining("sim-swap.max-age");
        assertThatThrownBy(() -> read(on("KORDON_SIM_SWAP_MAX_AGE", "90m"))).hasMessageContaining("whole hours");
        assertThatThrownBy(() -> read("KORDON_SIM_SWAP_ON_ERROR", "maybe"))
                .hasMessageContaining("sim-swap.on-error")
                .hasMessageContaining("deny or allow");
        assertThatThrownBy(() -> read(on("KORDON_SIM_SWAP_TOKEN_URL", ""))).hasMessageContaining("sim-swap.token-url");
        assertThatThrownBy(() -> read(on("KORDON_SIM_SWAP_PRIVATE_KEY_FILE", "/run/key.pem")))
                .hasMessageContaining("exactly one");
        assertThatThrownBy(() -> read(on("KORDON_SIM_SWAP_CONNECTIONS", "0")))
                .hasMessageContaining("sim-swap.connections");
        assertThat(read(on("KORDON_SIM_SWAP_CONNECTIONS", "512")).simSwap().connections())
                .isEqualTo(512);
        assertThat(read(on("KORDON_SIM_SWAP_MAX_AGE", "2400h"))
                        .simSwap()
                        .maxAge()
                        .toHours())
                .isEqualTo(2400);
    }
}
