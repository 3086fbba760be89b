package dev.kordon.dispatch;

import dev.kordon.guard.Secrets;
import dev.kordon.store.RedisStore;
import dev.kordon.store.Scripts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;

/**
 * Seals again under the newest key of {@code secrets.keys} whatever is kept sealed at rest: the
 * outbox stream and its dead letters (nothing else is sealed). Each entry is swapped for its copy
 * in one Lua step ({@code reseal.lua}), so it is safe beside running instances and safe to run
 * again: what is sealed under the newest key already is left as it is. An outbox entry a
 * dispatcher may be sending just now is skipped and counted; a later run takes it.
 */
public final class Resealer {
    private static final int PAGE = 100;

    /** What a run did, per stream. */
    public record Counts(int resealed, int current, int busy, int unopened) {
        Counts plus(Counts o) {
            return new Counts(resealed + o.resealed, current + o.current, busy + o.busy, unopened + o.unopened);
        }

        /** Whether everything is now sealed under the newest key. */
        public boolean complete() {
            return busy == 0 && unopened == 0;
        }

        @Override
        public String toString() {
            return resealed + " resealed, " + current + " under the newest key already, " + busy
                    + " being sent (run again), " + unopened + " no listed key opens";
        }
    }

    public record Report(Counts outbox, Counts deadLetters) {}

    private final RedisStore redis;
    private final Secrets secrets;
    private final Duration held;

    /** {@code held}: dispatch.claim-after; an outbox entry idle less may be in a dispatcher's hands. */
    public Resealer(RedisStore redis, Secrets secrets, Duration held) {
        this.redis = redis;
        this.secrets = secrets;
        this.held = held;
    }

    public Future<Report> run() {
        return stream(redis.keys().outbox(), Outbox.GROUP)
                .compose(outbox -> stream(redis.keys().deadLetters(), "").map(dead -> new Report(outbox, dead)));
    }

    /** Up to the stream's last entry as it is now: the copies appended behind it are not read again. */
    private Future<Counts> stream(String key, String group) {
        return redis.send(Command.XREVRANGE, key, "+", "-", "COUNT", "1").compose(last -> {
            if (last == null || last.size() == 0) {
                return Future.succeededFuture(new Counts(0, 0, 0, 0));
            }
            return page(key, group, "-", last.get(0).get(0).toString(), new Counts(0, 0, 0, 0));
        });
    }

    private Future<Counts> page(String key, String group, String from, String end, Counts sofar) {
        return redis.send(Command.XRANGE, key, from, end, "COUNT", PAGE).compose(entries -> {
            if (entries == null || entries.size() == 0) {
                return Future.succeededFuture(sofar);
            }
            Future<Counts> chain = Future.succeededFuture(sofar);
            for (Response entry : entries) {
                chain = chain.compose(c -> one(key, group, entry).map(c::plus));
            }
            String next = "(" + entries.get(entries.size() - 1).get(0).toString();
            return entries.size() < PAGE ? chain : chain.compose(c -> page(key, group, next, end, c));
        });
    }

    private Future<Counts> one(String key, String group, Response entry) {
        String id = entry.get(0).toString();
        JsonObject fields = new JsonObject();
        Response kv = entry.get(1);
        for (int i = 0; i + 1 < kv.size(); i += 2) {
            fields.put(kv.get(i).toString(), kv.get(i + 1).toString());
        }
        String sealed = fields.getString("p", "");
        if (secrets.sealedUnderNewest(sealed)) {
            return Future.succeededFuture(new Counts(0, 1, 0, 0));
        }
        String again;
        try {
            again = secrets.seal(secrets.open(sealed));
        } catch (Exception e) {
            // Left as it is: the dispatcher sets it aside as a dead letter, where a redrive can send it later.
            return Future.succeededFuture(new Counts(0, 0, 0, 1));
        }
        return redis.eval(
                        Scripts.RESEAL, List.of(key), List.of(group, id, sealed, again, Long.toString(held.toMillis())))
                .map(r -> switch (r.get(0).toInteger()) {
                    case 1 -> new Counts(1, 0, 0, 0);
                    case -1 -> new Counts(0, 0, 1, 0);
                    // Gone meanwhile (sent, or resealed by a run beside this one): nothing left to do.
                    default -> new Counts(0, 0, 0, 0);
                });
    }
}
