package dev.kordon.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.bus.LocalCodec;
import dev.kordon.problem.FlowException;
import dev.kordon.support.Rig;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class CredentialJobTest {
    private static final String PASSWORD = "Job-Password-77";

    @Test
    void noJobOrReplyPrintsThePasswordOrTheHash() {
        String hash = "$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$aGFzaA";
        assertThat(new CredentialJob.Verify(hash, PASSWORD).toString())
                .doesNotContain(PASSWORD)
                .doesNotContain("argon2");
        assertThat(new CredentialJob.Hash(PASSWORD).toString()).doesNotContain(PASSWORD);
        assertThat(new CredentialJob.Hashed(hash).toString()).doesNotContain("argon2");
    }

    @Test
    void hashAndVerifyOverTheBusWithTypedJobsAndReplies() {
        Vertx vertx = Vertx.vertx();
        try {
            LocalCodec.register(vertx.eventBus());
            HashQueue places = new dev.kordon.ops.Metrics().hashQueue(1, 4, Duration.ofSeconds(1));
            Rig.await(vertx.deployVerticle(new CredentialVerticle(new PasswordHasher(8192, 1, 1), 1, places)));
            Credentials credentials = new Credentials(vertx, Duration.ofSeconds(1), places, PasswordPolicyTest.POLICY);

            String hash = Rig.await(credentials.hash(PASSWORD));
            assertThat(hash).startsWith("$argon2id$");
            assertThat(Rig.await(credentials.verify(hash, PASSWORD))).isEqualTo(new Credentials.Verdict(true, false));
            assertThat(Rig.await(credentials.verify(hash, "Other-Password-1")))
                    .isEqualTo(new Credentials.Verdict(false, false));
            assertThat(Rig.await(credentials.verify(null, PASSWORD))).isEqualTo(new Credentials.Verdict(false, false));
            // A job the verticle refuses comes back as a request error, not as a hashing failure.
            Assertions.assertThatThrownBy(() -> Rig.await(credentials.hash(null)))
                    .isInstanceOfSatisfying(
                            FlowException.class,
                            e -> assertThat(e.failure().code()).isEqualTo("invalid_request"));
            assertThat(places.inFlight()).isZero();
        } finally {
            Rig.await(vertx.close());
        }
    }
}
