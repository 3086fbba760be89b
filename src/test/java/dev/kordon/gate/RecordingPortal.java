package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The portal behind nginx in the forward-auth tests: records every request that reaches it. */
final class RecordingPortal implements AutoCloseable {
    record Seen(String method, String uri, Map<String, List<String>> headers, String body) {
        List<String> all(String name) {
            return headers.getOrDefault(name, List.of());
        }

        String one(String name) {
            assertThat(all(name)).as(name + " at the portal").hasSize(1);
            return all(name).get(0);
        }
    }

    final int port;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    private RecordingPortal(int port) throws IOException {
        this.port = port;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", exchange -> {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders()
                    .forEach((k, v) ->
                            headers.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(new Seen(
                    exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body));
            byte[] answer = ("portal: " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    static RecordingPortal start(int port) throws IOException {
        return new RecordingPortal(port);
    }

    int count() {
        return seen.size();
    }

    Seen last() {
        return seen.get(seen.size() - 1);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
