package dev.kordon.load;

import dev.kordon.load.Recorder.Sample;
import dev.kordon.load.Recorder.Stats;
import dev.kordon.load.Report.Target;
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
 * The cost of the SIM swap check: the SMS sign-in by the same closed loop, on the Kordon measured
 * all along (no check) and on a second Kordon over the same Postgres and Redis with
 * {@code sim-swap.url} pointed at {@link CamaraStandIn}, alternated round by round (the order
 * swapped each round) so both see the same machine. Every number is fresh, so every code costs a
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
        KordonProcess off = target.kordon();
        if (off == null) {
            block.note("sms sign-in with the SIM swap check: skipped with --url (the harness starts the second Kordon)");
            return;
        }
        double seconds = cfg.seconds(10, 2);
        double warmUp = cfg.seconds(5, 1);
        int from = cfg.accounts();
        int to = from + (int) Math.ceil(NUMBERS_PER_SECOND * (warmUp + 2 * cfg.rounds() * seconds));
        Seeder.seedRange(target.pgUrl(), hashFile, from, to);
        pool.share(SHARE, from, to);

        long latency = cfg.simSwapLatencyMs();
        CamaraStandIn camara = open.remember(new CamaraStandIn(latency));
        KordonProcess on = open.remember(startChecking(off, camara));
        RssSampler onRss = open.remember(new RssSampler(on.process.pid()));
        block.note("sim swap pair: a second Kordon (pid " + on.process.pid() + ", log " + on.log
                + ") on the same Postgres and Redis with KORDON_SIM_SWAP_URL=" + camara.root()
                + "/sim-swap/v2 (client credentials, client_secret_basic); the stand-in answers swapped:false after "
                + latency + " ms; numbers +37533" + String.format("%07d", from) + ".. fresh each, so no cached answer");
        // The checking Kordon starts cold; the other has run every scenario before this one.
        gatling.run(Plan.closed(Plan.Kind.SMS_PAIR, on.baseUrl, pool, sms, users, warmUp), "sms pair warm-up", onRss, on);

        long checksBefore = camara.checksAnswered.get();
        long deliveredOn = 0;
        for (int round = 0; round < cfg.rounds(); round++) {
            Scenario first;
            Scenario second;
            boolean offFirst = round % 2 == 0;
            first = measure(offFirst ? off : on, pool, sms, users, seconds, offFirst ? "off" : "on", null);
            second = measure(offFirst ? on : off, pool, sms, users, seconds, offFirst ? "on" : "off", onRss);
            Scenario without = offFirst ? first : second;
            Scenario with = offFirst ? second : first;
            deliveredOn += named(with, "sms delivered").size();
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
        on.close();
        block.blocked(on.blockedWarnings());
        finish(block);
    }

    private Scenario measure(
            KordonProcess kordon, Pool pool, SmsStandIn sms, int users, double seconds, String check, RssSampler rss) {
        return gatling.run(
                Plan.closed(Plan.Kind.SMS_PAIR, kordon.baseUrl, pool, sms, users, seconds),
                "sms sign-in, sim swap check " + check,
                rss,
                kordon);
    }

    private void record(ReportBlock block, Scenario without, Scenario with, int users) {
        int round = rounds.size() + 1;
        double[] off = figures(block, without, "off", round, users);
        double[] on = figures(block, with, "on", round, users);
        rounds.add(new double[] {off[0], on[0], off[1], on[1]});
    }

    /** Sign-ins/s and the median delivery time of one run, with a row each. */
    private double[] figures(ReportBlock block, Scenario run, String check, int round, int users) {
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
        return new double[] {st.okRate(), dt.p50()};
    }

    private void finish(ReportBlock block) {
        double[] rate = rounds.stream().mapToDouble(r -> r[1] / r[0]).toArray();
        double[] later = rounds.stream().mapToDouble(r -> r[3] - r[2]).toArray();
        StringBuilder per = new StringBuilder();
        for (int i = 0; i < rate.length; i++) {
            per.append(i > 0 ? ", " : "").append(Report.fmt2(rate[i]));
        }
        double ratio = Recorder.median(rate);
        double laterMs = Recorder.median(later);
        figures.put("sms sign-in sim swap check on / off", ratio);
        figures.put("sms delivered p50, check on - off, ms", laterMs);
        block.extra(
                figures,
                "sms sign-in sim swap check on / off",
                Report.fmt2(ratio) + " (per round: " + per + "; SMS sign-ins/s with the check over without, same"
                        + " closed loop, alternated; the code arrives " + Report.fmt(laterMs)
                        + " ms later after the 202, median)",
                new Target("SMS sign-in with the SIM swap check >= 0.8 x without", ratio >= 0.8, Report.fmt2(ratio)));
    }

    private static List<Sample> named(Scenario run, String name) {
        return Samples.named(run, PREFIX + name);
    }

    /** The Kordon measured all along, again, with the check on: same settings, same keys, its own ports. */
    private KordonProcess startChecking(KordonProcess off, CamaraStandIn camara) throws Exception {
        Path work = off.log.getParent();
        Path secret = work.resolve("sim-swap-client-secret");
        Files.writeString(secret, camara.secret, StandardCharsets.US_ASCII);
        Map<String, String> env = new LinkedHashMap<>(off.env);
        env.put("KORDON_HTTP_PORT", Integer.toString(Stack.freePort()));
        env.put("KORDON_ADMIN_PORT", Integer.toString(Stack.freePort()));
        env.put("KORDON_SIM_SWAP_URL", camara.root() + "/sim-swap/v2");
        env.put("KORDON_SIM_SWAP_TOKEN_URL", camara.root() + "/oauth2/token");
        env.put("KORDON_SIM_SWAP_CLIENT_ID", CamaraStandIn.CLIENT_ID);
        env.put("KORDON_SIM_SWAP_CLIENT_SECRET_FILE", secret.toString());
        KordonProcess on = KordonProcess.start(jar, env,
                work.resolve("kordon-sim-swap.log"));
        on.awaitReady(Duration.ofSeconds(120));
        return on;
    }
}
