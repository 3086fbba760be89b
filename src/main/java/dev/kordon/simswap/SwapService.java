package dev.kordon.simswap;

import dev.kordon.config.KordonConfig;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * CAMARA SIM Swap's {@code POST /check}, one deadline per call ({@code sim-swap.timeout}, the token
 * request included), behind a breaker: after {@code sim-swap.breaker.failures} outages (no answer in
 * time, no connection, 5xx, 429, a malformed answer) it answers at once for
 * {@code sim-swap.breaker.reset}, then lets one call try. An answer that is the service's word on
 * the request (400, 403, 404, 422) is not an outage: it is unanswered, but counts nothing.
 */
final class SwapService {
    /** Why a check has no answer: a word for the audit and the logs, never a number or a token. */
    static final class Unanswered extends RuntimeException {
        final boolean breakerOpen;

        Unanswered(String reason, boolean breakerOpen) {
            super(reason, null, false, false);
            this.breakerOpen = breakerOpen;
        }
    }

    /** {@code swapped}, or null with the reason the service gave no answer for this request. */
    record Answer(Boolean swapped, String reason) {}

    private final KordonConfig.SimSwap config;
    private final WebClient web;
    private final CheckToken token;
    private final CircuitBreaker breaker;

    SwapService(Vertx vertx, KordonConfig.SimSwap config, CheckToken token) {
        this.config = config;
        this.token = token;
        // A burst of SMS code requests checks at once: with Vert.x's default of 5 connections a 40 ms
        // service answers 125 checks/s, and the rest queue past the deadline and open the breaker.
        this.web = WebClient.create(
                vertx,
                new WebClientOptions().setConnectTimeout((int) config.timeout().toMillis()),
                new PoolOptions().setHttp1MaxSize(config.connections()));
        this.breaker = CircuitBreaker.create(
                "sim-swap",
                vertx,
                new CircuitBreakerOptions()
                        .setMaxFailures(config.breakerFailures())
                        .setTimeout(config.timeout().toMillis())
                        .setResetTimeout(config.breakerReset().toMillis())
                        .setFailuresRollingWindow(Math.max(config.breakerReset().toMillis(), 10_000))
                        .setNotificationAddress(null));
    }

    boolean breakerOpen() {
        return breaker.state() != CircuitBreakerState.CLOSED;
    }

    /** The service's answer for the number; a failed future ({@link Unanswered}) when it gave none. */
    Future<Answer> check(String e164, String correlator) {
        return breaker.<Answer>execute(() -> attempt(e164, correlator, true)).recover(err -> {
            if (err instanceof Unanswered u) {
                return Future.failedFuture(u);
            }
            if (err instanceof OpenCircuitException) {
                return Future.failedFuture(new Unanswered("breaker_open", true));
            }
            String reason = err instanceof io.vertx.circuitbreaker.TimeoutException
                            || err instanceof java.util.concurrent.TimeoutException
                    ? "timeout"
                    : "unreachable";
            return Future.failedFuture(new Unanswered(reason, false));
        });
    }

    private Future<Answer> attempt(String e164, String correlator, boolean mayRenew) {
        return token.get()
                .recover(err -> Future.failedFuture(new Unanswered("token", false)))
                .compose(t -> web.postAbs(config.url() + "/check")
                        .timeout(config.timeout().toMillis())
                        .putHeader("x-correlator", correlator)
                        .bearerTokenAuthentication(t)
                        .sendJsonObject(new JsonObject()
                                .put("phoneNumber", e164)
                                .put("maxAge", config.maxAge().toHours()))
                        .compose(r -> {
                            if (r.statusCode() == 401 && mayRenew) {
                                // The token was revoked or expired early: one new token, one more try.
                                token.drop(t);
                                return attempt(e164, correlator, false);
                            }
                            return answer(r);
                        }));
    }

    private static Future<Answer> answer(HttpResponse<Buffer> r) {
        int status = r.statusCode();
        if (status == 200) {
            try {
                Object swapped = r.bodyAsJsonObject().getValue("swapped");
                if (swapped instanceof Boolean b) {
                    return Future.succeededFuture(new Answer(b, null));
                }
            } catch (RuntimeException malformed) {
                // below
            }
            return Future.failedFuture(new Unanswered("malformed", false));
        }
        if (status == 429 || status >= 500) {
            return Future.failedFuture(new Unanswered("status_" + status, false));
        }
        return Future.succeededFuture(new Answer(null, "status_" + status + code(r)));
    }

    /** The CAMARA error code ({@code OUT_OF_RANGE}, ...), when the answer carries one. */
    private static String code(HttpResponse<Buffer> r) {
        try {
            String code = r.bodyAsJsonObject().getString("code");
            return code != null && code.matches("[A-Z_.]{1,64}") ? "_" + code : "";
        } catch (RuntimeException e) {
            return "";
        }
    }
}
