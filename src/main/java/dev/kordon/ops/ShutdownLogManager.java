package dev.kordon.ops;

import java.util.logging.LogManager;

/**
 * java.util.logging's log manager, except that at JVM exit its handlers stay until Kordon's own
 * shutdown hook has logged the drain and the stop. The JDK resets logging in a shutdown hook of
 * its own that runs beside ours, so the last lines of a SIGTERM were sometimes never written.
 * Chosen with {@code -Djava.util.logging.manager}, which {@link Logging#install} sets before
 * anything logs; {@link Logging#release} lets go after the drain.
 */
public final class ShutdownLogManager extends LogManager {
  private static volatile boolean holdAtExit;

  /** From now on the JVM's exit leaves the handlers to {@link #release()}. */
  public static void holdAtExit() {
    holdAtExit = true;
  }

  /** Whether this JVM's log manager is this one (else the property was set too late). */
  public static boolean active() {
    return LogManager.getLogManager() instanceof ShutdownLogManager;
  }

  /** The last line is logged: handlers flush what they queued and close. */
  public static void release() {
    holdAtExit = false;
    LogManager.getLogManager().reset();
  }

  @Override
  public void reset() {
    if (!holdAtExit) {
      super.reset();
    }
  }
}
