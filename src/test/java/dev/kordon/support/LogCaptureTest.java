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

    @Test
    void aScanFindsASecretWhetherItsLineCameBeforeOrAfterItAndEachOnlyAfterItAppeared() {
        LeakScan scan = new LeakScan();
        scan.line("sign-in for +375291234567 at 10:00");
        scan.secret("Early-Secret-1");
        assertThat(scan.leaks()).isEmpty();
        // A line after the secret: found among the new lines.
        scan.line("oops Early-Secret-1 in a debug line");
        assertThat(scan.leaks()).containsExactly("Early-Secret-1");
        // A secret issued after its line was scanned: found among the earlier lines.
        scan.line("code 271828 handed over");
        assertThat(scan.leaks()).containsExactly("Early-Secret-1");
        scan.secret("271828");
        assertThat(scan.leaks()).containsExactly("Early-Secret-1", "271828");
        // Once found, always reported, and a secret never seen stays out.
        scan.secret("Never-Logged-2");
        scan.line("nothing here");
        assertThat(scan.leaks()).containsExactly("Early-Secret-1", "271828");
        assertThat(scan.lineCount()).isEqualTo(4);
    }
}
