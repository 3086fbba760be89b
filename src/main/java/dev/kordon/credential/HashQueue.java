package dev.kordon.credential;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Places in the hash pool: {@code workers} running plus {@code queue} waiting. Shared by the
 * credential verticle, which takes a place per job, and the flows, which look first, so that a
 * sign-in that cannot be hashed is shed before it costs a Redis or Postgres round trip, and
 * before it counts as an attempt against the account.
 */
public final class HashQueue {
  /** The kinds of job, as the hash metrics label them. */
  public static final String VERIFY = "verify";
  public static final String HASH = "hash";

  /** What the pool reports to the metrics. */
  public interface Meter {
    /** A job refused: no place was free. */
    void shed();

    /** A job done: how long it held a place before a thread took it, then how long it ran. */
    void done(String op, long waitedNanos, long workedNanos);
  }

  private final int queue;
  private final int capacity;
  private final AtomicInteger taken = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final Meter meter;

  public HashQueue(int workers, int queue, Meter meter) {
    this.queue = queue;
    this.capacity = workers + queue;
    this.meter = meter;
  }

  /** True (and counted as shed) when no job could get a place now. */
  public boolean refuses() {
    if (taken.get() < capacity) {
      return false;
    }
    meter.shed();
    return true;
  }

  boolean tryTake() {
    while (true) {
      int now = taken.get();
      if (now >= capacity) {
        meter.shed();
        return false;
      }
      if (taken.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** On the hashing thread: a job holding a place starts. */
  void started() {
    running.incrementAndGet();
  }

  /** On the hashing thread: the job that started is done; its place is released apart. */
  void finished(String op, long waitedNanos, long workedNanos) {
    running.decrementAndGet();
    meter.done(op, waitedNanos, workedNanos);
  }

  void release() {
    taken.decrementAndGet();
  }

  public int inFlight() {
    return taken.get();
  }

  /** Jobs holding a place that no thread has taken yet. */
  public int waiting() {
    // Read apart, a job between its end and its release would show as waiting for that instant;
    // at most the queue's places can wait, and never fewer than none.
    return Math.max(0, Math.min(queue, taken.get() - running.get()));
  }

  /** How many jobs may wait beyond those running ({@code hash.queue}). */
  public int queuePlaces() {
    return queue;
  }
}
