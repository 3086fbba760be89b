package dev.kordon.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One scenario of the benchmark, chosen by {@link Plan#current}. Every request goes through
 * {@link #call}, which hands its status and response time to {@link Recorder}.
 */
public class Step extends Simulation {
    private static final String JSON_LOGIN = "{\"category\":\"mobile\",\"login\":\"#{phone}\"";

    /** When injection began: the burst's phases are timed from here. */
    static volatile long injectionStart;

    private final Plan plan = Plan.current;
    private final Pool pool = plan.pool();

    @Override
    public void before() {
        injectionStart = System.currentTimeMillis();
    }

    {
        HttpProtocolBuilder protocol = http.baseUrl(plan.baseUrl())
                .contentTypeHeader("application/json")
                .acceptHeader("application/json")
                .disableWarmUp();
        List<PopulationBuilder> populations = new ArrayList<>();
        switch (plan.kind()) {
            case BURST -> {
                double c = plan.rate();
                populations.add(scenario("password sign-in")
                        .exec(passwordSignIn("sign-in"))
                        .injectOpen(
                                rampUsersPerSec(Math.min(1, c)).to(c).during(seconds(plan.rampSeconds())),
                                constantUsersPerSec(c).during(seconds(plan.holdSeconds())),
                                constantUsersPerSec(2 * c).during(seconds(plan.spikeSeconds()))));
                populations.add(scenario("health during the burst")
                        .exec(call("health", http("GET /health/live").get("/health/live"), 200))
                        .injectOpen(constantUsersPerSec(plan.healthRate()).during(seconds(plan.seconds()))));
            }
            case SIGN_IN -> populations.add(closed("sign-in capacity", passwordSignIn("sign-in")));
            case OPEN_SIGN_IN ->
                populations.add(scenario("open sign-in")
                        .exec(passwordSignIn("sign-in"))
                        .injectOpen(constantUsersPerSec(plan.rate()).during(seconds(plan.seconds()))));
            case SMS -> populations.add(closed("sms sign-in", smsSignIn("", true)));
            case SMS_PAIR ->
                populations.add(closed("sms sign-in (sim swap pair)", smsSignIn(SimSwapPair.PREFIX, true)));
            case RECOVERY ->
                populations.add(scenario("recovery")
                        .exec(recovery("recovery"))
                        .injectOpen(constantUsersPerSec(plan.rate()).during(seconds(plan.seconds()))));
            case REFRESH -> populations.add(closed("refresh", refresh("refresh")));
            case VERIFY -> populations.add(closed("verify", verify("verify")));
            case OIDC -> populations.add(closed(OidcFlow.FLOW, OidcFlow.chain(pool)));
            case HELLO ->
                populations.add(closed("hello", call("hello", http("GET /").get("/"), 200)));
            case MIX ->
                populations.add(scenario("mix")
                        .exec(randomSwitch()
                                .on(
                                        percent(85).then(verify("mix verify")),
                                        percent(5).then(passwordSignIn("mix sign-in")),
                                        percent(6).then(refresh("mix refresh")),
                                        percent(2).then(smsSignIn("mix ", false)),
                                        percent(2).then(recovery("mix recovery"))))
                        .injectOpen(mixArrivals()));
        }
        setUp(populations).protocols(protocol).maxDuration(seconds(plan.seconds() + 60));
    }

    /** The mix's arrivals: constant, or (the soak) ramped up first, since a cold Kordon is not what it measures. */
    private io.gatling.javaapi.core.OpenInjectionStep[] mixArrivals() {
        if (plan.rampSeconds() <= 0) {
            return new io.gatling.javaapi.core.OpenInjectionStep[] {
                constantUsersPerSec(plan.rate()).during(seconds(plan.seconds()))
            };
        }
        return new io.gatling.javaapi.core.OpenInjectionStep[] {
            rampUsersPerSec(1).to(plan.rate()).during(seconds(plan.rampSeconds())),
            constantUsersPerSec(plan.rate()).during(seconds(plan.seconds() - plan.rampSeconds()))
        };
    }

    /** A closed loop: a fixed number of users, each asking again as soon as it has its answer. */
    private PopulationBuilder closed(String name, ChainBuilder chain) {
        // exitASAP off: an iteration always ends with its answer recorded.
        return scenario(name)
                .exec(during(seconds(plan.seconds()), false).on(exec(chain).exitHereIf(s -> s.contains("exhausted"))))
                .injectOpen(atOnceUsers(plan.users()));
    }

    private ChainBuilder passwordSignIn(String name) {
        return exec(s -> s.set("phone", pool.cycled()).set("ip", pool.ip()))
                .exec(call(
                        name,
                        http("POST /api/v1/login/password")
                                .post("/api/v1/login/password")
                                .body(StringBody(JSON_LOGIN + ",\"password\":\"" + Pool.PASSWORD + "\"}")),
                        200,
                        503));
    }

    /**
     * Code request, the code from the stand-in once Kordon's outbox has sent it, sign-in with it.
     * {@code timed}: also a "sms delivered" sample, from the 202 to the code's arrival, where any
     * work Kordon does after answering (the SIM swap check) shows; the mix keeps its own count.
     */
    private ChainBuilder smsSignIn(String prefix, boolean timed) {
        return once(prefix + "sms")
                .doIf(s -> !s.contains("exhausted"))
                .then(call(
                                prefix + "sms code",
                                http("POST /api/v1/login/sms-code")
                                        .post("/api/v1/login/sms-code")
                                        .body(StringBody(JSON_LOGIN + "}")),
                                202)
                        .doIf(s -> s.contains("st") && s.getInt("st") == 202)
                        .then(exec(s -> s.set("w0", System.currentTimeMillis()))
                                .asLongAs(s -> plan.sms().code(s.getString("phone")) == null
                                        && System.currentTimeMillis() - s.getLong("w0") < 10_000)
                                .on(pause(Duration.ofMillis(25)))
                                .exec(s -> {
                                    String phone = s.getString("phone");
                                    String code = plan.sms().take(phone);
                                    if (code != null && timed) {
                                        Recorder.add(
                                                prefix + "sms delivered",
                                                s.getLong("w0"),
                                                plan.sms().arrivedAt(phone),
                                                200,
                                                false);
                                    }
                                    return s.set("code", code == null ? "" : code);
                                })
                                .doIfOrElse(s -> s.getString("code").isEmpty())
                                .then(exec(s -> {
                                    // Never delivered: counted as an answer that did not come.
                                    Recorder.add(
                                            prefix + "sms sign-in",
                                            s.getLong("w0"),
                                            System.currentTimeMillis(),
                                            0,
                                            false);
                                    return s;
                                }))
                                .orElse(call(
                                        prefix + "sms sign-in",
                                        http("POST /api/v1/login/sms")
                                                .post("/api/v1/login/sms")
                                                .body(StringBody(JSON_LOGIN + ",\"code\":\"#{code}\"}")),
                                        200))));
    }

    private ChainBuilder recovery(String name) {
        return once(name)
                .doIf(s -> !s.contains("exhausted"))
                .then(call(
                        name,
                        http("POST /api/v1/password/recovery")
                                .post("/api/v1/password/recovery")
                                .body(StringBody(JSON_LOGIN + ",\"channel\":\"email\"}")),
                        202));
    }

    /** Each refresh token is used once: the answer's new token goes back to the pool, the old one never. */
    private ChainBuilder refresh(String name) {
        return exec(s -> {
                    String token = pool.refresh.poll();
                    return token == null
                            ? s.set("exhausted", true)
                            : s.set("token", token).set("ip", pool.ip());
                })
                .doIf(s -> !s.contains("exhausted"))
                .then(call(
                                name,
                                http("POST /api/v1/token/refresh")
                                        .post("/api/v1/token/refresh")
                                        .body(StringBody("{\"refresh_token\":\"#{token}\"}")),
                                List.of(
                                        jsonPath("$.refresh_token").optional().saveAs("next"),
                                        jsonPath("$.access_token").optional().saveAs("access")),
                                200)
                        .exec(s -> {
                            if (s.contains("next")) {
                                pool.refresh.offer(s.getString("next"));
                            }
                            // Verify's tokens are renewed too: access tokens expire (15 min) within a soak.
                            if (s.contains("access")) {
                                pool.freshAccess(s.getString("access"));
                            }
                            return s.removeAll("next", "access");
                        }));
    }

    private ChainBuilder verify(String name) {
        return exec(s -> s.set("ip", pool.ip()))
                .exec(call(
                        name,
                        http("GET /auth/verify")
                                .get("/auth/verify")
                                .header("Authorization", s -> "Bearer " + pool.anyAccess()),
                        200));
    }

    private ChainBuilder once(String use) {
        return exec(s -> {
            String phone = pool.once(use);
            return phone.isEmpty()
                    ? s.set("exhausted", true)
                    : s.set("phone", phone).set("ip", pool.ip());
        });
    }

    static ChainBuilder call(String name, HttpRequestActionBuilder request, int... ok) {
        return call(name, request, List.of(), ok);
    }

    /**
     * Status, time and Retry-After are saved before the status is judged, so the Recorder sees every
     * answer, expected or not; an answer that never came leaves no status (0).
     */
    static ChainBuilder call(String name, HttpRequestActionBuilder request, List<CheckBuilder> extra, int... ok) {
        List<CheckBuilder> checks = new ArrayList<>(List.of(
                status().saveAs("st"),
                responseTimeInMillis().saveAs("rt"),
                header("Retry-After").optional().saveAs("ra")));
        checks.addAll(extra);
        List<Integer> allowed = new ArrayList<>();
        for (int code : ok) {
            allowed.add(code);
        }
        checks.add(status().in(allowed));
        return exec(s -> s.removeAll("st", "rt", "ra").set("t0", System.currentTimeMillis()))
                .exec(request.header("X-Forwarded-For", s -> s.contains("ip") ? s.getString("ip") : "10.255.255.254")
                        .check(checks))
                .exec(s -> record(name, s));
    }

    private static Session record(String name, Session s) {
        long now = System.currentTimeMillis();
        int status = s.contains("st") ? s.getInt("st") : 0;
        long start = s.contains("rt") ? now - s.getInt("rt") : s.getLong("t0");
        Recorder.add(name, start, now, status, s.contains("ra"));
        return s;
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
    }
}
