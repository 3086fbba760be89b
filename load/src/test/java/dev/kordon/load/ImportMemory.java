package dev.kordon.load;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The CSV import of a large file in one chunked request to the admin API of the Kordon the harness
 * started: its time, and how much more heap Kordon holds while it runs, against the file's size.
 * Holding the file would take its bytes at least (as Java strings of Cyrillic, several times that);
 * a streamed import holds a batch.
 *
 * <p>The heap is read from outside, as the JVM itself counts it: the class histogram of
 * {@code jcmd PID GC.class_histogram} forces a full collection and totals the objects that survive
 * it, once a second while the import runs. Not RSS: G1 grows the heap with the rate of garbage, not
 * with what is held, and the forced collections move RSS too (it is reported beside, for what the
 * machine sees). The import's time includes those collections.
 */
final class ImportMemory {
    static final String RATIO = "import: live-heap growth / file size";
    private static final String HEADER = "category,login,tariff,email,role\n";
    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

    private record Sample(long startMs, long endMs, long bytes) {}

    private ImportMemory() {}

    static void measure(KordonProcess kordon, RssSampler rss, boolean smoke, ReportBlock block) throws Exception {
        if (kordon == null) {
            block.note(
                    "import: not measured with --url (it needs the admin port and token of a Kordon the harness started)");
            return;
        }
        int rows = smoke ? 20_000 : 100_000;
        URI uri = URI.create("http://127.0.0.1:" + kordon.env.get("KORDON_ADMIN_PORT") + "/admin/v1/accounts/import");
        String token = kordon.env.get("KORDON_ADMIN_TOKEN");
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        try (LiveHeap heap = new LiveHeap(kordon.process.pid())) {
            // A small import first: what the path's first use keeps for good (pools, statement caches) is then in the
            // base.
            post(client, uri, token, new Rows("25", 2_000));
            long base = Math.min(heap.bytes(), heap.bytes());
            List<Sample> samples = new ArrayList<>();
            CountDownLatch imported = new CountDownLatch(1);
            Thread sampler = new Thread(() -> sample(heap, imported, samples), "import-heap-sampler");
            Rows file = new Rows("44", rows);
            long start = System.currentTimeMillis();
            sampler.start();
            String answer;
            try {
                answer = post(client, uri, token, file);
            } finally {
                imported.countDown();
                sampler.join(60_000);
            }
            long end = System.currentTimeMillis();
            if (count(answer, "created") != rows || count(answer, "rejected_total") != 0) {
                throw new IllegalStateException("import of " + rows + " rows answered " + answer);
            }
            long after = heap.bytes();
            List<Sample> during = samples.stream().filter(s -> s.endMs() <= end).toList();
            if (during.isEmpty()) {
                throw new IllegalStateException("import: no heap sample while it ran (" + (end - start) + " ms)");
            }
            report(block, rss, rows, file.sent, base, during, after, start, end);
        }
    }

    private static void report(
            ReportBlock block,
            RssSampler rss,
            int rows,
            long fileBytes,
            long base,
            List<Sample> during,
            long after,
            long start,
            long end) {
        long peak = during.stream().mapToLong(Sample::bytes).max().orElseThrow();
        double seconds = (end - start) / 1000.0;
        double fileMb = fileBytes / 1e6;
        double growthMb = (peak - base) / 1e6;
        double ratio = (peak - base) / (double) fileBytes;
        double rssBefore = rss == null ? Double.NaN : rss.peakMb(start - 2_000, start);
        double rssPeak = rss == null ? Double.NaN : rss.peakMb(start, end);
        String text = String.format(
                Locale.ROOT,
                "%.2f (live heap %+.1f MB at most over %d full collections during the "
                        + "import, GC.class_histogram; %s MB before, %+.1f MB after it; file %s MB, %,d rows in one chunked "
                        + "request, %.1f s = %s rows/s; RSS %s → %s MB)",
                ratio,
                growthMb,
                during.size(),
                Report.fmt(base / 1e6),
                (after - base) / 1e6,
                Report.fmt2(fileMb),
                rows,
                seconds,
                Report.fmt(rows / seconds),
                Report.fmt(rssBefore),
                Report.fmt(rssPeak));
        System.out.println("bench: " + RATIO + " " + text);
        block.extra(
                Map.of("import seconds", seconds, "import file MB", fileMb),
                RATIO,
                text,
                new Report.Target(
                        "import: live-heap growth <= 0.5 x the file's size",
                        ratio <= 0.5,
                        String.format(Locale.ROOT, "%+.1f MB vs %.1f MB", growthMb, fileMb / 2)));
    }

