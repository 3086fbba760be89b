package dev.kordon.load;

import java.util.ArrayList;
import java.util.List;

/** The run's options, from the environment load/run sets (its header documents each). */
record Settings(
        boolean smoke,
        boolean strict,
        String url,
        String pgUrl,
        long kordonPid,
        int accounts,
        List<int[]> params,
        double scale,
        int smsPort,
        int helloPort,
        String peer,
        double soakMinutes,
        int soakInterval,
        long simSwapLatencyMs) {

    static Settings fromEnv() throws Exception {
        boolean smoke = "true".equals(env("BENCH_SMOKE", "false"));
        boolean soak = "true".equals(env("BENCH_SOAK", "false"));
        if (soak && smoke) {
            throw new IllegalArgumentException(
                    "--soak and --smoke are two runs; a short soak is --soak --soak-minutes 3");
        }
        String url = blankToNull(env("BENCH_URL", ""));
        String params = env("PARAMS", smoke || soak ? "19456:2" : "19456:2,7168:5");
        List<int[]> sets = new ArrayList<>();
        for (String p : params.split(",")) {
            String[] mt = p.trim().split(":");
            if (mt.length != 2) {
                throw new IllegalArgumentException("PARAMS: memoryKib:iterations[,…], got " + params);
            }
            sets.add(new int[] {Integer.parseInt(mt[0]), Integer.parseInt(mt[1])});
        }
        int smsPort = Integer.parseInt(env("SMS_PORT", url == null ? "0" : "18199"));
        int helloPort = Integer.parseInt(env("HELLO_PORT", "0"));
        return new Settings(
                smoke,
                "true".equals(env("BENCH_STRICT", "false")),
                url,
                blankToNull(env("BENCH_PG_URL", "")),
                Long.parseLong(env("KORDON_PID", "0")),
                Integer.parseInt(env("ACCOUNTS", smoke ? "100" : soak ? "2000" : "10000")),
                sets,
                Double.parseDouble(env("SCALE", "1")),
                smsPort,
                helloPort == 0 ? Stack.freePort() : helloPort,
                peer(smoke),
                soak ? Double.parseDouble(env("SOAK_MINUTES", "30")) : 0,
                Integer.parseInt(env("SOAK_INTERVAL", "15")),
                Long.parseLong(env("SIM_SWAP_LATENCY_MS", "0")));
    }

    /** The soak instead of the benchmark: the mix at half capacity for {@link #soakMinutes}. */
    boolean soak() {
        return soakMinutes > 0;
    }

    private static String peer(boolean smoke) {
        String peer = blankToNull(env("BENCH_PEER", ""));
        if (peer != null && !peer.equals("keycloak")) {
            throw new IllegalArgumentException("BENCH_PEER: only keycloak is known, got " + peer);
        }
        if (peer != null && smoke) {
            throw new IllegalArgumentException("--peer is for full runs; --smoke never downloads a peer");
        }
        return peer;
    }

    /** Closed-loop sign-in storms (wrk): how many clients each. */
    List<Integer> stormClients() {
        return List.of(16, 128, 1024);
    }

    /** Seconds per storm, per open-model step and per verify step. */
    double stormSeconds() {
        return seconds(30, 2);
    }

    double verifySeconds() {
        return seconds(10, 2);
    }

    /** wrk threads (1 or 2): the generator shares the cores with everything else. */
    int wrkThreads() {
        return Integer.parseInt(env("WRK_THREADS", "1"));
    }

    /** A duration of the full run (times SCALE), or the smoke run's own. */
    double seconds(double full, double smokeSeconds) {
        return smoke ? smokeSeconds : Math.max(1, full * scale);
    }

    int hashSeconds() {
        return smoke ? 3 : (int) Math.max(3, Math.round(20 * scale));
    }

    int hashWarmup() {
        return smoke ? 1 : 5;
    }

    int unloadedSignIns() {
        return smoke ? 3 : 5;
    }

    /** Sign-ins made before the scenarios for their refresh and access tokens. */
    int tokens() {
        return smoke ? 10 : 100;
    }

    /** Sign-in capacity loops, each followed by a hash-only run. */
    int signInRounds() {
        return smoke ? 1 : 3;
    }

    int rounds() {
        return smoke ? 1 : 2;
    }

    boolean seeding() {
        return url == null || pgUrl != null;
    }

    String describe() {
        StringBuilder p = new StringBuilder();
        for (int[] s : params) {
            p.append(p.length() > 0 ? "," : "").append(s[0]).append(':').append(s[1]);
        }
        if (soak()) {
            return "soak " + soakMinutes + " min, a sample every " + soakInterval + " s" + (strict ? ", strict" : "")
                    + ", accounts " + accounts + ", params " + params.get(0)[0] + ":" + params.get(0)[1];
        }
        return (smoke ? "smoke" : "full") + (strict ? " strict" : "") + ", accounts " + accounts + ", params " + p
                + (smoke ? "" : ", scale " + scale) + (peer != null ? ", peer " + peer : "")
                + (url != null ? ", target " + url : ", own Kordon and servers on loopback");
    }

    private static String env(String key, String dflt) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
