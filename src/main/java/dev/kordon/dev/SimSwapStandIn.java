package dev.kordon.dev;

import dev.kordon.config.ConfigTree;
import dev.kordon.server.Routes;
import dev.kordon.simswap.SwapEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Dev mode's stand-in for the operator's CAMARA SIM Swap service, on the public port under
 * {@code /dev/camara}: an OAuth 2.0 token endpoint (client credentials) and {@code /sim-swap/v2/check}
 * and {@code /retrieve-date} as the spec has them, so Kordon's own client is exercised. {@code POST
 * /dev/sim-swap} marks a number swapped now and pushes the CloudEvent the network would push to
 * Kordon's event endpoint on the admin port, with the events' dev secret.
 */
final class SimSwapStandIn {
    static final String CLIENT_ID = "kordon-dev";
    /** Dev mode's own, known from the README as the admin token is; both go to files, as outside dev mode. */
    static final String CLIENT_SECRET = "dev-sim-swap-client-secret";

    static final String EVENTS_SECRET = "dev-sim-swap-events-secret";
    private static final String BASE = "/dev/camara";
    private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{4,14}");

    private final Path clientSecret;
    private final Path eventsSecret;
    private final Map<String, Instant> swaps = new ConcurrentHashMap<>();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile int httpPort;
    private volatile int adminPort;

    private SimSwapStandIn(Path clientSecret, Path eventsSecret) {
        this.clientSecret = clientSecret;
        this.eventsSecret = eventsSecret;
    }

    static SimSwapStandIn create() throws IOException {
        Path client = Files.createTempFile("kordon-dev-sim-swap-client-", ".secret");
        Path events = Files.createTempFile("kordon-dev-sim-swap-events-", ".secret");
        Files.writeString(client, CLIENT_SECRET);
        Files.writeString(events, EVENTS_SECRET);
        return new SimSwapStandIn(client, events);
    }

    /** The event endpoint on, with the dev secret; the SIM swap check (when this build has it) pointed here. */
    ConfigTree apply(ConfigTree t) {
        httpPort = t.integer("http.port", 0, 65535);
        adminPort = t.integer("admin.port", 0, 65535);
        ConfigTree out = t.with("sim-swap.events.secret-file", eventsSecret.toString());
        if (t.keys().contains("sim-swap.url") && httpPort != 0) {
            String origin = "http://127.0.0.1:" + httpPort + BASE;
            out = out.with("sim-swap.url", origin + "/sim-swap/v2")
                    .with("sim-swap.token-url", origin + "/oauth2/token")
                    .with("sim-swap.client-id", CLIENT_ID)
                    .with("sim-swap.client-secret-file", clientSecret.toString());
        }
        return out;
    }

    /** The ports as bound, once Kordon is up (a port of 0 in the configuration is known only then). */
    void ports(int http, int admin) {
        httpPort = http;
        adminPort = admin;
    }

    void routes(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(4096);
        router.post(BASE + "/oauth2/token").handler(body).handler(this::token);
        router.post(BASE + "/sim-swap/v2/check").handler(body).handler(ctx -> answer(ctx, true));
        router.post(BASE + "/sim-swap/v2/retrieve-date").handler(body).handler(ctx -> answer(ctx, false));
        router.post("/dev/sim-swap").handler(body).handler(this::swap);
    }

