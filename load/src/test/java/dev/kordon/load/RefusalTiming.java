package dev.kordon.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sign-in refusals timed from outside, one at a time: a wrong password for a seeded login against a
 * login with no account, at the run's Argon2id parameters. Kordon checks a missing account against
 * a dummy hash so that both cost the same; what a client can see of that is the two medians and
 * their difference. Interleaved, the order swapped every pair, so the machine's drift and whatever
 * the first of two requests pays hit both sides alike.
 */
final class RefusalTiming {
    static final String RATIO = "sign-in refusal: wrong password - unknown login, ms (medians)";
    private static final String WRONG = "not-the-password-42";

    private RefusalTiming() {}

    static void measure(String baseUrl, Pool pool, boolean smoke, ReportBlock block) throws Exception {
        int warmUp = smoke ? 6 : 20;
        // The known logins are the cycled seeded accounts, at most four wrong passwords each: from
        // login.delay-after (5) on, a try would wait, and the timing would be the throttle's.
        int pairs = Math.min(smoke ? 40 : 300, 4 * Math.max(1, pool.accounts / 2) - warmUp);
        // Numbers no account has (the seeded ones are +37533...), fresh in every run: throttles count per login.
        int unknownBase = 1_000_000 + ThreadLocalRandom.current().nextInt(8_000_000);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        URI uri = URI.create(baseUrl + "/api/v1/login/password");
        int next = 0;
        for (int i = 0; i < warmUp; i++) {
            refuse(client, uri, pool.cycled(), pool.ip());
            refuse(client, uri, unknown(unknownBase, next++), pool.ip());
        }
        double[] known = new double[pairs];
        double[] unknown = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            if (i % 2 == 0) {
                known[i] = refuse(client, uri, pool.cycled(), pool.ip());
                unknown[i] = refuse(client, uri, unknown(unknownBase, next++), pool.ip());
            } else {
                unknown[i] = refuse(client, uri, unknown(unknownBase, next++), pool.ip());
                known[i] = refuse(client, uri, pool.cycled(), pool.ip());
            }
        }
        double knownMs = Recorder.median(known);
        double unknownMs = Recorder.median(unknown);
        double difference = knownMs - unknownMs;
        String text = String.format(
                Locale.ROOT,
                "%+.2f (wrong password %.2f ms, unknown login %.2f ms; medians of %d "
                        + "each, interleaved, one at a time, m=%d t=%d)",
                difference,
                knownMs,
                unknownMs,
                pairs,
                block.memoryKib,
                block.iterations);
        System.out.println("bench: " + RATIO + " " + text);
        block.extra(
                Map.of("refusal median wrong password ms", knownMs, "refusal median unknown login ms", unknownMs),
                RATIO,
                text,
                new Report.Target(
                        "sign-in refusal: medians of wrong password and unknown login within 5 ms",
                        Math.abs(difference) <= 5,
                        String.format(Locale.ROOT, "%+.2f ms", difference)));
    }

    private static String unknown(int base, int i) {
        return String.format(Locale.ROOT, "+37529%07d", base + i);
    }

    /** One refused sign-in: its time in ms. Anything but 401 (a throttle, a shed) breaks the measurement. */
    private static double refuse(HttpClient client, URI uri, String phone, String ip) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", ip)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"category\":\"mobile\",\"login\":\"" + phone + "\",\"password\":\"" + WRONG + "\"}"))
                .build();
        long t0 = System.nanoTime();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.statusCode() != 401) {
            throw new IllegalStateException(
                    "refused sign-in of " + phone + ": expected 401, got " + r.statusCode() + " " + r.body());
        }
        return ms;
    }
}
