package dev.kordon.guard;

import dev.kordon.store.Outage;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * What one request has counted against its limits so far, each with how to give it back. When the
 * request then fails through an outage (Postgres or Redis out of reach, a deadline), everything is
 * given back: the server's fault must not read as the person's. A message written to the outbox but
 * not confirmed by enough replicas is the exception: it may still go out, so it stays counted. One request's futures complete on
 * its own context, one at a time.
 */
public final class Spent {
    private final List<Runnable> giveBacks = new ArrayList<>();

    /** {@code hit}, and once it has counted, {@code giveBack} on the list. */
    public <T> Future<T> counted(Future<T> hit, Runnable giveBack) {
        return hit.onSuccess(v -> giveBacks.add(giveBack));
    }

    public void add(Runnable giveBack) {
        giveBacks.add(giveBack);
    }

    /** The request's outcome, unchanged; on an outage everything counted is given back first. */
    public <T> Future<T> settle(Future<T> outcome) {
        return outcome.onFailure(err -> {
            // An unconfirmed outbox write may still be sent: giving back would make each retry a free message.
            if (Outage.of(err) && !Outage.unconfirmed(err)) {
                giveBacks.forEach(Runnable::run);
                giveBacks.clear();
            }
        });
    }
}
