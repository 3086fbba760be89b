package dev.kordon.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each fault against a real echo server and a real client, so a mode that does nothing fails here. */
class FaultProxyTest {
    /** How long a read must stay unanswered to count as silence. */
    private static final int SILENCE_MS = 300;
    /** How long an expected answer may take on a loaded machine. */
    private static final int ARRIVAL_MS = 5_000;

    private static final Duration WITHIN = Duration.ofMillis(ARRIVAL_MS);

    private Echo echo;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new Echo();
        proxy = new FaultProxy(echo.port());
    }

    @AfterEach
    void stop() {
        proxy.close();
        echo.close();
    }

    @Test
    void passForwardsBothWaysAndCountsConnectionsAndBytes() throws IOException {
        try (Socket a = client();
                Socket b = client()) {
            assertThat(roundTrip(a, "ping")).isEqualTo("ping");
            assertThat(roundTrip(b, "hello")).isEqualTo("hello");
            assertThat(proxy.accepted()).isEqualTo(2);
            assertThat(proxy.open()).isEqualTo(2);
            // Counted just after each write, so the echo can come back first.
            assertThat(Await.until(WITHIN, proxy::bytesToTarget, n -> n == 9)).isEqualTo(9);
            assertThat(Await.until(WITHIN, proxy::bytesToClient, n -> n == 9)).isEqualTo(9);
        }
        assertThat(Await.until(WITHIN, proxy::open, n -> n == 0)).isZero();
    }

    @Test
    void freezeStallsOpenConnectionsBothWaysAndPassDeliversWhatWasSentMeanwhile() throws IOException {
        try (Socket s = client()) {
            roundTrip(s, "ping");
            proxy.freeze();
            send(s, "abc");
            assertSilent(s);
            assertThat(echo.received()).as("nothing reached the target").isEqualTo(4);
            proxy.pass();
            assertThat(receive(s, 3)).isEqualTo("abc");
        }
    }

    @Test
    void freezeAcceptsNewConnectionsButDialsTheTargetOnlyAfterPass() throws IOException {
        proxy.freeze();
        try (Socket s = client()) {
            send(s, "hi");
            assertSilent(s);
            assertThat(proxy.accepted()).isEqualTo(1);
            assertThat(echo.accepted()).isZero();
            proxy.pass();
            assertThat(receive(s, 2)).isEqualTo("hi");
            assertThat(echo.accepted()).isEqualTo(1);
        }
    }

    @Test
    void refuseResetsOpenConnectionsAndResetsNewOnesOnAccept() throws IOException {
        try (Socket open = client()) {
            roundTrip(open, "ping");
            proxy.refuse();
            assertThatThrownBy(() -> open.getInputStream().read())
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
        // A SocketTimeoutException is no SocketException: a reset that never came fails here.
        assertThatThrownBy(() -> {
                    try (Socket fresh = client()) {
                        send(fresh, "hi");
                        fresh.getInputStream().read();
                    }
                })
                .isInstanceOf(SocketException.class);
        assertThat(proxy.accepted()).isEqualTo(2);
        assertThat(echo.accepted())
                .as("the refused one never reached the target")
                .isEqualTo(1);
        assertThat(proxy.open()).isZero();
    }

    @Test
    void cutAfterFiveGivesEachLaterConnectionExactlyFiveBytesThenEndOfStream() throws IOException {
        proxy.cutAfter(5);
        for (int i = 0; i < 2; i++) {
            try (Socket s = client()) {
                send(s, "hello world");
                byte[] got = s.getInputStream().readAllBytes();
                assertThat(new String(got, StandardCharsets.ISO_8859_1)).isEqualTo("hello");
            }
        }
        assertThat(proxy.bytesToClient()).isEqualTo(10);
    }

    @Test
    void passLiftsTheCutForLaterConnections() throws IOException {
        proxy.cutAfter(5);
        proxy.pass();
        try (Socket s = client()) {
            assertThat(roundTrip(s, "hello world")).isEqualTo("hello world");
        }
    }

    @Test
    void slowHoldsEachChunkForTheDelayInEachDirection() throws IOException {
        Duration perChunk = Duration.ofMillis(250);
        proxy.slow(perChunk);
        try (Socket s = client()) {
            long start = System.nanoTime();
            assertThat(roundTrip(s, "x")).isEqualTo("x");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // One chunk up, one chunk back: the delay twice over.
            assertThat(took).isGreaterThanOrEqualTo(perChunk.multipliedBy(2));
        }
    }

    @Test
    void halfOpenSilencesOpenConnectionsForGoodWithoutClosingThemWhileLaterOnesPassAgain() throws IOException {
        try (Socket s = client()) {
            roundTrip(s, "ping");
            proxy.halfOpen();
            send(s, "lost");
            assertSilent(s);
            proxy.pass();
            // Still no echo, and no end of stream or reset: assertSilent wants a read timeout.
            assertSilent(s);
            assertThat(echo.received())
                    .as("the bytes sent meanwhile never reached the target")
                    .isEqualTo(4);
            assertThat(proxy.open()).isEqualTo(1);
            try (Socket later = client()) {
                assertThat(roundTrip(later, "new")).isEqualTo("new");
            }
        }
    }

    @Test
    void retargetSendsLaterConnectionsToTheNewTargetAndLeavesOpenOnesWhereTheyAre() throws IOException {
        try (Echo replica = new Echo();
                Socket before = client()) {
            roundTrip(before, "ping");
            proxy.retarget("127.0.0.1", replica.port());
            try (Socket after = client()) {
                assertThat(roundTrip(after, "pong")).isEqualTo("pong");
            }
            assertThat(roundTrip(before, "again")).isEqualTo("again");
            assertThat(replica.accepted()).isEqualTo(1);
            assertThat(replica.received()).isEqualTo(4);
            assertThat(echo.accepted()).isEqualTo(1);
            assertThat(echo.received()).isEqualTo(9);
        }
    }

    @Test
    void dropAllClosesOpenConnectionsAndLaterOnesStillPass() throws IOException {
        try (Socket s = client()) {
            roundTrip(s, "ping");
            proxy.dropAll();
            s.setSoTimeout(ARRIVAL_MS);
            assertThat(s.getInputStream().read()).as("end of stream").isEqualTo(-1);
        }
        assertThat(proxy.open()).isZero();
        try (Socket s = client()) {
            assertThat(roundTrip(s, "ping")).isEqualTo("ping");
        }
    }

    @Test
    void closeEndsItsNamedDaemonThreadsAndFreesThePort() throws IOException {
        String prefix = "fault-proxy-" + proxy.port() + "-";
        try (Socket s = client()) {
            roundTrip(s, "ping");
            List<Thread> running = threads(prefix);
            assertThat(running).allMatch(Thread::isDaemon);
            assertThat(running)
                    .extracting(Thread::getName)
                    .containsExactlyInAnyOrder(prefix + "accept", prefix + "link1-up", prefix + "link1-down");
            proxy.close();
            assertThat(Await.until(WITHIN, () -> threads(prefix), List::isEmpty))
                    .isEmpty();
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", proxy.port()).close()).isInstanceOf(ConnectException.class);
    }

    private static List<Thread> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
                .toList();
    }

    private Socket client() throws IOException {
        Socket s = new Socket("127.0.0.1", proxy.port());
        s.setTcpNoDelay(true);
        s.setSoTimeout(ARRIVAL_MS);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        send(s, text);
        return receive(s, text.length());
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    private static String receive(Socket s, int n) throws IOException {
        s.setSoTimeout(ARRIVAL_MS);
        byte[] got = s.getInputStream().readNBytes(n);
        return new String(got, StandardCharsets.ISO_8859_1);
    }

    private static void assertSilent(Socket s) throws IOException {
        s.setSoTimeout(SILENCE_MS);
        assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
    }

    /** Echoes every byte back, counting connections and bytes so a test sees what got through. */
    private static final class Echo implements AutoCloseable {
        private final ServerSocket server = new ServerSocket();
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private final AtomicInteger accepted = new AtomicInteger();
        private final AtomicLong received = new AtomicLong();

        Echo() throws IOException {
            server.bind(new InetSocketAddress("127.0.0.1", Ports.free()));
            daemon("accept", this::acceptLoop);
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        long received() {
            return received.get();
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    open.add(s);
                    daemon("conn" + accepted.get(), () -> echo(s));
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void echo(Socket s) {
            byte[] buf = new byte[4096];
            try (s) {
                for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
                    received.addAndGet(n);
                    s.getOutputStream().write(buf, 0, n);
                }
            } catch (IOException gone) {
                // the proxy cut or reset it: that is what several tests do
            } finally {
                open.remove(s);
            }
        }

        private void daemon(String name, Runnable body) {
            Thread t = new Thread(body, "echo-" + port() + "-" + name);
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() {
            try {
                server.close();
                for (Socket s : open) {
                    s.close();
                }
            } catch (IOException ignored) {
                // best effort at the end of a test
            }
        }
    }
}
