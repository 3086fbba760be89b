package dev.kordon.web;

import io.vertx.core.Vertx;

/**
 * Paces the 503 overloaded answers of one event loop. A storm of clients that resend the moment
 * they are refused turns every quick refusal into the next request, and answering them takes the
 * CPU the hashing threads need: the more sign-ins are shed, the slower the admitted ones are
 * hashed. Up to {@code hash.shed-rate} refusals a second leave at once; beyond that each waits for
 * its turn, so a storm costs a bounded share of the cores however many clients take part.
 * One per {@link HttpVerticle} instance: it is only ever touched on that instance's event loop.
 */
final class ShedPacer {
  private final Vertx vertx;
  private final long intervalNanos;
  private long nextSlot = System.nanoTime();

  /** {@code perSecond}: this event loop's share of the rate; 0 answers every refusal at once. */
  ShedPacer(Vertx vertx, double perSecond) {
    this.vertx = vertx;
    this.intervalNanos = perSecond <= 0 ? 0 : (long) (1e9 / perSecond);
  }

  /** Runs {@code answer} in the next free slot: now, or later on this event loop. */
  void answer(Runnable answer) {
    long now = System.nanoTime();
    long slot = Math.max(now, nextSlot);
    nextSlot = slot + intervalNanos;
    long delayMs = (slot - now) / 1_000_000;
    if (delayMs < 1) {
      answer.run();
    } else {
      vertx.setTimer(delayMs, id -> answer.run());
    }
  }
}
