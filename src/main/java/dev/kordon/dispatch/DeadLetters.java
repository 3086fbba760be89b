package dev.kordon.dispatch;

import dev.kordon.guard.Secrets;
import dev.kordon.store.Outage;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters for the operator: messages the provider refused for good, or that no listed key
 * opens. Shown newest first, never opened for display (they hold temporary passwords and codes);
 * a redrive puts one back into the outbox, still sealed as it was, to be sent as a new message.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    /**
     * One dead letter: its id among the dead letters, its outbox id, {@code mail}, {@code sms} or {@code logout},
     * when it was accepted and set aside (epoch ms), why, and whether a listed key opens it now.
     */
    public record Letter(
            String id, String outboxId, String kind, long accepted, long dead, String reason, boolean opens) {}

    private final RedisStore redis;
    private final Secrets secrets;
    private final Outbox outbox;

    public DeadLetters(RedisStore redis, Secrets secrets, Outbox outbox) {
        this.redis = redis;
        this.secrets = secrets;
        this.outbox = outbox;
    }

    /** The newest {@code max} dead letters, newest first. */
    public Future<List<Letter>> newest(int max) {
        return redis.send(Command.XREVRANGE, redis.keys().deadLetters(), "+", "-", "COUNT", max)
                .map(r -> {
                    List<Letter> out = new ArrayList<>();
                    if (r != null) {
                        for (Response entry : r) {
                            out.add(letter(entry.get(0).toString(), fields(entry)));
                        }
                    }
                    return out;
                });
    }

    /**
     * Sends a dead letter again: true once it is back in the outbox, false when there is no such
     * dead letter (gone already: a second click, another operator). It leaves the dead letters
     * before it enters the outbox, so two redrives of one letter never send it twice; should the
     * outbox refuse it, it is put back.
     */
    public Future<Boolean> redrive(String id) {
        if (id == null || !id.matches("\\d{1,20}-\\d{1,20}")) {
            return Future.succeededFuture(false);
        }
        String key = redis.keys().deadLetters();
        return redis.send(Command.XRANGE, key, id, id).compose(r -> {
            if (r == null || r.size() == 0) {
                return Future.succeededFuture(false);
            }
            JsonObject fields = fields(r.get(0));
            return redis.send(Command.XDEL, key, id).compose(deleted -> {
                if (deleted.toInteger() == 0) {
                    return Future.succeededFuture(false);
                }
                String kind = Delivery.kindOf(fields.getString("k"));
                return outbox.enqueueSealed(kind, fields.getString("p", ""))
                        .map(outboxId -> {
                            LOG.info("outbox: dead letter " + id + " (" + kind + ") sent again as " + outboxId);
                            return true;
                        })
                        .recover(err -> Outage.unconfirmed(err)
                                // In the outbox after all, if not yet on a replica: back here it would go out twice.
                                ? Future.failedFuture(err)
                                : putBack(key, fields).transform(x -> Future.failedFuture(err)));
            });
        });
    }

    private Future<Response> putBack(String key, JsonObject fields) {
        List<Object> args = new ArrayList<>(List.of(key, "*"));
        fields.forEach(e -> {
            args.add(e.getKey());
            args.add(String.valueOf(e.getValue()));
        });
        return redis.send(Command.XADD, args.toArray());
    }

    private Letter letter(String id, JsonObject f) {
        boolean opens;
        try {
            secrets.open(f.getString("p", ""));
            opens = true;
        } catch (Exception e) {
            opens = false;
        }
        return new Letter(
                id,
                f.getString("id", ""),
                f.getString("k", ""),
                number(f.getString("t")),
                number(f.getString("dead")),
                f.getString("reason", ""),
                opens);
    }

    private static long number(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static JsonObject fields(Response entry) {
        JsonObject fields = new JsonObject();
        Response kv = entry.get(1);
        for (int i = 0; kv != null && i + 1 < kv.size(); i += 2) {
            fields.put(kv.get(i).toString(), kv.get(i + 1).toString());
        }
        return fields;
    }
}
