package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.kordon.support.CookieJar;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Ports;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Forward auth as operators run it: the nginx configuration of docs/edge.md, as written (only addresses
 * and TLS lines swapped for loopback ones), in Debian's nginx in front of a real Kordon and a
 * portal that records every request it receives. Kordon's side of Traefik and Envoy (their
 * X-Forwarded-* headers, Envoy's path suffix) is checked against Kordon directly.
 */
class ForwardAuthNginxTest {
    static final Path NGINX = Path.of("/usr/sbin/nginx");
    static final String PHONE = "+375293100001";
    static final String PASSWORD = LogCapture.secret("Forward-Auth-Password-7");
    static final String HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    static final String JSON = "application/json";
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final Pattern RETURN = Pattern.compile("name=\"return\" value=\"([^\"]+)\"");

    static Rig rig;
    static String subject;
    static Portal portal;
    static Process nginx;
    static Path dir;
    static int nginxPort;
    static String base;

    @BeforeAll
    static void up() throws Exception {
        nginxPort = Ports.free();
        base = "http://127.0.0.1:" + nginxPort;
        // The portal's origin is nginx's; plain HTTP on loopback, hence cookies without Secure.
        rig = Rig.builder()
                .set("portal.url", base + "/")
                .set("cookie.secure", false)
                .set("web.return-origins", List.of("https://my.example.by"))
                .start();
        subject = rig.account(PHONE, PASSWORD).id().toString();
        // A role other than the default, so the header's value is seen to come from the account.
        assertThat(rig.admin(
                                HttpMethod.PUT,
                                "/admin/v1/accounts/mobile/" + PHONE,
                                new JsonObject()
                                        .put("tariff", Rig.TARIFF)
                                        .put("email", "org@example.by")
                                        .put("role", "administrator")
                                        .put("status", "active"),
                                Rig.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(200);
        portal = Portal.start(Ports.free());
        if (Files.isExecutable(NGINX)) {
            startNginx();
        } else if ("true".equals(System.getenv("KORDON_REQUIRE_SCALE_OUT"))) {
            throw new IllegalStateException(NGINX + " is needed for the forward-auth tests (apt-get install nginx)");
        }
    }

    @AfterAll
    static void down() {
        if (nginx != null) {
            nginx.destroy();
            try {
                if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                    nginx.descendants().forEach(ProcessHandle::destroyForcibly);
                    nginx.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (portal != null) {
            portal.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    private static void needNginx() {
        Assumptions.assumeTrue(
                nginx != null,
                "forward-auth nginx tests skipped: no " + NGINX
                        + " (KORDON_REQUIRE_SCALE_OUT=true makes this a failure)");
    }

    // ---- nginx with the configuration of docs/edge.md

    /** docs/edge.md's nginx block, exactly; the test only points it at its own ports. */
    static String readmeNginx() throws IOException {
        String readme = Files.readString(Path.of("docs", "edge.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("\n## Behind nginx / Traefik / Envoy\n");
        assertThat(section).as("docs/edge.md's forward-auth section").isPositive();
        int start = readme.indexOf("```nginx\n", section);
        assertThat(start).as("its nginx block").isPositive();
        start += "```nginx\n".length();
        return readme.substring(start, readme.indexOf("\n```\n", start) + 1);
    }

    /** Replaces text that must be in the documented block exactly once, so the page cannot drift unnoticed. */
    static String once(String text, String from, String to) {
        assertThat(text.split(Pattern.quote(from), -1).length - 1)
                .as("occurrences of «" + from.strip() + "»")
                .isEqualTo(1);
        return text.replace(from, to);
    }

    static void startNginx() throws Exception {
        dir = Files.createDirectories(Path.of("target", "forward-auth-nginx").toAbsolutePath());
        String site = readmeNginx();
        site = once(site, "server 127.0.0.1:8080;", "server 127.0.0.1:" + rig.running.httpPort() + ";");
        site = once(site, "server 127.0.0.1:3000;", "server 127.0.0.1:" + portal.port + ";");
        site = once(site, "listen 443 ssl;", "listen 127.0.0.1:" + nginxPort + ";");
        site = once(site, "    ssl_certificate     /etc/ssl/certs/my.example.by.pem;\n", "");
        site = once(site, "    ssl_certificate_key /etc/ssl/private/my.example.by.key;\n", "");
        StringBuilder temps = new StringBuilder();
        for (String t : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            Files.createDirectories(dir.resolve("temp").resolve(t));
            temps.append("  ")
                    .append(t)
                    .append("_temp_path ")
                    .append(dir.resolve("temp").resolve(t))
                    .append(";\n");
        }
        Files.deleteIfExists(dir.resolve("error.log"));
        Files.deleteIfExists(dir.resolve("access.log"));
        // As root the workers would otherwise run as nobody, who cannot write this directory.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(
                conf,
                user
                        + "daemon off;\n"
                        + "master_process on;\n"
                        + "worker_processes 1;\n"
                        + "pid " + dir.resolve("nginx.pid") + ";\n"
                        + "error_log " + dir.resolve("error.log") + " warn;\n"
                        + "events { worker_connections 256; }\n"
                        + "http {\n"
                        + "  access_log " + dir.resolve("access.log") + ";\n"
                        + temps
                        + site
                        + "}\n",
                StandardCharsets.UTF_8);
        nginx = new ProcessBuilder(
                        NGINX.toString(),
                        "-e",
                        dir.resolve("error.log").toString(),
                        "-p",
                        dir + "/",
                        "-c",
                        conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!listening(nginxPort)) {
            if (!nginx.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("stdout.log"))
                        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
            Thread.sleep(50);
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- the portal: records what reaches it

    record Seen(String method, String uri, Map<String, List<String>> headers, String body) {
        List<String> all(String name) {
            return headers.getOrDefault(name, List.of());
        }

        String one(String name) {
            assertThat(all(name)).as(name + " at the portal").hasSize(1);
            return all(name).get(0);
        }
    }

    static final class Portal implements AutoCloseable {
        final int port;
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        private Portal(int port) throws IOException {
            this.port = port;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
            server.createContext("/", exchange -> {
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders()
                        .forEach((k, v) -> headers.computeIfAbsent(k, x -> new ArrayList<>())
                                .addAll(v));
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

        static Portal start(int port) throws IOException {
            return new Portal(port);
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

    // ---- clients

    static MultiMap headers(String... nameValue) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.add(nameValue[i], nameValue[i + 1]);
        }
        return m;
    }

    /** A request through nginx. */
    static HttpResponse<Buffer> viaNginx(HttpMethod method, String path, MultiMap headers, String body) {
        var req = rig.http.request(method, nginxPort, "127.0.0.1", path).followRedirects(false);
        req.putHeaders(headers);
        return Rig.await(body == null ? req.send() : req.sendBuffer(Buffer.buffer(body)));
    }

    static HttpResponse<Buffer> viaNginx(String path, MultiMap headers) {
        return viaNginx(HttpMethod.GET, path, headers, null);
    }

    /** A request to Kordon itself, as a proxy would ask it. */
    static HttpResponse<Buffer> toKordon(HttpMethod method, String path, MultiMap headers) {
        var req = rig.http
                .request(method, rig.running.httpPort(), "127.0.0.1", path)
                .followRedirects(false);
        req.putHeaders(headers);
        return Rig.await(req.send());
    }

    static String accessToken() {
        return rig.login(PHONE, PASSWORD).bodyAsJsonObject().getString("access_token");
    }

    static String signInLocation(String origin, String original) {
        return origin + "/login?return=" + URLEncoder.encode(original, StandardCharsets.UTF_8);
    }

    /** A browser with a cookie jar, walking through nginx. */
    static final class Browser {
        final CookieJar jar = new CookieJar();

        HttpResponse<Buffer> get(String path) {
            return jar.keep(viaNginx(path, headers("Accept", HTML, "Cookie", jar.header())));
        }

        HttpResponse<Buffer> post(String path, MultiMap form) {
            var req = rig.http
                    .request(HttpMethod.POST, nginxPort, "127.0.0.1", path)
                    .followRedirects(false)
                    .putHeader("Accept", HTML)
                    .putHeader("Cookie", jar.header());
            return jar.keep(Rig.await(req.sendForm(form)));
        }
    }

    /** Sends a browser that is not signed in to the page and through the sign-in form; returns the browser. */
    static Browser signedInBrowser(String path) {
        Browser b = new Browser();
        String original = base + path;
        int before = portal.count();
        var first = b.get(path);
        assertThat(first.statusCode()).isEqualTo(302);
        assertThat(first.getHeader("Location")).isEqualTo(signInLocation(base, original));
        assertThat(portal.count())
                .as("the portal is not called for a browser that is not signed in")
                .isEqualTo(before);

        var page = b.get(first.getHeader("Location").substring(base.length()));
        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.bodyAsString();
        Matcher csrf = CSRF.matcher(html);
        Matcher ret = RETURN.matcher(html);
        assertThat(csrf.find()).isTrue();
        assertThat(ret.find()).as("the sign-in form carries the return URL").isTrue();
        String carried = ret.group(1).replace("&amp;", "&");
        assertThat(carried).isEqualTo(original);

        var signIn = b.post(
                "/login",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf.group(1))
                        .add("mode", "password")
                        .add("category", "mobile")
                        .add("login", "293100001")
                        .add("password", PASSWORD)
                        .add("return", carried));
        assertThat(signIn.statusCode()).isEqualTo(303);
        assertThat(signIn.getHeader("Location")).as("back where it was going").isEqualTo(original);
        assertThat(b.jar).containsKey("kordon-session");
        return b;
    }

    static void assertIdentity(Seen seen) {
        assertThat(seen.one("X-Kordon-Subject")).isEqualTo(subject);
        assertThat(seen.one("X-Kordon-Login")).isEqualTo(PHONE);
        assertThat(seen.one("X-Kordon-Role")).isEqualTo("administrator");
    }

    // ---- through nginx

    @Test
    void aBearerTokenReachesThePortalAsKordonsIdentityWithTheAuthorizationHeaderPassedOn() {
        needNginx();
        String at = accessToken();
        int before = portal.count();
        var r = viaNginx("/bills?month=5", headers("Authorization", "Bearer " + at, "Accept", JSON));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsString()).isEqualTo("portal: /bills?month=5");
        assertThat(portal.count()).isEqualTo(before + 1);
        Seen seen = portal.last();
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.uri()).isEqualTo("/bills?month=5");
        assertIdentity(seen);
        // The portal is the token's audience: it gets the header as sent and may verify it itself.
        assertThat(seen.one("Authorization")).isEqualTo("Bearer " + at);

        // A POST keeps its method and body; the check before it carries neither.
        var post = viaNginx(
                HttpMethod.POST,
                "/orders",
                headers("Authorization", "Bearer " + at, "Accept", JSON, "Content-Type", JSON),
                "{\"n\":1}");
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(portal.last().method()).isEqualTo("POST");
        assertThat(portal.last().body()).isEqualTo("{\"n\":1}");
        assertIdentity(portal.last());
    }

    @Test
    void aBrowserIsSentToSignInAndBackAndThenReachesThePortalByItsSessionCookie() {
        needNginx();
        String path = "/bills/list?month=5&note=a%2Fb%26c";
        Browser b = signedInBrowser(path);
        int before = portal.count();
        var r = b.get(path);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(portal.count()).isEqualTo(before + 1);
        assertThat(portal.last().uri()).isEqualTo(path);
        assertIdentity(portal.last());
    }

    @Test
    void forgedIdentityHeadersNeverReachThePortal() {
        needNginx();
        String at = accessToken();
        String forgedSubject = UUID.randomUUID().toString();
        MultiMap forged = headers(
                "X-Kordon-Login",
                "+375290000000",
                "x-kordon-login",
                "+375290000001",
                "X-Kordon-Subject",
                forgedSubject,
                "X-Kordon-Role",
                "supervisor",
                "X-KORDON-ROLE",
                "supervisor");

        // With a valid token: the portal sees Kordon's values, once each, and none of the client's.
        var withToken = viaNginx(
                "/me", headers("Authorization", "Bearer " + at, "Accept", JSON).addAll(forged));
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertIdentity(portal.last());

        // With the session cookie: the same.
        Browser b = signedInBrowser("/profile");
        var withCookie = viaNginx(
                "/profile", headers("Accept", HTML, "Cookie", b.jar.header()).addAll(forged));
        assertThat(withCookie.statusCode()).isEqualTo(200);
        assertIdentity(portal.last());

        // Without credentials the request never reaches the portal, whatever it claims.
        int before = portal.count();
        var api = viaNginx("/me", headers("Accept", JSON).addAll(forged));
        assertThat(api.statusCode()).isEqualTo(401);
        var browser = viaNginx("/me", headers("Accept", HTML).addAll(forged));
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(portal.count()).isEqualTo(before);
    }

    @Test
    void anAlteredOrGarbageTokenIsA401AndThePortalIsNotCalled() {
        needNginx();
        String at = accessToken();
        String[] parts = at.split("\\.");
        List<String> bad = List.of(
                parts[0] + "." + flipMiddle(parts[1]) + "." + parts[2],
                parts[0] + "." + parts[1] + "." + flipMiddle(parts[2]),
                "garbage",
                "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        int before = portal.count();
        for (String token : bad) {
            var r = viaNginx("/bills", headers("Authorization", "Bearer " + token, "Accept", JSON));
            assertThat(r.statusCode()).as(token).isEqualTo(401);
            assertThat(r.getHeader("Location")).as(token).isNull();
        }
        assertThat(viaNginx("/bills", headers("Accept", JSON)).statusCode())
                .as("no credentials at all")
                .isEqualTo(401);
        assertThat(portal.count()).isEqualTo(before);
        // The real token still works: the refusals were about the alterations.
        assertThat(viaNginx("/bills", headers("Authorization", "Bearer " + at, "Accept", JSON))
                        .statusCode())
                .isEqualTo(200);
    }

    /** One character in the middle changed (the middle: every bit of it counts, unlike the last one's). */
    static String flipMiddle(String segment) {
        int i = segment.length() / 2;
        char c = segment.charAt(i);
        return segment.substring(0, i) + (c == 'A' ? 'B' : 'A') + segment.substring(i + 1);
    }

    @Test
    void aBrowserThatIsNotSignedInIsRedirectedToLoginWithASafeReturnUrl() {
        needNginx();
        int before = portal.count();
        String path = "/bills?month=5&q=%D1%81%D1%87%D1%91%D1%82";
        var r = viaNginx(path, headers("Accept", HTML));
        assertThat(r.statusCode()).isEqualTo(302);
        String location = r.getHeader("Location");
        assertThat(location).isEqualTo(signInLocation(base, base + path));
        assertThat(URLDecoder.decode(location.substring(location.indexOf("return=") + 7), StandardCharsets.UTF_8))
                .isEqualTo(base + path);

        // A client's own X-Original-URL is replaced by nginx: the return URL is where it really asked.
        var spoofed = viaNginx(path, headers("Accept", HTML, "X-Original-URL", "https://evil.example/phish"));
        assertThat(spoofed.getHeader("Location")).isEqualTo(signInLocation(base, base + path));

        // A host that is neither the portal's nor a configured return origin gets no redirect at all.
        var other = Rig.await(rig.http
                .request(HttpMethod.GET, nginxPort, "127.0.0.1", "/bills")
                .followRedirects(false)
                .virtualHost("evil.example")
                .putHeader("Accept", HTML)
                .send());
        assertThat(other.statusCode()).isEqualTo(401);
        assertThat(other.getHeader("Location")).isNull();

        // The check itself is internal to nginx.
        assertThat(viaNginx("/_kordon/verify", headers("Accept", JSON)).statusCode())
                .isEqualTo(404);
        assertThat(portal.count()).isEqualTo(before);
    }

    @Test
    void thePortalGetsTheBrowsersCookiesButNotKordonsSessionCookie() {
        needNginx();
        Browser b = signedInBrowser("/settings");
        String session = b.jar.get("kordon-session");
        String csrf = b.jar.get("kordon-csrf");
        assertThat(session).isNotNull();
        assertThat(csrf).isNotNull();

        // Kordon's session cookie among the portal's own, and the production name as well (both go).
        var r = viaNginx(
                "/settings",
                headers(
                        "Accept",
                        HTML,
                        "Cookie",
                        "app-pref=dark; kordon-session=" + session + "; kordon-csrf=" + csrf
                                + "; __Host-kordon-session=another; note=kordon-session=keep; theme=1"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertIdentity(portal.last());
        assertThat(portal.last().one("Cookie"))
                .isEqualTo("app-pref=dark; kordon-csrf=" + csrf + "; note=kordon-session=keep; theme=1");

        // Only Kordon's session cookie: the portal gets no Cookie header at all.
        var only = viaNginx("/settings", headers("Accept", HTML, "Cookie", "kordon-session=" + session));
        assertThat(only.statusCode()).isEqualTo(200);
        assertThat(portal.last().all("Cookie")).isEmpty();
        assertThat(portal.last().all("Authorization")).isEmpty();
        assertIdentity(portal.last());
    }

    // ---- Kordon's side of Traefik and Envoy, asked directly

    @Test
    void traefikStyleChecksGetTheRedirectThemselves() {
        MultiMap traefik = headers(
                "X-Forwarded-Proto",
                "https",
                "X-Forwarded-Host",
                "my.example.by",
                "X-Forwarded-Uri",
                "/bills?month=5",
                "X-Forwarded-Method",
                "GET");
        var browser = toKordon(
                HttpMethod.GET,
                "/auth/verify",
                MultiMap.caseInsensitiveMultiMap().addAll(traefik).add("Accept", HTML));
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.getHeader("Location"))
                .isEqualTo(signInLocation("https://my.example.by", "https://my.example.by/bills?month=5"));
        assertThat(browser.getHeader("Cache-Control")).isEqualTo("no-store");

        // An API client gets the 401; a host Kordon would not return to, or a URI that is not a path, gets no redirect.
        assertThat(toKordon(
                                HttpMethod.GET,
                                "/auth/verify",
                                MultiMap.caseInsensitiveMultiMap()
                                        .addAll(traefik)
                                        .add("Accept", JSON))
                        .statusCode())
                .isEqualTo(401);
        var elsewhere = toKordon(
                HttpMethod.GET,
                "/auth/verify",
                headers(
                        "X-Forwarded-Proto",
                        "https",
                        "X-Forwarded-Host",
                        "evil.example",
                        "X-Forwarded-Uri",
                        "/",
                        "Accept",
                        HTML));
        assertThat(elsewhere.statusCode()).isEqualTo(401);
        assertThat(elsewhere.getHeader("Location")).isNull();
        var notAPath = toKordon(
                HttpMethod.GET,
                "/auth/verify",
                headers(
                        "X-Forwarded-Proto",
                        "https",
                        "X-Forwarded-Host",
                        "my.example.by",
                        "X-Forwarded-Uri",
                        "@evil.example/",
                        "Accept",
                        HTML));
        assertThat(notAPath.statusCode()).isEqualTo(401);
        assertThat(notAPath.getHeader("Location")).isNull();

        String at = accessToken();
        var ok = toKordon(
                HttpMethod.GET,
                "/auth/verify",
                MultiMap.caseInsensitiveMultiMap()
                        .addAll(traefik)
                        .add("Accept", HTML)
                        .add("Authorization", "Bearer " + at));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.getHeader("X-Kordon-Subject")).isEqualTo(subject);
    }

    @Test
    void envoyStyleChecksAreAnsweredAtThePathSuffixWithAnyMethod() {
        var browser = Rig.await(rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", "/auth/verify/bills?month=5")
                .followRedirects(false)
                .putHeader("Host", "my.example.by")
                .putHeader("X-Forwarded-Proto", "https")
                .putHeader("Accept", HTML)
                .send());
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.getHeader("Location"))
                .isEqualTo(signInLocation("https://my.example.by", "https://my.example.by/bills?month=5"));

        String at = accessToken();
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PUT)) {
            var ok = toKordon(method, "/auth/verify/orders/7", headers("Authorization", "Bearer " + at));
            assertThat(ok.statusCode()).as(method.name()).isEqualTo(200);
            assertThat(ok.getHeader("X-Kordon-Subject")).isEqualTo(subject);
            assertThat(ok.getHeader("X-Kordon-Login")).isEqualTo(PHONE);
            assertThat(ok.getHeader("X-Kordon-Role")).isEqualTo("administrator");
            assertThat(toKordon(method, "/auth/verify/orders/7", headers("Accept", JSON))
                            .statusCode())
                    .as(method.name())
                    .isEqualTo(401);
        }
    }

    @Test
    void nginxStyleChecksGetA401CarryingTheWayToSignIn() {
        var r = toKordon(
                HttpMethod.GET, "/auth/verify", headers("X-Original-URL", base + "/bills?a=1&b=2", "Accept", HTML));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.getHeader("Location")).isEqualTo(signInLocation(base, base + "/bills?a=1&b=2"));
        // Without any hint of the original URL: the plain 401, as before.
        var plain = toKordon(HttpMethod.GET, "/auth/verify", headers("Accept", HTML));
        assertThat(plain.statusCode()).isEqualTo(401);
        assertThat(plain.getHeader("Location")).isNull();
        assertThat(plain.getHeader("Content-Type")).startsWith("application/problem+json");
    }
}
