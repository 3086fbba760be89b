package dev.kordon.deploy;

import static dev.kordon.deploy.Manifests.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.config.ConfigTree;
import dev.kordon.dispatch.Settle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The pods' termination grace held to docs/operations.md, "Drain": the kubelet never cuts a drain short. */
class DrainManifestTest {
    @BeforeAll
    static void kubectlIsThere() {
        Manifests.requireKubectl();
    }

    @ParameterizedTest
    @MethodSource("dev.kordon.deploy.Manifests#overlays")
    void gracePeriodCoversPreStopDrainShutdownGraceAndTheSendsUnderWay(String overlay) {
        var pod = podTemplate(render(overlay));
        var kordon = container(pod);
        Object sleep = at(kordon, "lifecycle", "preStop", "sleep", "seconds");
        assertThat(sleep).as("preStop uses the native sleep action").isInstanceOf(Integer.class);
        int preStop = (Integer) sleep;
        assertThat(preStop).isPositive();
        // Durations read with Kordon's own parser, as Kordon will read these variables.
        ConfigTree tree = ConfigTree.load(
                Path.of("conf", "kordon.yaml"),
                Map.of(
                        "KORDON_HTTP_DRAIN_DELAY", Objects.requireNonNull(env(kordon, "KORDON_HTTP_DRAIN_DELAY")),
                        "KORDON_HTTP_SHUTDOWN_GRACE",
                                Objects.requireNonNull(env(kordon, "KORDON_HTTP_SHUTDOWN_GRACE"))));
        Duration drain = tree.duration("http.drain-delay");
        Duration grace = tree.duration("http.shutdown-grace");
        long sends = Settle.MAX_MS / 1000;
        int margin = 5;
        long needed = preStop + drain.toSeconds() + grace.toSeconds() + sends + margin;
        assertThat(((Number) map(pod, "spec").get("terminationGracePeriodSeconds")).longValue())
                .as(
                        "terminationGracePeriodSeconds >= preStop %d + drain %s + grace %s + sends %d s + %d s",
                        preStop, drain, grace, sends, margin)
                .isGreaterThanOrEqualTo(needed);
    }
}
