package dev.kordon.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import dev.kordon.account.Account;
import dev.kordon.config.ConfigException;
import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import dev.kordon.support.Await;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log as production and dev mode write it: Logback set up by {@link Logging}, here on a
 * context of the test's own writing into memory, its queue fed by the JVM's loggers where a test
 * needs Kordon's own lines.
 */
class LoggingTest {
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    /** A context of this test's own: the JVM-wide one stays as the other tests set it up. */
    static LoggerContext context(Logging.Format format, String root, Map<String, String> levels, OutputStream out) {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        Logging.configure(context, format, root, levels, out, false);
        return context;
    }

    static List<String> lines(ByteArrayOutputStream out) {
        String text = out.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /** The access log's lines go through SLF4J with key-value pairs: fields in JSON, the request in text. */
    @Test
    void keyValuePairsAreJsonFieldsAndNameTheRequestInText() {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (LoggerContext c : List.of(
                context(Logging.Format.JSON, "info", Map.of(), json),
                context(Logging.Format.TEXT, "info", Map.of(), text))) {
            c.getLogger("kordon.access")
                    .atInfo()
                    .setMessage("GET /api/v1/me 200 1.250 ms")
                    .addKeyValue("route", "/api/v1/me")
                    .addKeyValue("status", 200)
                    .addKeyValue("bytes", 120L)
                    .addKeyValue("duration_ms", 1.25)
                    .addKeyValue(Logging.REQUEST_ID, "req-kv-1")
                    .addKeyValue(Logging.TRACE_ID, TRACE)
                    .log();
            c.stop();
        }
        JsonObject line = new JsonObject(lines(json).get(0));
        assertThat(line.getString("logger_name")).isEqualTo("kordon.access");
        assertThat(line.getString("route")).isEqualTo("/api/v1/me");
        assertThat(line.getValue("status")).isEqualTo(200);
        assertThat(line.getValue("bytes")).isEqualTo(120);
        assertThat(line.getDouble("duration_ms")).isEqualTo(1.25);
        assertThat(line.getString(Logging.REQUEST_ID)).isEqualTo("req-kv-1");
        assertThat(line.getString(Logging.TRACE_ID)).isEqualTo(TRACE);
        assertThat(lines(text).get(0)).contains("kordon.access: [req req-kv-1 trace " + TRACE + "] GET /api/v1/me 200");
    }

    @Test
    void productionWritesOneJsonObjectPerLineNamingTheRequestAndTheAuditFieldsAndNoSecret() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LoggerContext context = context(Logging.Format.JSON, "info", Map.of(), out);
        Appender<ILoggingEvent> queue =
                context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("queue");
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        String login = "+375291900001";
        String password = LogCapture.secret("Json-Lines-Password-1");
        String wrong = LogCapture.secret("Json-Lines-Wrong-Password-2");
        String okId;
        String badId;
        List<String> secrets = new ArrayList<>(List.of(password, wrong));
        Account account;
        try (Rig rig = Rig.start()) {
            account = rig.account(login, password);
            root.addAppender(queue);
            try {
                var ok = rig.login(login, password);
                assertThat(ok.statusCode()).isEqualTo(200);
                secrets.add(ok.bodyAsJsonObject().getString("access_token"));
                secrets.add(ok.bodyAsJsonObject().getString("refresh_token"));
                okId = ok.getHeader("X-Request-Id");
                var bad = rig.login(login, wrong);
                assertThat(bad.statusCode()).isEqualTo(401);
                badId = bad.getHeader("X-Request-Id");
                // The failure's event is logged once the failure count is settled in Redis, just before the answer.
                Await.until(
                        Duration.ofSeconds(10),
                        () -> out.toString(StandardCharsets.UTF_8).contains(badId));
            } finally {
                root.detachAppender(queue);
            }
        }
        context.stop();

        List<JsonObject> lines = new ArrayList<>();
        for (String line : lines(out)) {
            try {
                lines.add(new JsonObject(line));
            } catch (DecodeException e) {
                throw new AssertionError("not one JSON object: " + line, e);
            }
        }
        assertThat(lines)
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l.fieldNames())
                        .contains("@timestamp", "level", "logger_name", "message", "thread_name"));
        JsonObject success = audit(lines, "login.success");
        JsonObject failure = audit(lines, "login.failure");
        assertThat(success.getString("request_id")).isEqualTo(okId);
        assertThat(failure.getString("request_id")).isEqualTo(badId);
        for (JsonObject event : List.of(success, failure)) {
            assertThat(event.getString("level")).isEqualTo("INFO");
            assertThat(event.getString("account_id")).isEqualTo(account.id().toString());
            assertThat(event.getString("category")).isEqualTo("mobile");
            assertThat(event.getString("login")).isEqualTo("+37529*****01");
            assertThat(event.getString("trace_id")).matches("[0-9a-f]{32}");
        }
        // Only the two requests served meanwhile are named.
        assertThat(lines)
                .filteredOn(l -> l.containsKey("request_id"))
                .allSatisfy(l -> assertThat(l.getString("request_id")).isIn(okId, badId));
        String all = out.toString(StandardCharsets.UTF_8);
        assertThat(secrets).allSatisfy(s -> assertThat(all).doesNotContain(s));
        assertThat(all).doesNotContain(login).doesNotContain(login.substring(1));
    }

    private static JsonObject audit(List<JsonObject> lines, String event) {
        return lines.stream()
                .filter(l -> "kordon.audit".equals(l.getString("logger_name")) && event.equals(l.getString("event")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + event + " line in " + lines));
    }

    @Test
    void devModeWritesTheReadableLineWithTheRequestWhileOneIsServed() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LoggerContext context = context(Logging.Format.TEXT, "info", Map.of(), out);
        Logger log = context.getLogger("dev.kordon.logging-test");
        Vertx vertx = Vertx.vertx();
        try {
            ContextInternal request = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
            Rig.await(request.executeBlocking(() -> {
                RequestScope.enter("req-42", TRACE);
                log.warn("request failed, answered 503");
                return null;
            }));
            log.info("outside any request");
            log.error("with its cause", new IllegalStateException("the cause"));
        } finally {
            Rig.await(vertx.close());
        }
        context.stop();
        List<String> lines = lines(out);
        String stamp = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3} ";
        assertThat(lines.get(0))
                .matches(stamp + "WARN    dev\\.kordon\\.logging-test: \\[req req-42 trace " + TRACE
                        + "\\] request failed, answered 503");
        assertThat(lines.get(1)).matches(stamp + "INFO    dev\\.kordon\\.logging-test: outside any request");
        assertThat(lines.get(2)).matches(stamp + "ERROR   dev\\.kordon\\.logging-test: with its cause");
        assertThat(lines.get(3)).isEqualTo("java.lang.IllegalStateException: the cause");
    }

    @Test
    void theConfiguredLevelsDecideWhatIsWritten() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LoggerContext context = context(Logging.Format.JSON, "warn", Map.of("dev.kordon.loud", "debug"), out);
        context.getLogger("dev.kordon.quiet").info("quiet info");
        context.getLogger("dev.kordon.quiet").warn("quiet warning");
        context.getLogger("dev.kordon.loud.below").debug("loud debug");
        context.getLogger("dev.kordon.loud").trace("loud trace");
        context.stop();
        assertThat(lines(out))
                .map(l -> new JsonObject(l).getString("message"))
                .containsExactly("quiet warning", "loud debug");
        assertThatThrownBy(() -> context(Logging.Format.JSON, "loud", Map.of(), out))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLevelsAreReadFromTheFileAndTheEnvironment() {
        Path file = Path.of("conf", "kordon.yaml");
        KordonConfig.Log shipped = KordonConfig.Log.from(ConfigTree.load(file, Map.of()));
        assertThat(shipped.level()).isEqualTo("info");
        assertThat(shipped.levels()).containsEntry("io.zonky.test.db.postgres", "warn");
        KordonConfig.Log set = KordonConfig.Log.from(ConfigTree.load(
                file, Map.of("KORDON_LOG_LEVEL", "WARN", "KORDON_LOG_LEVELS", "dev.kordon=debug, io.netty=error")));
        assertThat(set.level()).isEqualTo("warn");
        assertThat(set.levels()).containsExactly(Map.entry("dev.kordon", "debug"), Map.entry("io.netty", "error"));
        assertThatThrownBy(() -> KordonConfig.Log.from(ConfigTree.load(file, Map.of("KORDON_LOG_LEVEL", "verbose"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("log.level")
                .hasMessageContaining("KORDON_LOG_LEVEL");
        assertThatThrownBy(() -> KordonConfig.Log.from(ConfigTree.load(file, Map.of("KORDON_LOG_LEVELS", "io.netty"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("log.levels");
    }

    @Test
    void whatIsQueuedIsWrittenAtStop() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LoggerContext context = context(Logging.Format.JSON, "info", Map.of(), out);
        for (int i = 0; i < 2_000; i++) {
            context.getLogger("dev.kordon.drain").info("line " + i);
        }
        context.stop();
        List<String> lines = lines(out);
        assertThat(lines).hasSize(2_000);
        assertThat(new JsonObject(lines.get(1_999)).getString("message")).isEqualTo("line 1999");
    }

    @Test
    void aStuckConsoleNeverHoldsUpTheLoggerLinesAreDroppedAndCounted() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch stuck = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream console = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writing.countDown();
                try {
                    stuck.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.write(b, off, len);
            }
        };
        LoggerContext context = context(Logging.Format.JSON, "info", Map.of(), console);
        // The writer takes the first line and hangs on the console; then the queue fills, and more.
        context.getLogger("dev.kordon.flood").info("first");
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        int extra = 500;
        long t0 = System.nanoTime();
        for (int i = 0; i < Logging.QUEUE + extra; i++) {
            context.getLogger("dev.kordon.flood").info("line " + i);
        }
        assertThat((System.nanoTime() - t0) / 1_000_000)
                .as("ms to log while the console is stuck")
                .isLessThan(5_000);
        stuck.countDown();
        var queue =
                (LogQueue) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("queue");
        Await.until(Duration.ofSeconds(10), () -> queue.getRemainingCapacity() > 0);
        context.getLogger("dev.kordon.flood").info("after");
        context.stop();
        List<JsonObject> lines = lines(written).stream().map(JsonObject::new).toList();
        JsonObject notice = lines.stream()
                .filter(l -> l.getString("message").endsWith("log lines dropped: the log could not keep up"))
                .findFirst()
                .orElseThrow();
        assertThat(notice.getString("level")).isEqualTo("WARN");
        assertThat(notice.getString("message")).startsWith(extra + " log lines dropped");
        assertThat(lines).hasSize(1 + Logging.QUEUE + 2);
        assertThat(lines.get(lines.size() - 1).getString("message")).isEqualTo("after");
    }
}
