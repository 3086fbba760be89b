package dev.kordon.load;

import static dev.kordon.load.Report.fmt;
import static dev.kordon.load.Report.fmt2;
import static dev.kordon.load.Report.fmt3;

import dev.kordon.load.Report.Target;
import dev.kordon.load.StormReport.StormRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ratios and PASS/MISS lines of one parameter set, worked out once every figure is in: the
 * targets live here, in one place, so what the benchmark promises can be read without the code
 * that gathers the figures.
 */
final class Verdicts {
    private final ReportBlock block;
    private final StormReport storms;

    private Verdicts(ReportBlock block) {
        this.block = block;
        this.storms = block.storms;
    }

    /** Ratios and targets, once every figure is in; a second call changes nothing. */
    static void finish(ReportBlock b) {
        new Verdicts(b).finish();
    }

    private void finish() {
        if (!block.targets.isEmpty() || block.spikeOk == null) {
            return;
        }
        double[] signInRounds = signInRatios();
        double signInRatio = Recorder.median(signInRounds);
        StringBuilder signInText = new StringBuilder();
        for (int i = 0; i < signInRounds.length; i++) {
            signInText.append(i > 0 ? ", " : "").append(fmt2(signInRounds[i]));
        }
        double[] perRound = new double[block.verifyRates.size()];
        StringBuilder rounds = new StringBuilder();
        for (int i = 0; i < perRound.length; i++) {
            perRound[i] = block.verifyRates.get(i) / block.helloRates.get(i);
            rounds.append(i > 0 ? ", " : "").append(fmt2(perRound[i]));
        }
        double verifyRatio = Recorder.median(perRound);
        double smsRatio = block.smsRate / block.helloMean();
        block.ratios.put(
                "sign-in / hash-only",
                fmt2(signInRatio) + " (per round: " + signInText + "; sign-ins/s of a closed loop"
                        + " that keeps every hashing thread busy, over the hash-only runs on either side of it)");
        block.ratios.put("verify / hello-world", fmt2(verifyRatio) + " (per round: " + rounds + ")");
        block.ratios.put("sms sign-in / hello-world", fmt3(smsRatio));
        block.figures.put("sign-in / hash-only", signInRatio);
        block.figures.put("verify / hello-world", verifyRatio);
        block.figures.put("sms sign-in / hello-world", smsRatio);
        target("password sign-ins >= 0.90 x hash-only rate", signInRatio >= 0.90, fmt2(signInRatio));
        target(
                "at 2x capacity: achieved >= 0.85 x capacity",
                block.spikeOk.okRate() >= 0.85 * block.capacity,
                fmt(block.spikeOk.okRate()) + "/s vs " + fmt(0.85 * block.capacity) + "/s");
        target(
                "at 2x capacity: admitted p99 <= 4 x unloaded sign-in latency",
                block.spikeOk.p99() <= 4 * block.unloadedMs,
                fmt(block.spikeOk.p99()) + " ms vs 4 x " + fmt(block.unloadedMs) + " ms");
        target(
                "shed answers (503) p99 <= 20 ms",
                block.shed.count() == 0 || block.shed.p99() <= 20,
                block.shed.count() == 0 ? "nothing shed" : fmt(block.shed.p99()) + " ms");
        target("no timeouts in the burst", block.burstAll.timeouts() == 0, block.burstAll.timeouts() + " timeouts");
        target(
                "nothing but 200 and 503 in the burst",
                block.burstAll.errors() == 0,
                block.burstAll.badStatuses().toString());
        target("/auth/verify >= 0.60 x hello-world", verifyRatio >= 0.60, fmt2(verifyRatio));
        target("SMS sign-in >= 0.02 x hello-world", smsRatio >= 0.02, fmt3(smsRatio));
        target("/health/live p99 <= 10 ms during the burst", block.health.p99() <= 10, fmt(block.health.p99()) + " ms");
        if (block.blocked >= 0) {
            target("no blocked-thread warnings", block.blocked == 0, block.blocked + " in Kordon's logs");
        }
        stormTargets();
        if (!Double.isNaN(block.overallRss)) {
            target(
                    "peak RSS < 300 MB through the burst (ramp, hold, 2x spike)",
                    block.burstRss < 300,
                    fmt(block.burstRss) + " MB");
            target("peak RSS < 300 MB over the whole run", block.overallRss < 300, fmt(block.overallRss) + " MB");
        }
        block.ratios.putAll(block.extraRatios);
        block.targets.addAll(block.extraTargets);
    }

    /** Per round: the sign-in rate over the mean of the hash-only runs just before and just after it. */
    private double[] signInRatios() {
        double[] r = new double[block.signInRates.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = block.signInRates.get(i) / ((block.hashRates.get(i) + block.hashRates.get(i + 1)) / 2);
        }
        return r;
    }

