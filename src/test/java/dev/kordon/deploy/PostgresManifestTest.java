package dev.kordon.deploy;

import static dev.kordon.deploy.Manifests.at;
import static dev.kordon.deploy.Manifests.render;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The production Postgres held to docs/operations.md, "Postgres failover". */
class PostgresManifestTest {
    @BeforeAll
    static void kubectlIsThere() {
        Manifests.requireKubectl();
    }

    /** An acknowledged write must outlive the primary: one replica confirms every commit. */
    @Test
    void prodPostgresConfirmsEveryCommitOnOneOfItsReplicas() {
        var cluster = render("prod").stream()
                .filter(o -> "Cluster".equals(o.get("kind")))
                .findFirst()
                .orElseThrow();
        assertThat(at(cluster, "spec", "postgresql", "synchronous", "method")).isEqualTo("any");
        assertThat(at(cluster, "spec", "postgresql", "synchronous", "number")).isEqualTo(1);
    }
}
