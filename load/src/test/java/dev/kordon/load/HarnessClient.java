package dev.kordon.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sign-ins the harness makes itself, outside every measured scenario: the tokens that refresh
 * and verify replay, the unloaded latency, and a browser session for the cookie path of verify.
 */
final class HarnessClient {
    private static final Pattern ACCESS = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern REFRESH = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code count} real sign-ins on {@code threads} threads; their tokens go to the pool. */
    void tokens(String baseUrl, Pool pool, int count, int threads) throws Exception {
        ExecutorService setup = Executors.newFixedThreadPool(threads);
        List<Future<String>> signIns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String phone = pool.cycled();
            String ip = pool.ip();
            signIns.add(setup.submit(() -> signIn(baseUrl, phone, ip)));
        }
        for (Future<String> f : signIns) {
            String body = f.get();
            pool.access.add(group(ACCESS, body));
            pool.refresh.add(group(REFRESH, body));
        }
        setup.shutdown();
    }

    String signIn(String baseUrl, String phone, String ip) throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/login/password"))
                        .header("Content-Type", "application/json")
                        .header("X-Forwarded-For", ip)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"category\":\"mobile\",\"login\":\"" + phone
                                + "\",\"password\":\"" + Pool.PASSWORD + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("setup sign-in of " + phone + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** A browser sign-in through the page form (CSRF cookie and field, then POST /login): the session cookie. */
    String sessionCookie(String baseUrl, String phone, String ip) throws Exception {
        HttpResponse<String> page = client.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/login"))
                        .header("Accept", "text/html")
                        .header("X-Forwarded-For", ip)
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String csrfCookie = page.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("kordon-csrf="))
                .map(c -> c.split(";")[0])
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no CSRF cookie from GET /login"));
        String field = group(CSRF_FIELD, page.body());
        String form = "csrf=" + enc(field) + "&mode=password&category=mobile&login=" + enc(phone) + "&password="
                + enc(Pool.PASSWORD);
        HttpResponse<String> signIn = client.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/login"))
                        .header("Accept", "text/html")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Cookie", csrfCookie)
                        .header("X-Forwarded-For", ip)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return signIn.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("kordon-session="))
                .map(c -> c.split(";")[0])
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "no session cookie from POST /login: " + signIn.statusCode() + " " + signIn.body()));
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String group(Pattern p, String body) {
        Matcher m = p.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no " + p + " in " + body);
        }
        return m.group(1);
    }
}
