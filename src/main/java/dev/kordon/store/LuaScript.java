package dev.kordon.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** A Lua script from {@code src/main/resources/lua}, run by EVALSHA with an EVAL fallback; see {@link Scripts}. */
public final class LuaScript {
    private final String name;
    private final String source;
    private final String sha;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        try {
            this.sha = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Only {@link Scripts} loads: one instance per script. */
    static LuaScript load(String name) {
        try (InputStream in = LuaScript.class.getResourceAsStream("/lua/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing Lua script " + name);
            }
            return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file name under {@code lua/}. */
    public String name() {
        return name;
    }

    Future<Response> run(RedisStore store, List<String> keys, List<String> args) {
        return store.raw(request(Command.EVALSHA, sha, keys, args)).recover(err -> {
            if (err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT")) {
                return store.raw(request(Command.EVAL, source, keys, args));
            }
            return Future.failedFuture(err);
        });
    }

    private static Request request(Command cmd, String first, List<String> keys, List<String> args) {
        Request req = Request.cmd(cmd).arg(first).arg(keys.size());
        keys.forEach(req::arg);
        args.forEach(req::arg);
        return req;
    }
}
