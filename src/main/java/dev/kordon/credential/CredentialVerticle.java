package dev.kordon.credential;

import dev.kordon.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.TimeUnit;

/**
 * Owns password hashing. Jobs arrive on {@link Addresses#CREDENTIALS} and run on a dedicated pool
 * of {@code workers} threads; at most {@code queue} more may wait ({@link HashQueue}). Past that
 * the job is refused at once with {@link #OVERLOADED}, so a flood of logins sheds load instead of
 * piling up latency.
 */
public final class CredentialVerticle extends VerticleBase {
  public static final int OVERLOADED = 503;
  public static final int BAD_JOB = 400;

  private final PasswordHasher hasher;
  private final int workers;
  private final HashQueue places;
  private WorkerExecutor pool;
  private MessageConsumer<CredentialJob> consumer;
  private String dummyHash;

  public CredentialVerticle(PasswordHasher hasher, int workers, HashQueue places) {
    this.hasher = hasher;
    this.workers = workers;
    this.places = places;
  }

  @Override
  public Future<?> start() {
    pool = vertx.createSharedWorkerExecutor("kordon-hash", workers, 60, TimeUnit.SECONDS);
    // A missing account is checked against this hash, so it costs the same time as a real one.
    return pool.executeBlocking(() -> hasher.hash("kordon-dummy-" + System.nanoTime()), false)
        .compose(hash -> {
          dummyHash = hash;
          consumer = vertx.eventBus().consumer(Addresses.CREDENTIALS, this::handle);
          return consumer.completion();
        });
  }

  private void handle(Message<CredentialJob> msg) {
    CredentialJob job = msg.body();
    String password = job.password();
    if (password == null || PasswordHasher.tooLong(password)) {
      msg.fail(BAD_JOB, "bad password");
      return;
    }
    if (!places.tryTake()) {
      msg.fail(OVERLOADED, "overloaded");
      return;
    }
    long queued = System.nanoTime();
    pool.executeBlocking(() -> {
      long start = System.nanoTime();
      places.started();
      try {
        return job.run(hasher, dummyHash);
      } finally {
        places.finished(job.op(), start - queued, System.nanoTime() - start);
      }
    }, false).onComplete(ar -> {
      places.release();
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        msg.fail(500, "hashing failed");
      }
    });
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.compose(v -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
