package dev.kordon.load;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SMS provider Kordon's {@code sms.provider: http} talks to: accepts {@code POST {id,to,text}}
 * with 202 and keeps the last 6-digit code per number; {@code GET /code?to=…} hands it out (the
 * scenarios, in this JVM, read it directly).
 */
final class SmsStandIn implements AutoCloseable {
    private static final Pattern TO = Pattern.compile("\"to\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TEXT = Pattern.compile("\"text\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern CODE = Pattern.compile("(?<!\\d)(\\d{6})(?!\\d)");

    static {
        // Without it the JDK's server answers a keep-alive request only after the client's delayed
        // ACK (Nagle): some 40 ms each, which would be the stand-in's cost, not Kordon's.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    /** When each number's last code arrived (epoch ms): how long Kordon took to send it after its 202. */
    private final Map<String, Long> arrived = new ConcurrentHashMap<>();

    final AtomicLong received = new AtomicLong();

    SmsStandIn(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/sms", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher to = TO.matcher(body);
            Matcher text = TEXT.matcher(body);
            int status = 400;
            if (to.find() && text.find()) {
                Matcher code = CODE.matcher(text.group(1));
                if (code.find()) {
                    arrived.put(digits(to.group(1)), System.currentTimeMillis());
                    codes.put(digits(to.group(1)), code.group(1));
                    received.incrementAndGet();
                    status = 202;
                }
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.createContext("/code", ex -> {
            String q = ex.getRequestURI().getRawQuery();
            String to =
                    q != null && q.startsWith("to=") ? URLDecoder.decode(q.substring(3), StandardCharsets.UTF_8) : "";
            String code = codes.get(digits(to));
            byte[] out = (code == null ? "" : code).getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(code == null ? 404 : 200, code == null ? -1 : out.length);
            if (code != null) {
                ex.getResponseBody().write(out);
            }
            ex.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/sms";
    }

    /** The last code sent to this number, or null. */
    String code(String phone) {
        return codes.get(digits(phone));
    }

    /** The last code sent to this number, taken: a number used again later never sees a stale code. */
    String take(String phone) {
        return codes.remove(digits(phone));
    }

    /** When the last code for this number arrived (epoch ms), or 0. */
    long arrivedAt(String phone) {
        Long at = arrived.get(digits(phone));
        return at == null ? 0 : at;
    }

    private static String digits(String phone) {
        return phone.replaceAll("\\D", "");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
