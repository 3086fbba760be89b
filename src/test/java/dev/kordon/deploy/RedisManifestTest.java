package dev.kordon.deploy;

import static dev.kordon.deploy.Manifests.config;
import static dev.kordon.deploy.Manifests.render;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The overlays' Redis settings held to docs/operations.md, "The outbox across a failover". */
class RedisManifestTest {
    @BeforeAll
    static void kubectlIsThere() {
        Manifests.requireKubectl();
    }

    /** Prod's Redis Cluster has a replica per master: a mail counts once one of them has it. */
    @Test
    void prodAnswersAMail202OnlyOnceAReplicaOfTheClusterHasIt() {
        var data = config(render("prod"));
        assertThat(data).containsEntry("KORDON_REDIS_MODE", "cluster");
        assertThat(data).containsEntry("KORDON_DISPATCH_REPLICA_ACKS", "1");
    }

    /** Dev's standalone Redis has no replica: any replica acks would refuse every message. */
    @Test
    void devWaitsForNoReplica() {
        var data = config(render("dev"));
        assertThat(data.getOrDefault("KORDON_REDIS_MODE", "standalone")).isEqualTo("standalone");
        assertThat(data.getOrDefault("KORDON_DISPATCH_REPLICA_ACKS", "0")).isEqualTo("0");
    }
}
