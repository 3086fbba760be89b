package dev.kordon.load;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * wrk (the Debian package) as the load generator for the closed-loop storms and the verify runs:
 * written in C, it saturates a route with a fraction of the CPU Gatling needs on the same cores.
 * Each run uses one of the Lua scripts in load/wrk/, whose done() prints one "wrk-result" line of
 * key=value figures, the generator's own CPU time included (from /proc/self/stat).
 */
final class Wrk {
    static final Path BINARY = Path.of("/usr/bin/wrk");
    static final Path SCRIPTS = Path.of("load/wrk").toAbsolutePath();

    private Wrk() {}

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** One run's figures; {@code threads} is how many cores the generator could use at most. */
    record Result(String name, int threads, int connections, long startMs, long endMs, Map<String, String> values) {
        double num(String key) {
            String v = values.get(key);
            return v == null ? Double.NaN : Double.parseDouble(v);
        }

        long count(String key) {
            String v = values.get(key);
            return v == null ? 0 : Long.parseLong(v);
        }

        double seconds() {
            return num("duration_s");
        }

        double rate(String key) {
            return count(key) / seconds();
        }

        /** The generator's CPU as % of one core (utime + stime over wall time). */
        double cpuPct() {
            return 100 * num("cpu_s") / seconds();
        }

        /** At 90 % or more of the cores it can use, the generator, not the server, may be the limit. */
        boolean capped() {
            return cpuPct() >= 90.0 * threads;
        }

        String text(String key) {
            return values.getOrDefault(key, "-");
        }
    }

    /**
     * Runs wrk for {@code seconds} with {@code script} (a file in load/wrk) and the given environment
     * for it; the open-file limit is raised to the hard limit first, for a thousand connections.
     */
    static Result run(
            String name,
            String url,
            String script,
            int threads,
            int connections,
            double seconds,
            Map<String, String> env)
            throws Exception {
        long secs = Math.max(1, Math.round(seconds));
        List<String> cmd = new ArrayList<>(List.of(
                "bash",
                "-c",
                "ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec \"$0\" \"$@\"",
                BINARY.toString(),
                "-t" + Math.min(threads, connections),
                "-c" + connections,
                "-d" + secs + "s",
                "--timeout",
                "30s",
                "-s",
                SCRIPTS.resolve(script).toString(),
                url));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("WRK_DIR", SCRIPTS.toString());
        pb.environment().put("CLK_TCK", clockTicks());
        long start = System.currentTimeMillis();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(secs + 60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk " + name + " did not end");
        }
        long end = System.currentTimeMillis();
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("wrk-result ")) {
                for (String kv : line.substring("wrk-result ".length()).trim().split(" ")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        values.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
            }
        }
        if (p.exitValue() != 0 || values.isEmpty()) {
            throw new IllegalStateException("wrk " + name + " exited " + p.exitValue() + " without a result:\n" + out);
        }
        Result r = new Result(name, Math.min(threads, connections), connections, start, end, values);
        System.out.println("bench: wrk " + name + ": "
                + out.lines()
                        .filter(l -> l.startsWith("wrk-result"))
                        .findFirst()
                        .orElse("")
                        .substring("wrk-result ".length()));
        return r;
    }

    private static String clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return v.matches("\\d+") ? v : "100";
        } catch (Exception e) {
            return "100";
        }
    }
}
