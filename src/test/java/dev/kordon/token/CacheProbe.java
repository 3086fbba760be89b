package dev.kordon.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.Rig;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the verify-cache tests look at on an instance: its cache, its answers, and the Redis work behind them. */
final class CacheProbe {
    private CacheProbe() {}

    static VerifiedTokens cacheOf(Rig rig) {
        return rig.running.wiring().verifiedTokens();
    }

    /** /auth/verify's status for a bearer token or a session cookie. */
    static int verify(Rig rig, String credential) {
        return rig.get("/auth/verify", credential).statusCode();
    }

    /** How often the shared Redis has run {@code command}: the slow path runs one per check, the cache none. */
    static long redisCalls(Rig rig, String command) {
        String stats = Rig.await(rig.running.wiring().redis().send(Command.INFO, "commandstats"))
                .toString();
        Matcher m = Pattern.compile("cmdstat_" + command.toLowerCase(Locale.ROOT) + ":calls=(\\d+)")
                .matcher(stats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * Every command the shared Redis has run, whatever it is, except those named in {@code except}
     * (the probe's own INFO, the instances' heartbeat PUBLISH while they run).
     */
    static long redisCallsExcept(Rig rig, java.util.Set<String> except) {
        String stats = Rig.await(rig.running.wiring().redis().send(Command.INFO, "commandstats"))
                .toString();
        Matcher m = Pattern.compile("cmdstat_([a-z|_-]+):calls=(\\d+)").matcher(stats);
        long total = 0;
        int kinds = 0;
        while (m.find()) {
            kinds++;
            if (!except.contains(m.group(1))) {
                total += Long.parseLong(m.group(2));
            }
        }
        assertThat(kinds).as("commands read from INFO commandstats").isPositive();
        return total;
    }

    static boolean within(long ms, BooleanSupplier condition) {
        return Await.until(Duration.ofMillis(ms), condition);
    }

    static void awaitLive(Rig rig) {
        assertThat(within(5_000, () -> cacheOf(rig).isLive()))
                .as("revocation feed live")
                .isTrue();
    }
}
