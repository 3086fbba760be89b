package dev.kordon.ops;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * Logback's set-up wherever nothing else sets it up (a tool run from the jar, the moment before
 * {@link Logging#install}): Kordon's format at level info, never Logback's own debug-level default.
 * Found through META-INF/services.
 */
public final class LogDefaults extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Logging.configure(context, Logging.defaultFormat(), "info", Map.of(), null, false);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
