package dev.kordon.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Kordon's resident set size (/proc/PID/status VmRSS) every 250 ms, for the peaks per scenario. */
final class RssSampler implements AutoCloseable {
    private record Point(long ms, long kib) {}

    private final long pid;
    private final List<Point> points = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    RssSampler(long pid) {
        this.pid = pid;
        thread = new Thread(this::loop, "rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        Path status = Path.of("/proc/" + pid + "/status");
        while (running) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        long kib = Long.parseLong(line.replaceAll("\\D", ""));
                        synchronized (points) {
                            points.add(new Point(System.currentTimeMillis(), kib));
                        }
                    }
                }
                Thread.sleep(250);
            } catch (Exception e) {
                return;
            }
        }
    }

    /** Peak RSS in MB (10^6 bytes) between two instants, NaN if nothing was sampled then. */
    double peakMb(long fromMs, long toMs) {
        synchronized (points) {
            return points.stream().filter(p -> p.ms() >= fromMs && p.ms() <= toMs).mapToLong(Point::kib).max().stream()
                    .mapToDouble(k -> k * 1024 / 1e6)
                    .findFirst()
                    .orElse(Double.NaN);
        }
    }

    @Override
    public void close() {
        running = false;
    }
}
