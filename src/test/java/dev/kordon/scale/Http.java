package dev.kordon.scale;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Blocking HTTP for the harness's single calls (admin API, one step of a flow). */
final class Http {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An answer: status, body, the Retry-After header if any. */
    record Answer(int status, String body, String retryAfter) {
        JsonObject json() {
            return new JsonObject(body);
        }

        @Override
        public String toString() {
            return status + (retryAfter != null ? " Retry-After=" + retryAfter : "") + " " + body;
        }
    }

    private Http() {}

    static Answer postJson(String url, JsonObject body, String bearer, String forwardedFor) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body.encode(), StandardCharsets.UTF_8));
        return send(b, bearer, forwardedFor);
    }

    static Answer post(String url, String contentType, String body, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return send(b, bearer, null);
    }

    static Answer putJson(String url, JsonObject body, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.encode(), StandardCharsets.UTF_8));
        return send(b, bearer, null);
    }

    static Answer get(String url, String bearer) {
        return send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(20))
                        .GET(),
                bearer,
                null);
    }

    private static Answer send(HttpRequest.Builder b, String bearer, String forwardedFor) {
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(
                    r.statusCode(),
                    r.body(),
                    r.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
