package dev.kordon.load;

import dev.kordon.load.Recorder.Sample;
import dev.kordon.load.Recorder.Stats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cost of the SIM swap check: the SMS sign-in by the same closed loop on two more Kordons over
 * the same Postgres and Redis, started and warmed alike, one with {@code sim-swap.url} pointed at
 * {@link CamaraStandIn}, alternated round by round (the order swapped each round) so both see the
 * same machine. Every number is fresh, so every code costs a
 * check at the service: the answer cache never helps, the worst case. The figure is the median over
 * the rounds of sign-ins/s with the check over sign-ins/s without, beside how much later the code
 * arrives after the 202 (the check runs after the answer).
 */
final class SimSwapPair {
    static final String PREFIX = "pair ";
    private static final String SHARE = PREFIX + "sms";
    /** Numbers per second of a run the share is sized for: above any SMS rate this harness has seen. */
    private static final int NUMBERS_PER_SECOND = 1000;

    private final Settings cfg;
    private final GatlingRun gatling;
    private final Resources open;
    private final Path jar;
    private final List<double[]> rounds = new ArrayList<>();
    private final Map<String, Double> figures = new LinkedHashMap<>();

    SimSwapPair(Settings cfg, GatlingRun gatling, Resources open, Path jar) {
        this.cfg = cfg;
        this.gatling = gatling;
        this.open = open;
        this.jar = jar;
    }

    void run(KordonUnderTest target, Pool pool, SmsStandIn sms, Path hashFile, int users, ReportBlock block)
            throws Exception {
        KordonProcess measured = target.kordon();
        if (measured == null) {
            block.note("sms sign-in with the SIM swap check: skipped with --url (the harness starts two Kordons)");
            return;
        }
        double seconds = cfg.seconds(10, 2);
        double warmUp = cfg.seconds(10, 1);
        int from = cfg.accounts();
        int to = from + (int) Math.ceil(NUMBERS_PER_SECOND * (2 * warmUp + 2 * cfg.rounds() * seconds));
        Seeder.seedRange(target.pgUrl(), hashFile, from, to);
        pool.share(SHARE, from, to);

        long latency = cfg.simSwapLatencyMs();
        CamaraStandIn camara = open.remember(new CamaraStandIn(latency));
        // Two Kordons started alike, so neither has compiled more of the SMS path than the other.
        KordonProcess off = open.remember(start(measured, null, "kordon-sms-off.log"));
        KordonProcess on = open.remember(start(measured, camara, "kordon-sim-swap.log"));
        RssSampler offRss = open.remember(new RssSampler(off.process.pid()));
        RssSampler onRss = open.remember(new RssSampler(on.process.pid()));
        block.note("sim swap pair: two more Kordons on the same Postgres and Redis, started alike (pids "
                + off.process.pid() + " without, " + on.process.pid() + " with the check; log " + on.log
                + "), the second with KORDON_SIM_SWAP_URL=" + camara.root()
                + "/sim-swap/v2 (client credentials, client_secret_basic); the stand-in answers swapped:false after "
                + latency + " ms; numbers +37533" + String.format("%07d", from) + ".. fresh each, so no cached answer");
        gatling.run(
                Plan.closed(Plan.Kind.SMS_PAIR, off.baseUrl, pool, sms, users, warmUp),
                "sms pair warm-up",
                offRss,
                off);
        gatling.run(
                Plan.closed(Plan.Kind.SMS_PAIR, on.baseUrl, pool, sms, users, warmUp), "sms pair warm-up", onRss, on);

        long checksBefore = camara.checksAnswered.get();
        long deliveredOn = 0;
        for (int round = 0; round < cfg.rounds(); round++) {
            boolean offFirst = round % 2 == 0;
            Run first = offFirst
                    ? measure(off, pool, sms, users, seconds, "off", offRss)
                    : measure(on, pool, sms, users, seconds, "on", onRss);
            Run second = offFirst
                    ? measure(on, pool, sms, users, seconds, "on", onRss)
                    : measure(off, pool, sms, users, seconds, "off", offRss);
            Run without = offFirst ? first : second;
            Run with = offFirst ? second : first;
            deliveredOn += named(with.scenario(), "sms delivered").size();
            record(block, without, with, users);
        }
        long checks = camara.checksAnswered.get() - checksBefore;
        block.note("sim swap pair: the service answered " + checks + " checks for the " + deliveredOn
                + " codes delivered with the check on (" + camara.tokensIssued.get() + " token(s) issued, "
                + camara.refused.get() + " requests refused)");
        if (checks < deliveredOn || camara.refused.get() > 0) {
            block.bad.add("sim swap pair: " + checks + " checks answered for " + deliveredOn + " codes, "
                    + camara.refused.get() + " refused: a code went out without a check");
        }
        if (pool.left(SHARE) == 0) {
            block.note("sim swap pair: the share of fresh numbers ran out; the later runs' rates are understated");
        }
        off.close();
        on.close();
        block.blocked(off.blockedWarnings() + on.blockedWarnings());
        finish(block);
    }

    /** One run of the loop, and the CPU time the Kordon it loaded spent meanwhile. */
    private record Run(Scenario scenario, double cpuMs) {}

