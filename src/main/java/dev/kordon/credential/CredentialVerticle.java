package dev.kordon.credential;

import dev.kordon.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns password hashing. Jobs arrive on {@link Addresses#CREDENTIALS} and run on a dedicated pool
 * of {@code workers} threads. A job comes with the place its flow was admitted with, or is admitted
 * here ({@link HashQueue}); one that would wait past {@code hash.max-wait} is refused at once with
 * {@link #OVERLOADED}, so a flood of logins sheds load instead of piling up latency.
 */
public final class CredentialVerticle extends VerticleBase {
    public static final int OVERLOADED = 503;
    public static final int BAD_JOB = 400;
    /** The job itself threw: a fault in Kordon, answered 500 by the caller. */
    public static final int FAULT = 500;

    private static final Logger LOG = LoggerFactory.getLogger(CredentialVerticle.class);

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
        return pool.executeBlocking(
                        () -> {
                            String hash = hasher.hash("kordon-dummy-" + System.nanoTime());
                            // Once more, timed: the admission bound starts from a measured hash, not from a guess.
                            long start = System.nanoTime();
                            hasher.verify(hash, "kordon-dummy");
                            places.observe(System.nanoTime() - start);
                            return hash;
                        },
                        false)
                .compose(hash -> {
                    dummyHash = hash;
                    consumer = vertx.eventBus().consumer(Addresses.CREDENTIALS, this::handle);
                    return consumer.completion();
                });
    }

    private void handle(Message<CredentialJob> msg) {
        CredentialJob job = msg.body();
        HashQueue.Place admitted = job.place();
        String password = job.password();
        if (password == null || PasswordHasher.tooLong(password)) {
            if (admitted != null) {
                admitted.release();
            }
            msg.fail(BAD_JOB, "bad password");
            return;
        }
        HashQueue.Place place = admitted != null ? admitted : places.admit();
        if (place == null) {
            msg.fail(OVERLOADED, "overloaded");
            return;
        }
        long queued = System.nanoTime();
        pool.executeBlocking(
                        () -> {
                            long start = System.nanoTime();
                            places.started();
                            try {
                                return job.run(hasher, dummyHash);
                            } finally {
                                places.finished(job.op(), start - queued, System.nanoTime() - start);
                                // Here, not in the reply: the next sign-in may be admitted while this one's reply waits
                                // its turn.
                                place.release();
                            }
                        },
                        false)
                .onComplete(ar -> {
                    place.release();
                    if (ar.succeeded()) {
                        msg.reply(ar.result());
                    } else {
                        // Not an outage: a job that throws is a fault, logged here where its stack still is.
                        LOG.error("credential job failed", ar.cause());
                        msg.fail(
                                FAULT,
                                "credential job failed: "
                                        + ar.cause().getClass().getName());
                    }
                });
    }

    @Override
    public Future<?> stop() {
        Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
        return unregistered.compose(v -> pool == null ? Future.succeededFuture() : pool.close());
    }
}
