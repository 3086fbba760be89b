package dev.kordon.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.http.HttpDsl.flushCookieJar;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenID Connect code flow as a relying party and a browser drive it, one flow per iteration:
 * authorize (302 to the sign-in page), the sign-in page (its CSRF field and cookie), the password
 * form (303 back to authorize), authorize again (302 to the callback with a code), the code at the
 * token endpoint (200 with an ID token). Each step is recorded under its own name, the whole flow
 * as {@link #FLOW}, from the first request to the token's answer.
 */
final class OidcFlow {
    static final String FLOW = "oidc code flow";
    static final String CLIENT = "bench-portal";
    // Never visited: the browser stops at the 302 that carries the code.
    static final String CALLBACK = "https://portal.example.by/cb";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String CSRF = "name=\"csrf\" value=\"([^\"]+)\"";

    /** The registered client's secret, for the token endpoint's Basic auth (Gatling builds {@link Step} itself). */
    static volatile String secret = "";

    private OidcFlow() {}

    /** Registers the confidential client on Kordon's admin port; its secret. */
    static String register(KordonProcess kordon) throws Exception {
        String body = "{\"client_name\":\"Benchmark portal\",\"redirect_uris\":[\"" + CALLBACK + "\"],"
                + "\"token_endpoint_auth_method\":\"client_secret_basic\",\"scope\":\"openid phone\"}";
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kordon.env.get("KORDON_ADMIN_PORT")
                                + "/admin/v1/clients/" + CLIENT))
                        .header("Authorization", "Bearer " + kordon.env.get("KORDON_ADMIN_TOKEN"))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"client_secret\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        if ((r.statusCode() != 200 && r.statusCode() != 201) || !m.find()) {
            throw new IllegalStateException("OIDC client not registered: " + r.statusCode());
        }
        return m.group(1);
    }

    /** One full code flow for a fresh browser (no session cookie left from the last one). */
    static ChainBuilder chain(Pool pool) {
        return exec(flushCookieJar())
                .exec(s -> s.removeAll("code", "fst")
                        .set("phone", pool.cycled())
                        .set("ip", pool.ip())
                        .set(
                                "state",
                                Long.toHexString(ThreadLocalRandom.current().nextLong()))
                        .set("f0", System.currentTimeMillis()))
                .exitBlockOnFail()
                .on(steps())
                .exec(OidcFlow::recordFlow);
    }

    private static ChainBuilder steps() {
        return Step.call(
                        "oidc authorize",
                        http("GET /oauth2/authorize")
                                .get(s -> "/oauth2/authorize?response_type=code&client_id=" + CLIENT + "&redirect_uri="
                                        + enc(CALLBACK) + "&scope=openid&state=" + s.getString("state") + "&nonce="
                                        + s.getString("state"))
                                .disableFollowRedirect()
                                .header("Accept", "text/html"),
                        List.of(header("Location").transform(OidcFlow::local).saveAs("loginPage")),
                        302)
                .exec(Step.call(
                        "oidc sign-in page",
                        http("GET /login")
                                .get("#{loginPage}")
                                .disableUrlEncoding()
                                .disableFollowRedirect()
                                .header("Accept", "text/html"),
                        List.of(regex(CSRF).saveAs("csrf")),
                        200))
                .exec(Step.call(
                        "oidc sign-in",
                        http("POST /login")
                                .post("/login")
                                .disableFollowRedirect()
                                .header("Accept", "text/html")
                                .header("Content-Type", FORM)
                                .body(StringBody(OidcFlow::loginForm)),
                        List.of(header("Location").transform(OidcFlow::local).saveAs("back")),
                        303))
                .exec(Step.call(
                        "oidc authorize again",
                        http("GET /oauth2/authorize (signed in)")
                                .get("#{back}")
                                .disableUrlEncoding()
                                .disableFollowRedirect()
                                .header("Accept", "text/html"),
                        List.of(header("Location").transform(OidcFlow::code).saveAs("code")),
                        302))
                .exec(Step.call(
                        "oidc token",
                        http("POST /oauth2/token")
                                .post("/oauth2/token")
                                .disableFollowRedirect()
                                .header("Content-Type", FORM)
                                .header("Authorization", s -> basic())
                                .body(StringBody(s -> "grant_type=authorization_code&code=" + enc(s.getString("code"))
                                        + "&redirect_uri=" + enc(CALLBACK))),
                        List.of(jsonPath("$.id_token").exists()),
                        200))
                .exec(s -> s.set("fst", 200));
    }

    /** The flow as one sample: 200 when every step answered as it should, else the failing step's status or 0. */
    private static Session recordFlow(Session s) {
        int status = s.contains("fst") ? 200 : 0;
        if (status == 0 && s.contains("st")) {
            int st = s.getInt("st");
            status = st >= 400 ? st : 0;
        }
        Recorder.add(FLOW, s.getLong("f0"), System.currentTimeMillis(), status, false);
        return s.markAsSucceeded();
    }

    private static String loginForm(Session s) {
        String page = s.getString("loginPage");
        String ret = "";
        String query = URI.create(page).getRawQuery();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            if (pair.startsWith("return=")) {
                ret = URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
            }
        }
        return "csrf=" + enc(s.getString("csrf")) + "&mode=password&category=mobile&login=" + enc(s.getString("phone"))
                + "&password=" + enc(Pool.PASSWORD) + "&return=" + enc(ret);
    }

    /** Kordon's absolute URLs are on the issuer's origin; the harness talks to the server under test. */
    static String local(String url) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            return url;
        }
        URI u = URI.create(url);
        return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    /** The code from the callback URL the authorization sent the browser to. */
    static String code(String location) {
        if (!location.startsWith(CALLBACK + "?")) {
            throw new IllegalStateException("not the callback: " + location.replaceAll("\\?.*", "?…"));
        }
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            if (pair.startsWith("code=")) {
                return URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
        }
        throw new IllegalStateException("no code in the callback");
    }

    private static String basic() {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((enc(CLIENT) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
