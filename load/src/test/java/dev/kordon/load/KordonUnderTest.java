package dev.kordon.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kordon a parameter set measures: started from the jar as the README runs it, on real
 * Postgres, Redis and SMTP on loopback with only the overrides below, or the one at --url.
 * {@code kordon} and {@code stack} are null for --url: the harness neither owns its process nor reads its log.
 */
record KordonUnderTest(String baseUrl, KordonProcess kordon, String pgUrl, Stack stack) {

    static KordonUnderTest start(
            Settings cfg,
            Path jar,
            Path outDir,
            int memoryKib,
            int iterations,
            SmsStandIn sms,
            Resources open,
            ReportBlock block)
            throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("KORDON_HASH_MEMORY_KIB", "" + memoryKib);
        overrides.put("KORDON_HASH_ITERATIONS", "" + iterations);
        overrides.put("KORDON_HASH_PARALLELISM", "1");
        // The operator's SMSC budget, not a per-client throttle: raised so the SMS scenario measures Kordon.
        overrides.put("KORDON_SENDING_SMS_PER_MINUTE", "1000000");
        // The admission bound the storms are judged by: handed on when the caller sets it, else Kordon's default.
        String maxWait = System.getenv("KORDON_HASH_MAX_WAIT");
        if (maxWait != null && !maxWait.isBlank()) {
            overrides.put("KORDON_HASH_MAX_WAIT", maxWait.trim());
        }
        if (cfg.url() != null) {
            block.note(
                    "target: " + cfg.url() + " (already running; its SMS provider must be http at " + sms.url() + ")");
            return new KordonUnderTest(cfg.url(), null, cfg.pgUrl(), null);
        }
        Stack stack = open.remember(Stack.start());
        Path work = Files.createDirectories(outDir.resolve("kordon-m" + memoryKib + "-t" + iterations));
        Map<String, String> env = KordonProcess.environment(
                work,
                Stack.freePort(),
                Stack.freePort(),
                stack.pgUrl(),
                stack.redisUrl(),
                "127.0.0.1",
                stack.smtp.getSmtp().getPort(),
                sms.url(),
                overrides);
        KordonProcess kordon = open.remember(KordonProcess.start(jar, env, work.resolve("kordon.log")));
        block.note("Kordon: java -jar target/kordon.jar (pid " + kordon.process.pid() + "), log "
                + work.resolve("kordon.log"));
        kordon.awaitReady(Duration.ofSeconds(120));
        overrides.forEach((k, v) -> block.note("override " + k + "=" + v));
        block.note("unchanged: per-IP and per-account throttles at their defaults; every virtual user has its own "
                + "X-Forwarded-For address (10.x.y.z), believed from 127.0.0.1 (KORDON_HTTP_TRUSTED_PROXIES)");
        return new KordonUnderTest(kordon.baseUrl, kordon, stack.pgUrl(), stack);
    }
}
