package dev.kordon.credential;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher(19456, 2, 1);

    @Test
    void phcStringCarriesTheParameters() {
        String h = hasher.hash("correct horse battery");
        assertThat(h).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(h).doesNotContain("correct horse");
        assertThat(hasher.hash("correct horse battery")).isNotEqualTo(h);
    }

    @Test
    void verifies() {
        String h = hasher.hash("correct horse battery");
        assertThat(hasher.verify(h, "correct horse battery")).isTrue();
        assertThat(hasher.verify(h, "correct horse batterY")).isFalse();
        assertThat(hasher.verify("not a hash", "x")).isFalse();
        assertThat(hasher.verify(null, "x")).isFalse();
    }

    @Test
    void oldParametersStillVerifyAndAreFlaggedForRehash() {
        PasswordHasher old = new PasswordHasher(8192, 1, 1);
        String h = old.hash("pässword-1");
        assertThat(hasher.verify(h, "pässword-1")).isTrue();
        assertThat(hasher.outdated(h)).isTrue();
        assertThat(hasher.outdated(hasher.hash("x"))).isFalse();
    }

    @Test
    void nfkcNormalisedBeforeHashing() {
        String h = hasher.hash("ｐａｓｓｗｏｒｄ①"); // full-width letters and a circled digit
        assertThat(hasher.verify(h, "password1")).isTrue();
    }

    @Test
    void agreesWithTheReferenceImplementation() {
        // Made by the reference argon2 CLI: echo -n "correct horse" | argon2 saltsaltsaltsalt -id -t 2 -k 19456 -p 1 -l
        // 32 -e
        String reference =
                "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is";
        assertThat(hasher.verify(reference, "correct horse")).isTrue();
        assertThat(hasher.verify(reference, "correct horsf")).isFalse();
    }

    @Test
    void reusedMemoryGivesTheReferenceAnswerEveryTime() {
        String reference =
                "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is";
        for (int i = 0; i < 3; i++) {
            // Between checks, other parameters and other passwords go through the same thread's memory.
            assertThat(hasher.verify(reference, "correct horse")).isTrue();
            assertThat(hasher.verify(new PasswordHasher(8192, 1, 1).hash("other"), "other"))
                    .isTrue();
            assertThat(hasher.verify(hasher.hash("x" + i), "x" + i)).isTrue();
        }
    }

    @Test
    void aWarmThreadHashesWithoutAllocatingItsMemoryAgain() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        String h = hasher.hash("warm up this thread's memory");
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 5; i++) {
            hasher.verify(h, "warm up this thread's memory");
        }
        long perHash = (threads.getThreadAllocatedBytes(id) - before) / 5;
        // Without reuse each hash allocates its whole 19 MiB; with it only small buffers remain.
        assertThat(perHash).isLessThan(1024 * 1024);
    }
}
