package dev.kordon.answer;

import io.vertx.core.json.JsonObject;

/** What a sign-in answers the API: tokens, or the demand to change a temporary password first. */
public interface Answer {
  JsonObject toJson();
}
