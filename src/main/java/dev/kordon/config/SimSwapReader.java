package dev.kordon.config;

import dev.kordon.config.KordonConfig.SimSwap;
import java.nio.file.Path;
import java.time.Duration;

/** {@code sim-swap.*}: read and checked only as far as they matter; an empty url turns the check off. */
final class SimSwapReader {
    private SimSwapReader() {}

    static SimSwap read(ConfigTree c) {
        String url = c.string("sim-swap.url").strip();
        String tokenUrl = c.string("sim-swap.token-url").strip();
        String clientId = c.string("sim-swap.client-id").strip();
        String secret = c.string("sim-swap.client-secret-file").strip();
        String key = c.string("sim-swap.private-key-file").strip();
        Duration maxAge = c.positiveDuration("sim-swap.max-age");
        // CAMARA's maxAge is whole hours, 1 to 2400.
        if (maxAge.toMinutes() % 60 != 0 || maxAge.toHours() < 1 || maxAge.toHours() > 2400) {
            throw c.error("sim-swap.max-age", "whole hours from 1h to 2400h (CAMARA's maxAge)");
        }
        String onError = c.string("sim-swap.on-error").strip();
        if (!onError.equals("deny") && !onError.equals("allow")) {
            throw c.error("sim-swap.on-error", "deny or allow");
        }
        SimSwap s = new SimSwap(
                url.replaceAll("/+$", ""),
                tokenUrl,
                clientId,
                secret.isEmpty() ? null : Path.of(secret),
                key.isEmpty() ? null : Path.of(key),
                maxAge,
                c.positiveDuration("sim-swap.timeout"),
                c.positiveDuration("sim-swap.cache-ttl"),
                onError.equals("allow"),
                c.integer("sim-swap.breaker.failures", 1, 1000),
                c.positiveDuration("sim-swap.breaker.reset"),
                c.integer("sim-swap.connections", 1, 4096));
        if (url.isEmpty()) {
            return s;
        }
        if (!url.matches("https?://[^\\s]+")) {
            throw c.error("sim-swap.url", "an http(s) URL, the API root that /check is under");
        }
        if (!tokenUrl.matches("https?://[^\\s]+")) {
            throw c.error(
                    "sim-swap.token-url", "the http(s) URL of the OAuth 2.0 token endpoint when sim-swap.url is set");
        }
        if (clientId.isEmpty()) {
            throw c.error("sim-swap.client-id", "the client id at the SIM swap service when sim-swap.url is set");
        }
        if ((s.clientSecretFile() == null) == (s.privateKeyFile() == null)) {
            throw c.error(
                    "sim-swap.client-secret-file",
                    "a file with the client secret, or sim-swap.private-key-file for private_key_jwt: exactly one");
        }
        return s;
    }
}