    private Run measure(
            KordonProcess kordon, Pool pool, SmsStandIn sms, int users, double seconds, String check, RssSampler rss) {
        double before = cpuMs(kordon);
        Scenario run = gatling.run(
                Plan.closed(Plan.Kind.SMS_PAIR, kordon.baseUrl, pool, sms, users, seconds),
                "sms sign-in, sim swap check " + check,
                rss,
                kordon);
        return new Run(run, cpuMs(kordon) - before);
    }

    /** The process's CPU time so far (user and system, all threads), in ms. */
    private static double cpuMs(KordonProcess kordon) {
        return kordon.process
                .info()
                .totalCpuDuration()
                .map(d -> d.toNanos() / 1e6)
                .orElse(Double.NaN);
    }

    private void record(ReportBlock block, Run without, Run with, int users) {
        int round = rounds.size() + 1;
        double[] off = figures(block, without, "off", round, users);
        double[] on = figures(block, with, "on", round, users);
        rounds.add(new double[] {off[0], on[0], off[1], on[1], off[2], on[2]});
    }

    /** Sign-ins/s, the median delivery time and Kordon's CPU ms per sign-in of one run, with a row each. */
    private double[] figures(ReportBlock block, Run measured, String check, int round, int users) {
        Scenario run = measured.scenario();
        List<Sample> signIns = named(run, "sms sign-in");
        List<Sample> delivered = named(run, "sms delivered");
        Stats st = Recorder.stats(signIns, Set.of(200), false, Samples.span(signIns));
        Stats dt = Recorder.stats(delivered, Set.of(200), false, Samples.span(delivered));
        String offered = "closed, " + users + " users";
        block.row("sms sign-in, check " + check + " #" + round, offered, st, run.peakRssMb(), run);
        block.row("sms delivered after 202, check " + check + " #" + round, offered, dt, Double.NaN, run);
        block.expect("sms sign-in, check " + check, st);
        figures.put("sms sign-in check " + check + " rate #" + round, st.okRate());
        figures.put("sms delivered check " + check + " p50 #" + round, dt.p50());
        double cpuPerSignIn = st.ok() == 0 ? Double.NaN : measured.cpuMs() / st.ok();
        figures.put("kordon cpu ms per sms sign-in check " + check + " #" + round, cpuPerSignIn);
        return new double[] {st.okRate(), dt.p50(), cpuPerSignIn};
    }

    private void finish(ReportBlock block) {
        double[] rate = rounds.stream().mapToDouble(r -> r[1] / r[0]).toArray();
        double[] later = rounds.stream().mapToDouble(r -> r[3] - r[2]).toArray();
        double[] cpu = rounds.stream().mapToDouble(r -> r[5] / r[4]).toArray();
        StringBuilder per = new StringBuilder();
        for (int i = 0; i < rate.length; i++) {
            per.append(i > 0 ? ", " : "").append(Report.fmt2(rate[i]));
        }
        double ratio = Recorder.median(rate);
        double laterMs = Recorder.median(later);
        double cpuRatio = Recorder.median(cpu);
        figures.put("sms sign-in sim swap check on / off", ratio);
        figures.put("sms delivered p50, check on - off, ms", laterMs);
        figures.put("kordon cpu per sms sign-in, check on / off", cpuRatio);
        block.extra(
                figures,
                "sms sign-in sim swap check on / off",
                Report.fmt2(ratio) + " (per round: " + per + "; SMS sign-ins/s with the check over without, same"
                        + " closed loop, alternated; the code arrives " + Report.fmt(laterMs)
                        + " ms later after the 202, median; Kordon's CPU per sign-in " + Report.fmt2(cpuRatio)
                        + " x; the stand-in, Gatling and both Kordons share the cores)",
                // No target: what the check costs depends on the service's answer time, not on Kordon alone.
                null);
    }

    private static List<Sample> named(Scenario run, String name) {
        return Samples.named(run, PREFIX + name);
    }

    /**
     * The Kordon measured all along, again: same settings and keys, its own ports, and with
     * {@code camara} the SIM swap check pointed at it.
     */
    private KordonProcess start(KordonProcess measured, CamaraStandIn camara, String logName) throws Exception {
        Path work = measured.log.getParent();
        Map<String, String> env = new LinkedHashMap<>(measured.env);
        env.put("KORDON_HTTP_PORT", Integer.toString(Stack.freePort()));
        env.put("KORDON_ADMIN_PORT", Integer.toString(Stack.freePort()));
        if (camara != null) {
            Path secret = work.resolve("sim-swap-client-secret");
            Files.writeString(secret, camara.secret, StandardCharsets.US_ASCII);
            env.put("KORDON_SIM_SWAP_URL", camara.root() + "/sim-swap/v2");
            env.put("KORDON_SIM_SWAP_TOKEN_URL", camara.root() + "/oauth2/token");
            env.put("KORDON_SIM_SWAP_CLIENT_ID", CamaraStandIn.CLIENT_ID);
            env.put("KORDON_SIM_SWAP_CLIENT_SECRET_FILE", secret.toString());
        }
        KordonProcess kordon = KordonProcess.start(jar, env, work.resolve(logName));
        kordon.awaitReady(Duration.ofSeconds(120));
        return kordon;
    }
}