    /** POSTs the file as it is made, without a length: chunked, as the admin API takes a large file. */
    private static String post(HttpClient client, URI uri, String token, Rows file) throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "text/csv")
                        .timeout(Duration.ofMinutes(5))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> file))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("import of " + file.rows + " rows: " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private static long count(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Live heap samples, one a second, until the import is answered; the list is read once this thread is done. */
    private static void sample(LiveHeap heap, CountDownLatch imported, List<Sample> samples) {
        try {
            do {
                long t0 = System.currentTimeMillis();
                long bytes = heap.bytes();
                samples.add(new Sample(t0, System.currentTimeMillis(), bytes));
                // Each sample stops Kordon for a full collection and a walk of the heap: not more often.
            } while (!imported.await(1, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.out.println("bench: import heap sample failed: " + e);
        }
    }

    /**
     * Kordon's JVM seen from outside, as jcmd sees it: attached by its pid, its local management agent
     * started, and its DiagnosticCommand MBean asked over JMX for what {@code jcmd PID GC.class_histogram}
     * prints, without starting a jcmd process for every sample.
     */
    static final class LiveHeap implements AutoCloseable {
        private final JMXConnector jmx;
        private final MBeanServerConnection server;
        private final ObjectName commands;

        LiveHeap(long pid) throws Exception {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            jmx = JMXConnectorFactory.connect(new JMXServiceURL(address));
            server = jmx.getMBeanServerConnection();
            commands = new ObjectName("com.sun.management:type=DiagnosticCommand");
        }

        /** Bytes of the objects that survive a full collection, as the class histogram totals them. */
        long bytes() throws Exception {
            String histogram = histogram();
            Matcher m = TOTAL.matcher(histogram);
            if (!m.find()) {
                throw new IllegalStateException(
                        "GC.class_histogram: no total in " + histogram.substring(0, Math.min(400, histogram.length())));
            }
            return Long.parseLong(m.group(1));
        }

        /** What {@code jcmd PID GC.class_histogram} prints: a full collection, then the live objects by class. */
        String histogram() throws Exception {
            return (String) server.invoke(
                    commands, "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()
                    });
        }

        /**
         * Heap in use right after a full collection that this asks for (java.lang:type=Memory gc(), as
         * System.gc()): what survives it is live, wherever G1 was in its cycle. Cheaper than the
         * histogram (no walk of the heap), so the soak can ask every sample.
         */
        long usedAfterFullGc() throws Exception {
            ObjectName memory = new ObjectName("java.lang:type=Memory");
            server.invoke(memory, "gc", null, null);
            return java.lang.management.MemoryUsage.from(
                            (javax.management.openmbean.CompositeData) server.getAttribute(memory, "HeapMemoryUsage"))
                    .getUsed();
        }

        @Override
        public void close() throws IOException {
            jmx.close();
        }
    }

    /** The file, made a thousand rows at a time as the request reads it; counts the bytes sent. */
    private static final class Rows extends InputStream {
        private final String operator;
        private final int rows;
        private int next = -1;
        private byte[] piece = new byte[0];
        private int pos;
        long sent;

        Rows(String operator, int rows) {
            this.operator = operator;
            this.rows = rows;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos == piece.length && !fill()) {
                return -1;
            }
            int n = Math.min(len, piece.length - pos);
            System.arraycopy(piece, pos, b, off, n);
            pos += n;
            sent += n;
            return n;
        }

        private boolean fill() {
            if (next >= rows) {
                return false;
            }
            StringBuilder sb = new StringBuilder();
            if (next < 0) {
                sb.append(HEADER);
                next = 0;
            }
            for (int end = Math.min(rows, next + 1000); next < end; next++) {
                sb.append(String.format(
                        Locale.ROOT,
                        "mobile,+375%s%07d,SIP-соединение,import%s-%d@example.by,subscriber\n",
                        operator,
                        next,
                        operator,
                        next));
            }
            piece = sb.toString().getBytes(StandardCharsets.UTF_8);
            pos = 0;
            return true;
        }
    }
}
