package dev.kordon.simswap;

import dev.kordon.account.Account;
import dev.kordon.account.AccountRepository;
import dev.kordon.account.PhoneFormat;
import dev.kordon.audit.Audit;
import dev.kordon.dispatch.Letters;
import dev.kordon.dispatch.Outbox;
import dev.kordon.guard.Secrets;
import dev.kordon.guard.SmsCodes;
import dev.kordon.ops.Metrics;
import dev.kordon.store.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the network's SIM swap events do. A swap is an account takeover in progress: for every
 * account on the number, in any category that signs in by phone, every credential ends on every
 * instance, the number's live SMS code dies, sign-in by SMS code is refused until the swap is
 * {@code maxAge} old ({@link SwapMarks}), the organisation is mailed and the event audited. An event
 * acts once: its id (with its source) is remembered for {@code maxAge}, and forgotten again when
 * acting failed part-way, so the network's retry acts in full.
 */
public final class SwapEvents {
    private static final Logger LOG = LoggerFactory.getLogger(SwapEvents.class);

    /** What Kordon did with an event; the metric's label. */
    public enum Outcome {
        SWAPPED,
        DUPLICATE,
        SUBSCRIPTION_ENDED,
        IGNORED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Ends every credential of one account on every instance: refresh families, access tokens (the
     * epoch, announced) and browser sessions. The sessions flow's, handed in: this package sits below it.
     */
    @FunctionalInterface
    public interface Ending {
        Future<Void> endAll(UUID account);
    }

    /** What an event acts on: the accounts and codes of a number, its mark, and Redis for the event ids. */
    public record Parts(
            PhoneFormat phones,
            List<String> phoneCategories,
            AccountRepository accounts,
            SmsCodes codes,
            RedisStore redis,
            Secrets secrets,
            Duration maxAge) {}

    /** Where an event is told: the audit trail, the organisation's mail, the metrics. */
    public record Told(Audit audit, Outbox outbox, Letters letters, Metrics metrics) {}

    private final Parts parts;
    private final Told told;
    private final Ending ending;
    private final SwapMarks marks;

    public SwapEvents(Parts parts, Told told, Ending ending) {
        this.parts = parts;
        this.told = told;
        this.ending = ending;
        this.marks = new SwapMarks(parts.redis(), parts.secrets());
        told.metrics()
                .simSwapOutcomes(
                        Arrays.stream(Outcome.values()).map(Outcome::label).toList());
    }

    /** Acts on the event once; {@code ip}: who pushed it. A failure leaves it to be delivered again. */
    public Future<Outcome> receive(SwapEvent event, String ip) {
        RedisStore redis = parts.redis();
        String seen =
                redis.keys().simSwapEvent(parts.secrets().keyedHash("sim-swap-event", event.source(), event.id()));
        return redis.send(
                        Command.SET,
                        seen,
                        "1",
                        "NX",
                        "PX",
                        Long.toString(parts.maxAge().toMillis()))
                .compose(first -> first == null
                        ? Future.succeededFuture(Outcome.DUPLICATE)
                        : act(event, ip)
                                .recover(err -> redis.send(Command.DEL, seen)
                                        .transform(x -> Future.<Outcome>failedFuture(err))))
                .onSuccess(outcome -> told.metrics().simSwapEvent(outcome.label()));
    }

    private Future<Outcome> act(SwapEvent event, String ip) {
        if (SwapEvent.SWAPPED.equals(event.type())) {
            return swapped(event, ip).map(Outcome.SWAPPED);
        }
        if (SwapEvent.ENDED.equals(event.type())) {
            // No more swaps will be heard of until the subscription is made again: the operator must know.
            LOG.warn("the network ended the SIM swap event subscription ("
                    + event.data().getString("terminationReason")
                    + "): no swap events will arrive until it is subscribed again");
            told.audit()
                    .record(
                            Audit.SIM_SWAP_SUBSCRIPTION_ENDED,
                            null,
                            null,
                            null,
                            ip,
                            new JsonObject()
                                    .put("event_id", event.id())
                                    .put("subscription_id", event.data().getString("subscriptionId"))
                                    .put("reason", event.data().getString("terminationReason")));
            return Future.succeededFuture(Outcome.SUBSCRIPTION_ENDED);
        }
        LOG.info("SIM swap event of type " + event.type() + " ignored");
        return Future.succeededFuture(Outcome.IGNORED);
    }

    /**
     * The mark first, so that from this moment no code is made for the number; then the live codes die;
     * then each account's credentials end, and its organisation hears of it.
     */
    private Future<Void> swapped(SwapEvent event, String ip) {
        // The number as logins are stored; one Kordon does not serve is still marked, for no account.
        String number = parts.phones().parse(event.phoneNumber()).orElse(event.phoneNumber());
        Duration left = refusedFor(event.time());
        Future<Void> marked = left.isZero() ? Future.succeededFuture() : marks.mark(number, left);
        return marked.compose(v -> Future.all(parts.phoneCategories().stream()
                        .map(c -> parts.codes().discard(c, number))
                        .toList()))
                .compose(v -> onNumber(number))
                .compose(accounts -> {
                    if (accounts.isEmpty()) {
                        told.audit().record(Audit.SIM_SWAP_EVENT, null, null, null, ip, detail(event, left));
                    }
                    return Future.all(accounts.stream()
                            .map(a -> ended(a, event, left, ip))
                            .toList());
                })
                .mapEmpty();
    }

    private Future<Void> ended(Account a, SwapEvent event, Duration left, String ip) {
        return ending.endAll(a.id()).compose(v -> {
            told.audit().record(Audit.SIM_SWAP_EVENT, a.id(), a.category(), a.login(), ip, detail(event, left));
            if (a.email() == null || a.email().isBlank()) {
                return Future.succeededFuture();
            }
            try {
                return told.outbox()
                        .enqueue(told.letters().simSwapEventMail(a, parts.maxAge()))
                        .mapEmpty();
            } catch (Exception e) {
                return Future.failedFuture(e);
            }
        });
    }

    /** Every account on the number, in each category that signs in by phone. */
    private Future<List<Account>> onNumber(String number) {
        List<Future<Optional<Account>>> found = parts.phoneCategories().stream()
                .map(c -> parts.accounts().find(c, number))
                .toList();
        return Future.all(found).map(all -> {
            List<Account> out = new ArrayList<>();
            found.forEach(f -> f.result().ifPresent(out::add));
            return out;
        });
    }

    /** How long from now SMS sign-in stays refused: until the swap is maxAge old; a time ahead counts as now. */
    private Duration refusedFor(Instant swappedAt) {
        Duration since = Duration.between(swappedAt, Instant.now());
        Duration left = parts.maxAge().minus(since.isNegative() ? Duration.ZERO : since);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static JsonObject detail(SwapEvent event, Duration left) {
        return new JsonObject()
                .put("event_id", event.id())
                .put("source", event.source())
                .put("swapped_at", event.time().toString())
                .put("credentials_ended", true)
                .put("sms_refused_until", Instant.now().plus(left).toString());
    }
}
