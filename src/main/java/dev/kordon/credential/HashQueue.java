package dev.kordon.credential;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Places in the hash pool: {@code workers} running plus {@code queue} waiting. Shared by the
 * credential verticle, which takes a place per job, and the flows, which look first, so that a
 * sign-in that cannot be hashed is shed before it costs a Redis or Postgres round trip, and
 * before it counts as an attempt against the account.
 */
public final class HashQueue {
  private final int capacity;
  private final AtomicInteger taken = new AtomicInteger();
  private final Runnable onShed;

  public HashQueue(int workers, int queue, Runnable onShed) {
    this.capacity = workers + queue;
    this.onShed = onShed;
  }

  /** True (and counted as shed) when no job could get a place now. */
  public boolean refuses() {
    if (taken.get() < capacity) {
      return false;
    }
    onShed.run();
    return true;
  }

  boolean tryTake() {
    while (true) {
      int now = taken.get();
      if (now >= capacity) {
        onShed.run();
        return false;
      }
      if (taken.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void release() {
    taken.decrementAndGet();
  }

  public int inFlight() {
    return taken.get();
  }
}