    /** RFC 6749 client credentials, the client authenticated by HTTP Basic or in the form. */
    private void token(RoutingContext ctx) {
        var req = ctx.request();
        String[] basic = basic(req.getHeader("Authorization"));
        String id = basic != null ? basic[0] : req.getFormAttribute("client_id");
        String secret = basic != null ? basic[1] : req.getFormAttribute("client_secret");
        if (!"client_credentials".equals(req.getFormAttribute("grant_type"))) {
            Routes.json(ctx, 400, new JsonObject().put("error", "unsupported_grant_type"));
        } else if (!CLIENT_ID.equals(id) || !CLIENT_SECRET.equals(secret)) {
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"sim-swap\"");
            Routes.json(ctx, 401, new JsonObject().put("error", "invalid_client"));
        } else {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            tokens.put(token, Instant.now().plus(Duration.ofHours(1)));
            Routes.json(
                    ctx,
                    200,
                    new JsonObject()
                            .put("access_token", token)
                            .put("token_type", "Bearer")
                            .put("expires_in", 3600)
                            .put("scope", "sim-swap:check sim-swap:retrieve-date"));
        }
    }

    /** {@code /check} ({@code check}) or {@code /retrieve-date}, with the spec's error shapes. */
    private void answer(RoutingContext ctx, boolean check) {
        String auth = ctx.request().getHeader("Authorization");
        Instant valid = auth == null || !auth.startsWith("Bearer ") ? null : tokens.get(auth.substring(7));
        if (valid == null || valid.isBefore(Instant.now())) {
            camaraError(
                    ctx,
                    401,
                    "UNAUTHENTICATED",
                    "Request not authenticated due to missing, invalid, or expired credentials.");
            return;
        }
        JsonObject body = jsonBody(ctx);
        Object phone = body == null ? null : body.getValue("phoneNumber");
        Object age = body == null ? null : body.getValue("maxAge", 240);
        if (!(phone instanceof String p) || !PHONE.matcher(p).matches()) {
            camaraError(
                    ctx, 400, "INVALID_ARGUMENT", "Client specified an invalid argument, request body or query param.");
        } else if (!(age instanceof Integer hours) || hours < 1 || hours > 2400) {
            camaraError(ctx, 400, "OUT_OF_RANGE", "Client specified an invalid range.");
        } else {
            Instant at = swaps.get(p);
            correlate(ctx);
            Routes.json(
                    ctx,
                    200,
                    check
                            ? new JsonObject()
                                    .put(
                                            "swapped",
                                            at != null
                                                    && at.isAfter(Instant.now().minus(Duration.ofHours(hours))))
                            : new JsonObject().put("latestSimChange", at == null ? null : at.toString()));
        }
    }

    /** Marks the number swapped now, then pushes the CloudEvent to Kordon's event endpoint. */
    private void swap(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx);
        Object phone = body == null ? null : body.getValue("phoneNumber");
        if (!(phone instanceof String p) || !PHONE.matcher(p).matches()) {
            Routes.json(
                    ctx,
                    400,
                    new JsonObject().put("error", "phoneNumber: the number in E.164, with its plus and country code"));
            return;
        }
        Instant now = Instant.now();
        swaps.put(p, now);
        JsonObject event = new JsonObject()
                .put("id", UUID.randomUUID().toString())
                .put("source", "http://localhost:" + httpPort + BASE)
                .put("type", SwapEvent.SWAPPED)
                .put("specversion", "1.0")
                .put("datacontenttype", "application/json")
                .put("time", now.toString())
                .put("data", new JsonObject().put("phoneNumber", p).put("subscriptionId", "dev"));
        push(ctx, event)
                .onComplete(ar -> Routes.json(
                        ctx,
                        200,
                        new JsonObject()
                                .put("phoneNumber", p)
                                .put("swapped_at", now.toString())
                                .put("event_id", event.getString("id"))
                                .put("pushed", ar.succeeded() ? ar.result() : null)));
    }

    /** The event's answer status from the admin port. */
    private Future<Integer> push(RoutingContext ctx, JsonObject event) {
        HttpClient client = ctx.vertx().createHttpClient();
        return client.request(new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setHost("127.0.0.1")
                        .setPort(adminPort)
                        .setURI("/admin/v1/events/sim-swap")
                        .putHeader("Content-Type", "application/cloudevents+json")
                        .putHeader("Authorization", "Bearer " + EVENTS_SECRET))
                .compose(req -> req.send(Buffer.buffer(event.encode())))
                .compose(res -> res.body().map(b -> res))
                .map(HttpClientResponse::statusCode)
                .onComplete(ar -> client.close());
    }

    private static String[] basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String[] pair = new String(
                            Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8)
                    .split(":", 2);
            return pair.length == 2
                    ? new String[] {
                        URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                        URLDecoder.decode(pair[1], StandardCharsets.UTF_8)
                    }
                    : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static JsonObject jsonBody(RoutingContext ctx) {
        try {
            return ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void correlate(RoutingContext ctx) {
        String correlator = ctx.request().getHeader("x-correlator");
        if (correlator != null && correlator.matches("[a-zA-Z0-9_:;./<>{}-]{0,256}")) {
            ctx.response().putHeader("x-correlator", correlator);
        }
    }

    private static void camaraError(RoutingContext ctx, int status, String code, String message) {
        correlate(ctx);
        Routes.json(
                ctx,
                status,
                new JsonObject().put("status", status).put("code", code).put("message", message));
    }

    void stop() {
        try {
            Files.deleteIfExists(clientSecret);
            Files.deleteIfExists(eventsSecret);
        } catch (IOException ignored) {
            // best effort on the way out
        }
    }
}
