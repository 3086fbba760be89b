package dev.kordon.api;

import io.vertx.core.Vertx;
import java.util.ArrayDeque;

/**
 * Paces the 503 overloaded answers of one event loop. A storm of clients that resend the moment
 * they are refused turns every quick refusal into the next request, and answering them takes the
 * CPU the hashing threads need: the more sign-ins are shed, the slower the admitted ones are
 * hashed. Up to {@code hash.shed-rate} refusals a second leave at once; beyond that each waits for
 * its turn, so a storm costs a bounded share of the cores however many clients take part.
 *
 * <p>The waiting answers leave in batches, at most one wake-up of the event loop per
 * {@link #TICK_MS}: a timer per answer would cost the loop a wake-up per refusal, which at a
 * thousand a second weighed more than the refusals themselves.
 * One per event loop ({@link PublicApi} makes one per instance): it is only ever touched there.
 */
public final class ShedPacer {
    static final long TICK_MS = 5;

    private record Turn(long slot, Runnable answer) {}

    private final Vertx vertx;
    private final long intervalNanos;
    private final ArrayDeque<Turn> waiting = new ArrayDeque<>();
    private long nextSlot = System.nanoTime();
    private boolean armed;

    /** {@code perSecond}: this event loop's share of the rate; 0 answers every refusal at once. */
    public ShedPacer(Vertx vertx, double perSecond) {
        this.vertx = vertx;
        this.intervalNanos = perSecond <= 0 ? 0 : (long) (1e9 / perSecond);
    }

    /** Runs {@code answer} in the next free slot: now, or with the batch of its slot. */
    public void answer(Runnable answer) {
        long now = System.nanoTime();
        long slot = Math.max(now, nextSlot);
        nextSlot = slot + intervalNanos;
        if (waiting.isEmpty() && slot - now < 1_000_000) {
            answer.run();
            return;
        }
        // Slots only grow, so the queue is in the order the answers may leave.
        waiting.add(new Turn(slot, answer));
        if (!armed) {
            arm(now);
        }
    }

    /** Answers waiting now. */
    int waiting() {
        return waiting.size();
    }

    private void arm(long now) {
        armed = true;
        long dueMs = (waiting.peek().slot() - now) / 1_000_000;
        vertx.setTimer(Math.max(TICK_MS, dueMs), id -> release());
    }

    private void release() {
        armed = false;
        long now = System.nanoTime();
        while (!waiting.isEmpty() && waiting.peek().slot() <= now) {
            waiting.poll().answer().run();
        }
        if (!waiting.isEmpty()) {
            arm(now);
        }
    }
}
