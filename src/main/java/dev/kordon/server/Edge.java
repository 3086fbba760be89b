package dev.kordon.server;

import dev.kordon.config.KordonConfig;
import io.vertx.openapi.contract.OpenAPIContract;

/**
 * What each port stands on: the configuration, the API contract, the client's address, readiness,
 * and where a fault in Kordon is reported.
 */
public record Edge(
        KordonConfig config, OpenAPIContract contract, ClientIp clientIp, Readiness readiness, Faults faults) {}
