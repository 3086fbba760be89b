package dev.kordon.ops;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kordon's logging as {@code Main} sets it up, in a JVM of its own ({@link LoggingExitTest}): a line
 * before the configuration, the configured levels, a Vert.x with Kordon's metrics, then an exit
 * whose shutdown hook logs last, as the drain does after SIGTERM. With {@code library}, a library
 * logs through java.util.logging as well.
 */
public final class LogExitProbe {
    private LogExitProbe() {}

    public static void main(String[] args) throws Exception {
        Logging.install();
        Logger log = LoggerFactory.getLogger("dev.kordon.probe");
        log.info("before the configuration");
        Logging.configure(Logging.defaultFormat(), "info", Map.of("dev.kordon.probe.quiet", "warn"));
        Logger quiet = LoggerFactory.getLogger("dev.kordon.probe.quiet");
        quiet.info("not written");
        log.info("quiet makes info lines: " + quiet.isInfoEnabled());
        if (args.length > 0 && "library".equals(args[0])) {
            // As the Postgres driver and libphonenumber do.
            java.util.logging.Logger library = java.util.logging.Logger.getLogger("org.example.library");
            library.warning("a library's warning through java.util.logging");
            library.fine("a library's line below the level");
        }
        // Vert.x registers its event-bus gauge again for each handler: Micrometer's warning must stay dropped.
        io.vertx.core.Vertx vertx = new Metrics().newVertx(new io.vertx.core.VertxOptions());
        vertx.eventBus().consumer("probe.a", m -> {});
        vertx.eventBus().consumer("probe.b", m -> {});
        vertx.close().toCompletionStage().toCompletableFuture().get();
        Logging.holdAtExit();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                // Long enough for the JDK's own exit hooks to have run.
                                Thread.sleep(500);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            log.info("stopped 500 ms after SIGTERM");
                            Logging.release();
                        },
                        "probe-shutdown"));
        System.exit(0);
    }
}
