package dev.kordon.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What a library logs, through SLF4J or through java.util.logging, reaches the leak scan as Kordon's own lines do. */
class TestLoggingTest {
    @Test
    void aLibrarysLineIsCaptured() {
        LogCapture.install();
        String marker = "slf4j-line-" + System.nanoTime();
        LoggerFactory.getLogger("io.example.library").info("a library line holding {}", marker);
        LoggerFactory.getLogger("io.example.library").debug("below the level: {}", marker);
        assertThat(LogCapture.linesWith(marker))
                .singleElement()
                .asString()
                .contains("io.example.library")
                .contains("a library line holding " + marker);
    }

    @Test
    void aLibrarysJavaUtilLoggingLineIsCapturedAtItsLevel() {
        LogCapture.install();
        String marker = "jul-line-" + System.nanoTime();
        java.util.logging.Logger library = java.util.logging.Logger.getLogger("io.example.jul");
        library.warning("a library warning holding " + marker);
        library.fine("below the level: " + marker);
        assertThat(LogCapture.linesWith(marker))
                .singleElement()
                .asString()
                .contains("WARN")
                .contains("io.example.jul")
                .contains("a library warning holding " + marker);
    }
}
