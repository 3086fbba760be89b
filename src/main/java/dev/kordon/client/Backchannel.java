package dev.kordon.client;

import dev.kordon.dispatch.Delivery;
import dev.kordon.dispatch.Outbox;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenID Connect Back-Channel Logout 1.0: which clients a person signed in to, under which browser
 * session ({@code sid}), and, when that session or all of the account's sign-ins end, a logout token
 * for each client that registered a {@code backchannel_logout_uri}. The tokens go through the durable
 * outbox, so a portal that is down gets its token when it is back. An entry is taken off before its
 * token is queued, so two endings racing send one token, not two.
 */
public final class Backchannel {
    private static final Logger LOG = LoggerFactory.getLogger(Backchannel.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisStore redis;
    private final ClientRegistry clients;
    private final Outbox outbox;
    private final Duration kept;

    /** {@code kept}: how long a sign-in can matter to a client, its refresh family's longest life. */
    public Backchannel(RedisStore redis, ClientRegistry clients, Outbox outbox, Duration kept) {
        this.redis = redis;
        this.clients = clients;
        this.outbox = outbox;
        this.kept = kept;
    }

    /** {@code clientId} was issued tokens for the account's browser session {@code sid} (null: none known). */
    public Future<Void> signedIn(UUID account, String clientId, String sid) {
        String key = redis.keys().oidcRelyingParties(account);
        long until = System.currentTimeMillis() + kept.toMillis();
        return redis.send(Command.HSET, key, clientId + " " + (sid == null ? "" : sid), Long.toString(until))
                .compose(r -> redis.send(Command.PEXPIRE, key, Long.toString(kept.toMillis())))
                .mapEmpty();
    }

    /** The browser session {@code sid} ended: its clients are told. How many tokens were queued. */
    public Future<Integer> sessionEnded(UUID account, String sid) {
        return sid == null ? Future.succeededFuture(0) : tell(account, sid::equals);
    }

    /** Every sign-in of the account ended (password changed, disabled, role changed): all its clients are told. */
    public Future<Integer> accountEnded(UUID account) {
        return tell(account, sid -> true);
    }

    /**
     * Queues a logout token for each entry whose session {@code ends}; never fails the ending it
     * follows: what ended has ended, and a token that could not be queued is logged.
     */
    private Future<Integer> tell(UUID account, Predicate<String> ends) {
        String key = redis.keys().oidcRelyingParties(account);
        long now = System.currentTimeMillis();
        return redis.send(Command.HGETALL, key)
                .compose(all -> {
                    List<Future<Boolean>> told = new ArrayList<>();
                    // RESP2: field, value, field, value…
                    for (int i = 0; all != null && i + 1 < all.size(); i += 2) {
                        String field = all.get(i).toString();
                        String[] entry = field.split(" ", 2);
                        String sid = entry.length < 2 || entry[1].isEmpty() ? null : entry[1];
                        boolean live = parse(all.get(i + 1)) > now;
                        if (!live || ends.test(sid == null ? "" : sid)) {
                            told.add(redis.send(Command.HDEL, key, field)
                                    .compose(n -> live && n != null && n.toInteger() == 1
                                            ? queue(account, entry[0], sid)
                                            : Future.succeededFuture(false)));
                        }
                    }
                    return Future.all(told)
                            .map(f -> (int) told.stream().filter(Future::result).count());
                })
                .recover(err -> {
                    LOG.warn("back-channel logout for an account not queued: " + err.getMessage());
                    return Future.succeededFuture(0);
                });
    }

    /** One logout token for {@code clientId}, if it still exists and registered where to send it. */
    private Future<Boolean> queue(UUID account, String clientId, String sid) {
        return clients.find(clientId).compose(found -> {
            String uri = found.map(OidcClient::backchannelLogoutUri).orElse(null);
            if (uri == null) {
                return Future.succeededFuture(false);
            }
            JsonObject message = new JsonObject()
                    .put("kind", Delivery.LOGOUT)
                    .put("to", uri)
                    .put("client_id", clientId)
                    .put("sub", account.toString())
                    .put("sid", sid)
                    .put("jti", jti());
            return outbox.enqueue(message).map(true);
        });
    }

    private static long parse(Response r) {
        try {
            return r == null ? 0 : Long.parseLong(r.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String jti() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
