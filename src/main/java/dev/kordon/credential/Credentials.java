package dev.kordon.credential;

import dev.kordon.bus.Addresses;
import dev.kordon.bus.LocalMessage;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.util.Map;

/**
 * The flows' side of the credential verticle: verify or hash a password over the event bus, and
 * the rules a new password must meet.
 */
public final class Credentials {
    private static final DeliveryOptions DELIVERY = new DeliveryOptions().setSendTimeout(30_000);

    private final Vertx vertx;
    private final Duration retryAfter;
    private final HashQueue places;
    private final PasswordPolicy policy;

    public Credentials(Vertx vertx, Duration retryAfter, HashQueue places, PasswordPolicy policy) {
        this.vertx = vertx;
        this.retryAfter = retryAfter;
        this.places = places;
        this.policy = policy;
    }

    public PasswordPolicy policy() {
        return policy;
    }

    /**
     * A place in the hash pool, taken now, before the caller spends anything on the request; fails
     * with 503 {@code overloaded} when its wait would pass {@code hash.max-wait}. The caller gives the
     * place to {@link #verify(HashQueue.Place, String, String)}, or releases it when no hash follows.
     */
    public Future<HashQueue.Place> admit() {
        HashQueue.Place place = places.admit();
        return place == null ? Future.failedFuture(overloaded()) : Future.succeededFuture(place);
    }

    /**
     * {@code pause} without holding {@code place}: a sign-in waiting for its login's earlier attempts
     * must not keep a place from sign-ins that could hash now. Fails with 503 {@code overloaded} when
     * the place cannot be had again after the pause.
     */
    public Future<Void> aside(HashQueue.Place place, Duration pause) {
        place.release();
        return vertx.timer(Math.max(1, pause.toMillis()))
                .compose(t -> place.reclaim() ? Future.<Void>succeededFuture() : Future.failedFuture(overloaded()));
    }

    /** Whether a sign-in arriving now would be shed: the look the HTTP side takes before reading a body. */
    public boolean refuses() {
        return places.refuses();
    }

    /** 503 {@code overloaded}, with a Retry-After from the current backlog. */
    public FlowException overloaded() {
        return new FlowException(Failure.OVERLOADED, Map.of(), places.retryAfter(retryAfter));
    }

    /** Checks a password against a stored hash; a null hash (no account, no password) never matches. */
    public Future<Verdict> verify(String hash, String password) {
        return send(new CredentialJob.Verify(hash, password));
    }

    /** The same, in the place {@link #admit()} gave; the place is given back once the hash is done. */
    public Future<Verdict> verify(HashQueue.Place place, String hash, String password) {
        return send(new CredentialJob.Verify(hash, password, place));
    }

    public Future<String> hash(String password) {
        return this.<CredentialJob.Hashed>send(new CredentialJob.Hash(password)).map(CredentialJob.Hashed::hash);
    }

    private <R extends LocalMessage> Future<R> send(CredentialJob job) {
        return vertx.eventBus()
                .<R>request(Addresses.CREDENTIALS, job, DELIVERY)
                .map(msg -> msg.body())
                .recover(err -> {
                    if (err instanceof ReplyException re && re.failureCode() == CredentialVerticle.OVERLOADED) {
                        return Future.failedFuture(overloaded());
                    }
                    if (err instanceof ReplyException re && re.failureCode() == CredentialVerticle.BAD_JOB) {
                        return Future.failedFuture(new FlowException(Failure.INVALID_REQUEST));
                    }
                    if (err instanceof ReplyException re && re.failureCode() == CredentialVerticle.FAULT) {
                        return Future.failedFuture(new IllegalStateException(re.getMessage()));
                    }
                    return Future.failedFuture(new FlowException(Failure.UNAVAILABLE, Map.of(), retryAfter));
                });
    }

    /** The outcome of a check; {@code outdated} asks for a re-hash with today's parameters. */
    public record Verdict(boolean ok, boolean outdated) implements LocalMessage {}
}
