package dev.kordon.audit;

import io.vertx.core.json.JsonObject;

/** One recorded event of a login: when (ISO-8601), what, the account (null when none), from where, and its detail. */
public record AuditEvent(String at, String event, String account, String ip, JsonObject detail) {}
