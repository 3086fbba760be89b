package dev.kordon.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A burst of password sign-ins over many accounts, far above what Argon2id on the machine can
 * hash: what does not fit in the hash queue must come back at once as 503 with Retry-After,
 * never as a timeout or a 5xx of another kind.
 */
public class LoginBurst extends Simulation {
  static final String BASE = System.getProperty("baseUrl", "http://localhost:8080");
  static final int ACCOUNTS = Integer.getInteger("accounts", 200);
  static final int RATE = Integer.getInteger("rate", 150);
  static final int SECONDS = Integer.getInteger("seconds", 20);

  static final Iterator<Map<String, Object>> PHONES = Stream.iterate(0, i -> (i + 1) % ACCOUNTS)
      .map(i -> Map.<String, Object>of("phone", String.format("+37533%07d", i))).iterator();

  HttpProtocolBuilder protocol = http.baseUrl(BASE).contentTypeHeader("application/json").acceptHeader("application/json");

  ScenarioBuilder burst = scenario("password sign-in burst")
      .feed(PHONES)
      .exec(http("POST /api/v1/login/password")
          .post("/api/v1/login/password")
          .body(StringBody("{\"category\":\"mobile\",\"login\":\"#{phone}\",\"password\":\"Kordon-demo-2026\"}"))
          .check(status().in(200, 503)));

  {
    setUp(burst.injectOpen(
            rampUsersPerSec(10).to(RATE).during(SECONDS / 2),
            constantUsersPerSec(RATE).during(SECONDS)))
        .protocols(protocol)
        .assertions(global().failedRequests().percent().lt(1.0), global().responseTime().max().lt(10_000));
  }
}