    private void stormTargets() {
        double hashRef = storms.stormHashOnly();
        double oneHashMs = 1000.0 * block.hashThreads / hashRef;
        double maxWaitMs = maxWaitMs();
        for (StormRow r : storms.rows) {
            if (!r.target().equals("Kordon")) {
                continue;
            }
            String what = r.clients() > 0 ? r.clients() + " closed-loop clients" : (-r.clients()) + "x open load";
            target(
                    "goodput >= 0.90 x hash-only at " + what,
                    r.okRate() >= 0.90 * hashRef,
                    fmt(r.okRate()) + "/s vs " + fmt(hashRef) + "/s = " + fmt2(r.okRate() / hashRef));
            target(
                    "admitted p99 <= hash.max-wait + one hash at " + what,
                    r.okP99() <= maxWaitMs + oneHashMs,
                    fmt(r.okP99()) + " ms vs " + fmt(maxWaitMs) + " + " + fmt(oneHashMs) + " ms");
            target(
                    "shed p99 <= 20 ms at " + what,
                    Double.isNaN(r.shedP99()) || r.shedP99() <= 20,
                    Double.isNaN(r.shedP99()) ? "nothing shed" : fmt(r.shedP99()) + " ms");
            target(
                    "nothing but 200 and 503 at " + what,
                    r.otherRate() == 0 && r.errors() == 0,
                    "other statuses " + r.otherStatuses() + ", " + r.errors() + " timeouts/socket errors");
            if (r.clients() == 16) {
                target(
                        "zero non-200 at 16 clients",
                        r.shedRate() == 0 && r.otherRate() == 0 && r.errors() == 0,
                        fmt(r.shedRate()) + " 503/s, " + fmt(r.otherRate()) + " other/s, " + r.errors() + " errors");
            }
        }
        List<StormRow> kc = storms.closedStorms("Keycloak");
        if (!kc.isEmpty()) {
            target(
                    "Keycloak's stored credential has the same Argon2id parameters",
                    storms.keycloakSame,
                    storms.keycloakSame ? "yes" : "no");
            for (StormRow k : kc) {
                storms.closedStorms("Kordon").stream()
                        .filter(x -> x.clients() == k.clients())
                        .findFirst()
                        .ifPresent(x -> target(
                                "Kordon >= 2 x Keycloak at " + k.clients() + " clients",
                                x.okRate() > 0 && x.okRate() >= 2 * k.okRate(),
                                fmt(x.okRate()) + "/s vs " + fmt(k.okRate()) + "/s = "
                                        + fmt2(x.okRate() / k.okRate())));
            }
        }
        if (!storms.wrkVerify.isEmpty()) {
            List<Double> bearer = new ArrayList<>();
            List<Double> cookie = new ArrayList<>();
            for (int i = 0; i < storms.wrkVerify.size(); i++) {
                if (!storms.wrkVerifyCapped.get(i)) {
                    bearer.add(storms.wrkVerify.get(i)[1] / storms.wrkVerify.get(i)[0]);
                    cookie.add(storms.wrkVerify.get(i)[2] / storms.wrkVerify.get(i)[0]);
                }
            }
            String capped = "generator-capped (wrk at >= 90 % of its cores during every hello-world run)";
            double b = Recorder.median(bearer.stream().mapToDouble(d -> d).toArray());
            double c = Recorder.median(cookie.stream().mapToDouble(d -> d).toArray());
            if (!bearer.isEmpty()) {
                block.ratios.put(
                        "verify bearer / hello-world (wrk)",
                        fmt2(b) + " (rounds not generator-capped: " + bearer.size() + ")");
                block.ratios.put("verify cookie / hello-world (wrk)", fmt2(c));
            }
            target(
                    "/auth/verify bearer >= 0.60 x hello-world (wrk, generator not capped)",
                    !bearer.isEmpty() && b >= 0.60,
                    bearer.isEmpty() ? capped : fmt2(b));
            target(
                    "/auth/verify cookie >= 0.50 x hello-world (wrk, generator not capped)",
                    !cookie.isEmpty() && c >= 0.50,
                    cookie.isEmpty() ? capped : fmt2(c));
        }
        StringBuilder rssText = new StringBuilder();
        boolean rssOk = true;
        for (StormRow r : storms.rows) {
            if (r.target().equals("Kordon")) {
                rssText.append(rssText.length() > 0 ? ", " : "")
                        .append(r.offered().replaceAll(" \\(.*", ""))
                        .append(' ')
                        .append(fmt(r.rssMb()));
                rssOk &= !(r.rssMb() > 300);
            }
        }
        for (int i = 0; i < storms.wrkVerifyRss.size(); i++) {
            rssText.append(", verify (wrk) #").append(i + 1).append(' ').append(fmt(storms.wrkVerifyRss.get(i)));
            rssOk &= !(storms.wrkVerifyRss.get(i) > 300);
        }
        if (rssText.length() > 0) {
            target(
                    "Kordon's RSS <= 300 MB in every storm and verify scenario (MB; plain java -jar)",
                    rssOk,
                    rssText.toString());
        }
    }

    /** hash.max-wait as the harness set it (KORDON_HASH_MAX_WAIT) or Kordon's default, 1 s. */
    private double maxWaitMs() {
        String v = System.getenv("KORDON_HASH_MAX_WAIT");
        if (v == null || v.isBlank()) {
            return 1000;
        }
        v = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return java.time.Duration.parse(v.toUpperCase(Locale.ROOT)).toMillis();
            }
            if (v.endsWith("ms")) {
                return Double.parseDouble(v.substring(0, v.length() - 2));
            }
            if (v.endsWith("s")) {
                return 1000 * Double.parseDouble(v.substring(0, v.length() - 1));
            }
            return Double.parseDouble(v);
        } catch (RuntimeException e) {
            return 1000;
        }
    }

    private void target(String text, boolean pass, String actual) {
        block.targets.add(new Target(text, pass, actual));
    }
}
