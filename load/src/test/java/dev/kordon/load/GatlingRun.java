package dev.kordon.load;

import io.gatling.app.Gatling$;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs one {@link Plan} through Gatling in this JVM and hands back what {@link Step} recorded.
 * Gatling's exit status goes to the harness's problems: a run that broke is not a figure.
 */
final class GatlingRun {
    private final Path gatlingDir = Path.of("load/target/gatling").toAbsolutePath();
    private final List<String> problems;

    GatlingRun(List<String> problems) {
        this.problems = problems;
    }

    Scenario run(Plan plan, String name, RssSampler rss, KordonProcess kordon) {
        return run(plan, name, rss, kordon, true);
    }

    /** Without reports for the soak: Gatling's HTML report of a million requests takes minutes and a heap. */
    Scenario run(Plan plan, String name, RssSampler rss, KordonProcess kordon, boolean reports) {
        Plan.current = plan;
        Recorder.drain();
        long start = System.currentTimeMillis();
        Step.injectionStart = 0;
        int rc;
        try {
            List<String> args = new java.util.ArrayList<>(List.of(
                    "--simulation",
                    Step.class.getName(),
                    "--results-folder",
                    gatlingDir.toString(),
                    "--run-description",
                    name));
            if (!reports) {
                args.add("--no-reports");
            }
            rc = Gatling$.MODULE$.fromArgs(args.toArray(String[]::new));
        } catch (UnsupportedOperationException e) {
            // Gatling writes no report for a run without requests; the missing figures say what went wrong.
            System.out.println("bench: " + name + ": " + e.getMessage());
            rc = 0;
        }
        long end = System.currentTimeMillis();
        if (rc != 0) {
            problems.add(name + ": Gatling exited with " + rc);
        }
        if (kordon != null && !kordon.process.isAlive()) {
            throw new IllegalStateException("Kordon died during " + name + ":\n" + kordon.tail(30));
        }
        Path report = newestReport();
        System.out.println("bench: " + name + " report " + report);
        long injected = Step.injectionStart > 0 ? Step.injectionStart : start;
        return new Scenario(
                name, Recorder.drain(), injected, end, rss == null ? Double.NaN : rss.peakMb(start, end), report);
    }

    private Path newestReport() {
        try (Stream<Path> dirs = Files.list(gatlingDir)) {
            return dirs.filter(Files::isDirectory)
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .map(p -> p.resolve("index.html"))
                    .orElse(null);
        } catch (Exception e) {
            return null;
        }
    }
}
