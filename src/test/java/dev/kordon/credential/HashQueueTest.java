package dev.kordon.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Admission by time: the places hash.max-wait allows, and a place given up for a pause. */
class HashQueueTest {
    private static final Duration HASH = Duration.ofMillis(100);

    private final AtomicInteger shed = new AtomicInteger();

    private HashQueue queue() {
        HashQueue queue = new HashQueue(2, 0, Duration.ofSeconds(1), new HashQueue.Meter() {
            @Override
            public void shed() {
                shed.incrementAndGet();
            }

            @Override
            public void done(String op, long waitedNanos, long workedNanos) {}
        });
        queue.observe(HASH.toNanos());
        return queue;
    }

    @Test
    void maxWaitOverTheHashTimeGivesThePlacesBeyondTheThreads() {
        HashQueue queue = queue();
        // 1 s of waiting on 2 threads at 100 ms a hash: 20 may wait, and 2 more run.
        assertThat(queue.queuePlaces()).isEqualTo(20);
        List<HashQueue.Place> held = new ArrayList<>();
        HashQueue.Place place;
        while ((place = queue.admit()) != null) {
            held.add(place);
        }
        assertThat(held).hasSize(22);
        assertThat(shed).hasValue(1);
    }

    @Test
    void aPlaceGivenUpForAPauseIsTakenAgainOnlyWhileItFits() {
        HashQueue queue = queue();
        HashQueue.Place waiting = queue.admit();
        waiting.release();
        List<HashQueue.Place> others = new ArrayList<>();
        HashQueue.Place place;
        while ((place = queue.admit()) != null) {
            others.add(place);
        }
        assertThat(waiting.reclaim()).as("every place taken meanwhile").isFalse();
        others.get(0).release();
        assertThat(waiting.reclaim()).as("one given back").isTrue();
        assertThat(queue.inFlight()).isEqualTo(others.size());
        assertThat(waiting.reclaim()).as("held already: no second place").isTrue();
        assertThat(queue.inFlight()).isEqualTo(others.size());
    }
}
