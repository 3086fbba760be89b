package dev.kordon.problem;

import java.util.List;

/** A message-bundle key with its arguments; the web layer renders it in the caller's language. */
public record Text(String key, List<Object> args) {
    public static Text of(String key, Object... args) {
        return new Text(key, List.of(args));
    }
}
