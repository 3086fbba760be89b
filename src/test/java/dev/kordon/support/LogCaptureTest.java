package dev.kordon.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The leak scan itself must be able to fail, or its silence proves nothing. */
class LogCaptureTest {
    @Test
    void findsASecretInALogLine() {
        LogCapture.install();
        assertThat(LogCapture.appears("sms 419725 handed over", "419725")).isTrue();
        assertThat(LogCapture.appears("stream id 1795630419725-0", "419725")).isFalse();
        assertThat(LogCapture.appears("{\"code\":\"419725\"}", "419725")).isTrue();
        assertThat(LogCapture.appears("code=419725.", "419725")).isTrue();
        // A hex request id holding the same six digits by chance is no leak.
        assertThat(LogCapture.appears("\"request_id\":\"9f3ab419725c0e\"", "419725"))
                .isFalse();
        assertThat(LogCapture.appears("temp GVAdfECr5f!", "GVAdfECr5f")).isTrue();
        String marker = "Zz" + System.nanoTime();
        LoggerFactory.getLogger("leak.probe").info("a line holding " + marker);
        assertThat(LogCapture.lineCount()).isPositive();
        // Not registered as a secret (that would fail every later class): checked through the same matcher.
        assertThat(LogCapture.appears("a line holding " + marker, marker)).isTrue();
    }
}
