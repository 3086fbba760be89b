package dev.kordon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The 503 pacing of one event loop: the rate holds, the order holds, and waiting answers share wake-ups. */
class ShedPacerTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void refusalsBeyondTheRateLeaveInOrderAtTheRateInSharedWakeUps() throws Exception {
        int count = 60;
        long[] ran = new long[count];
        List<Integer> order = new ArrayList<>();
        CompletableFuture<Long> sent = new CompletableFuture<>();
        CompletableFuture<Void> all = new CompletableFuture<>();
        CompletableFuture<Boolean> firstAtOnce = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            // 1,000 a second: one slot per millisecond.
            ShedPacer pacer = new ShedPacer(vertx, 1000);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                int n = i;
                pacer.answer(() -> {
                    ran[n] = System.nanoTime();
                    order.add(n);
                    if (order.size() == count) {
                        all.complete(null);
                    }
                });
                if (i == 0) {
                    firstAtOnce.complete(order.size() == 1);
                }
            }
            sent.complete(start);
        });
        all.get(10, TimeUnit.SECONDS);
        long start = sent.get();

        assertThat(order)
                .as("answers in the order they were refused")
                .isSorted()
                .hasSize(count);
        // Within the rate, the first refusal is answered inside its own call, before any timer: a
        // bound in milliseconds here measured the JIT of a cold JVM (5.16 ms once in CI), not the pacer.
        assertThat(firstAtOnce.get())
                .as("the first refusal, within the rate, answered at once")
                .isTrue();
        assertThat(ran[count - 1] - start)
                .as("the last of %d at 1,000 a second", count)
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(count - 1));
        for (int i = 0; i < count; i++) {
            // A slot less than a millisecond ahead is not worth a wait.
            assertThat(ran[i] - start)
                    .as("answer %d not before its slot", i)
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(i - 1));
        }
        int wakeUps = 1;
        for (int i = 1; i < count; i++) {
            if (ran[i] - ran[i - 1] > TimeUnit.MICROSECONDS.toNanos(500)) {
                wakeUps++;
            }
        }
        // A slot a millisecond, a wake-up at most every ShedPacer.TICK_MS: about count / TICK_MS of them.
        assertThat(wakeUps)
                .as("wake-ups for %d paced answers", count)
                .isLessThanOrEqualTo((int) (count / ShedPacer.TICK_MS) + 3);
    }

    @Test
    void withoutARateEveryRefusalLeavesAtOnce() {
        List<Integer> ran = new ArrayList<>();
        CompletableFuture<Integer> left = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            ShedPacer pacer = new ShedPacer(vertx, 0);
            for (int i = 0; i < 100; i++) {
                int n = i;
                pacer.answer(() -> ran.add(n));
            }
            left.complete(pacer.waiting());
        });
        assertThat(left.join()).as("answers left waiting").isZero();
        assertThat(ran).hasSize(100).isSorted();
    }
}
