package dev.kordon.load;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts {@link Baseline} in its own JVM. Apart from it because this class loads in the harness's
 * JVM, which has Gatling and no Vert.x: Baseline itself would not even link there.
 */
final class BaselineProcess {
    private static final String MAIN = "dev.kordon.load.Baseline";

    private BaselineProcess() {}

    /** The command that runs Baseline with {@code args}: java, no flags, this module's classes and {@code kordonJar}. */
    static List<String> command(Path kordonJar, String... args) throws Exception {
        Path classes = Path.of(BaselineProcess.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> cmd = new ArrayList<>(List.of("java", "-cp", classes + File.pathSeparator + kordonJar, MAIN));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs one measurement to its end; returns its one result line. */
    static String result(Path kordonJar, String... args) throws Exception {
        List<String> cmd = command(kordonJar, args);
        for (int attempt = 1; ; attempt++) {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int rc = p.waitFor();
            if (rc == 0) {
                return out;
            }
            // Seen once on the shared machine: the JVM gone with no word. Said aloud, tried once more.
            if (attempt == 1 && out.isEmpty()) {
                System.out.println("bench: Baseline " + args[0] + " exited " + rc + " without output; once more");
                continue;
            }
            throw new IllegalStateException("Baseline " + args[0] + " failed (exit " + rc + "): " + out);
        }
    }

    /**
     * Starts the hello-world baseline on {@code port} and returns once it says it is ready; it is
     * remembered before that, so a start that never gets ready is stopped with the rest.
     */
    static Process hello(Path kordonJar, int port, Resources open) throws Exception {
        Process p = new ProcessBuilder(command(kordonJar, "hello", "--port", "" + port))
                .redirectErrorStream(true)
                .start();
        open.remember(p::destroy);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("hello ready")) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (Exception ignored) {
                        // the process is gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return p;
            }
        }
        throw new IllegalStateException("Baseline hello did not start");
    }
}
