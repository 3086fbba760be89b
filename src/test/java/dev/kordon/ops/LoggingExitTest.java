package dev.kordon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Logging#install} in a JVM of its own, as {@code Main} runs it: what goes out, up to the last line. */
class LoggingExitTest {
    static List<String> run(boolean dev, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LogExitProbe.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("KORDON_DEV");
        if (dev) {
            pb.environment().put("KORDON_DEV", "true");
        }
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    @Test
    void productionLinesAreJsonToTheLastLineOfTheDrain() throws Exception {
        List<String> lines = run(false);
        assertThat(lines).as(String.join("\n", lines)).hasSize(3);
        List<String> messages =
                lines.stream().map(l -> new JsonObject(l).getString("message")).toList();
        assertThat(messages)
                .containsExactly(
                        "before the configuration", "quiet makes info lines: false", "stopped 500 ms after SIGTERM");
        assertThat(new JsonObject(lines.get(0)).getString("logger_name")).isEqualTo("dev.kordon.probe");
    }

    @Test
    void devModeLinesAreReadable() throws Exception {
        List<String> lines = run(true);
        assertThat(lines).as(String.join("\n", lines)).hasSize(3);
        assertThat(lines.get(0))
                .matches("\\d{4}-\\d{2}-\\d{2}T[\\d:.]{12} INFO    dev\\.kordon\\.probe: before the configuration");
        assertThat(lines.get(2)).endsWith("INFO    dev.kordon.probe: stopped 500 ms after SIGTERM");
    }

    @Test
    void aLibrarysJavaUtilLoggingLineJoinsTheSameOutputAtItsLevel() throws Exception {
        List<String> lines = run(false, "library");
        assertThat(lines).as(String.join("\n", lines)).hasSize(4);
        JsonObject library = new JsonObject(lines.get(2));
        assertThat(library.getString("logger_name")).isEqualTo("org.example.library");
        assertThat(library.getString("level")).isEqualTo("WARN");
        assertThat(library.getString("message")).isEqualTo("a library's warning through java.util.logging");
        assertThat(new JsonObject(lines.get(3)).getString("message")).isEqualTo("stopped 500 ms after SIGTERM");
    }
}
