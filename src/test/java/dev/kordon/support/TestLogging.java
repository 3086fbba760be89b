package dev.kordon.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The tests' Logback set-up, ahead of Kordon's own (a higher rank): every line to standard error
 * in a short readable form, at info, the libraries that narrate their start at warn.
 * {@link LogCapture} adds its own appender to scan every line for secrets. Libraries that log
 * through java.util.logging reach Logback through SLF4J's bridge, as in production.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class TestLogging extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-7level %logger: %msg%n";
    /** Loggers that would fill the test output with their start-up steps. */
    static final List<String> AT_WARN = List.of("io.zonky", "org.flywaydb", "io.netty");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        // java.util.logging's levels follow Logback's, so a line below them is not even made there.
        LevelChangePropagator propagator = new LevelChangePropagator();
        propagator.setContext(context);
        propagator.setResetJUL(true);
        propagator.start();
        context.addListener(propagator);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setName("console");
        console.setContext(context);
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(console);
        root.setLevel(Level.INFO);
        AT_WARN.forEach(name -> context.getLogger(name).setLevel(Level.WARN));

        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
