package dev.kordon.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What a library logs through SLF4J reaches the leak scan, as Kordon's own lines do. */
class JulRoutingTest {
  @Test
  void aLibrarysLineIsCaptured() {
    LogCapture.install();
    String marker = "slf4j-line-" + System.nanoTime();
    LoggerFactory.getLogger("io.example.library").info("a library line holding {}", marker);
    LoggerFactory.getLogger("io.example.library").debug("below the level: {}", marker);
    assertThat(LogCapture.linesWith(marker)).singleElement().asString()
        .contains("io.example.library").contains("a library line holding " + marker);
  }
}
