package dev.kordon.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The refresh token's family: each use rotates it, a replay or a parallel second use burns the
 * family, the family lives its absolute lifetime in Redis with no token stored in clear, and a
 * logout ends the access token and the family together.
 */
class RefreshTokenTest extends TokenFixture {
    @Test
    void refreshRotatesAndAReplayRevokesTheFamily() {
        JsonObject first = signIn();
        String rt1 = first.getString("refresh_token");
        var second = rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", rt1));
        assertThat(second.statusCode()).isEqualTo(200);
        String rt2 = second.bodyAsJsonObject().getString("refresh_token");
        assertThat(rt2).isNotBlank().isNotEqualTo(rt1);
        assertThat(me(second.bodyAsJsonObject().getString("access_token"))).isEqualTo(200);

        var replay = rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", rt1));
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.bodyAsJsonObject().getString("code")).isEqualTo("invalid_grant");
        // The replay burned the whole family: the legitimate newest token is dead too.
        assertThat(rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", rt2))
                        .statusCode())
                .isEqualTo(401);

        assertThat(rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", "nonsense"))
                        .statusCode())
                .isEqualTo(401);
        assertThat(rig.post("/api/v1/token/refresh", new JsonObject()).statusCode())
                .isEqualTo(400);
    }

    @Test
    void parallelRefreshesOfOneTokenLetAtMostOneThrough() {
        for (int round = 0; round < 5; round++) {
            String rt = signIn().getString("refresh_token");
            List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(rig.postAsync("/api/v1/token/refresh", new JsonObject().put("refresh_token", rt), null));
            }
            Rig.await(Future.join(calls));
            List<HttpResponse<Buffer>> ok = calls.stream()
                    .map(Future::result)
                    .filter(r -> r.statusCode() == 200)
                    .toList();
            List<HttpResponse<Buffer>> refused = calls.stream()
                    .map(Future::result)
                    .filter(r -> r.statusCode() == 401)
                    .toList();
            // A fresh token is good once: the first use to reach Redis rotates it, every other one is a replay.
            assertThat(ok).as("round %d", round).hasSize(1);
            assertThat(refused).as("round %d", round).hasSize(7);
            JsonObject won = ok.get(0).bodyAsJsonObject();
            assertThat(won.getString("access_token")).isNotBlank();
            assertThat(won.getString("refresh_token")).isNotBlank().isNotEqualTo(rt);
            assertThat(refused)
                    .allSatisfy(r ->
                            assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("invalid_grant"));
            // Spent: used once more later, it is still refused.
            assertThat(rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", rt))
                            .statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void refreshFamilyLivesTheAbsoluteLifetimeInRedis() throws Exception {
        JsonObject pair = signIn();
        String sid = claimsOf(pair.getString("access_token")).getString("sid");
        var redis = rig.running.wiring().redis();
        long famTtl = Rig.await(redis.send(Command.PTTL, redis.keys().family(account.id(), sid)))
                .toLong();
        assertThat(famTtl).isBetween(30L * 24 * 3600 * 1000 - 60_000, 30L * 24 * 3600 * 1000);
        // A rotation stores the next token of the family: both are looked for below.
        String rt1 = pair.getString("refresh_token");
        var next = rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", rt1));
        assertThat(next.statusCode()).isEqualTo(200);
        String rt2 = next.bodyAsJsonObject().getString("refresh_token");
        assertThat(rt2).isNotBlank().isNotEqualTo(rt1);

        // Nothing secret is stored in clear: not in any key or value under the prefix, not in any table.
        Map<String, List<byte[]>> stored = redisContents(rig.prefix + ":*");
        List<String> tables = postgresContents();
        for (String rt : List.of(rt1, rt2)) {
            // The scan saw the token's record, which is known by the token's SHA-256 alone, and read its fields.
            String record = redis.keys().refreshToken(account.id(), sha256Hex(rt));
            assertThat(stored).containsKey(record);
            assertThat(stored.get(record).stream()
                            .map(b -> new String(b, StandardCharsets.UTF_8))
                            .toList())
                    .contains("fam", "used", "abs");
            byte[] secret = java.util.Arrays.copyOfRange(Base64.getUrlDecoder().decode(rt), 16, 48);
            // The token, its random part as text (chars 22 on encode nothing but it), hex and Base64 of it.
            List<String> forms = List.of(
                    rt,
                    rt.substring(22),
                    java.util.HexFormat.of().formatHex(secret),
                    Base64.getEncoder().encodeToString(secret),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
            stored.forEach((key, values) -> {
                assertThat(lacks(key.getBytes(StandardCharsets.UTF_8), forms, secret))
                        .as("redis key %s", key)
                        .isTrue();
                for (byte[] v : values) {
                    assertThat(lacks(v, forms, secret))
                            .as("a value of redis key %s", key)
                            .isTrue();
                }
            });
            for (String row : tables) {
                assertThat(lacks(row.getBytes(StandardCharsets.UTF_8), forms, secret))
                        .as("postgres row %s", row)
                        .isTrue();
            }
        }
    }

    /** True when {@code data} holds none of the text forms (any case) and not the raw secret bytes. */
    static boolean lacks(byte[] data, List<String> forms, byte[] raw) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        for (String form : forms) {
            if (text.contains(form) || lower.contains(form.toLowerCase(java.util.Locale.ROOT))) {
                return false;
            }
        }
        return !text.contains(new String(raw, StandardCharsets.ISO_8859_1));
    }

    /** Every key matching {@code pattern}, with every member, field, value and score stored under it. */
    static Map<String, List<byte[]>> redisContents(String pattern) {
        var redis = rig.running.wiring().redis();
        Map<String, List<byte[]>> out = new LinkedHashMap<>();
        String cursor = "0";
        do {
            var page = Rig.await(redis.send(Command.SCAN, cursor, "MATCH", pattern, "COUNT", 1000));
            cursor = page.get(0).toString();
            for (var k : page.get(1)) {
                String key = k.toString();
                String type = Rig.await(redis.send(Command.TYPE, key)).toString();
                io.vertx.redis.client.Response value = switch (type) {
                    case "string" -> Rig.await(redis.send(Command.GET, key));
                    case "hash" -> Rig.await(redis.send(Command.HGETALL, key));
                    case "set" -> Rig.await(redis.send(Command.SMEMBERS, key));
                    case "zset" -> Rig.await(redis.send(Command.ZRANGE, key, 0, -1, "WITHSCORES"));
                    case "list" -> Rig.await(redis.send(Command.LRANGE, key, 0, -1));
                    case "stream" -> Rig.await(redis.send(Command.XRANGE, key, "-", "+"));
                    case "none" -> null; // expired between SCAN and TYPE
                    default ->
                        throw new AssertionError("redis key " + key + " of a type the scan cannot read: " + type);
                };
                List<byte[]> values = new ArrayList<>();
                flatten(value, values);
                out.put(key, values);
            }
        } while (!"0".equals(cursor));
        return out;
    }

    static void flatten(io.vertx.redis.client.Response r, List<byte[]> into) {
        if (r == null) {
            return;
        }
        if (r.type() != io.vertx.redis.client.ResponseType.MULTI) {
            into.add(r.toBytes());
        } else if (r.isMap()) {
            for (String k : r.getKeys()) {
                into.add(k.getBytes(StandardCharsets.UTF_8));
                flatten(r.get(k), into);
            }
        } else {
            for (var item : r) {
                flatten(item, into);
            }
        }
    }

    /** Every row of every table of Kordon's database, as Postgres writes the row as text. */
    static List<String> postgresContents() {
        var pg = rig.running.wiring().pg();
        var tables = Rig.await(pg.query("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS t "
                        + "FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                        + "AND table_schema NOT IN ('pg_catalog', 'information_schema')")
                .execute());
        List<String> rows = new ArrayList<>();
        List<String> names = new ArrayList<>();
        tables.forEach(t -> names.add(t.getString("t")));
        assertThat(names).contains("public.accounts", "public.audit_events");
        for (String table : names) {
            Rig.await(pg.query("SELECT r::text AS row FROM " + table + " r").execute())
                    .forEach(r -> rows.add(r.getString("row")));
        }
        return rows;
    }

    static String sha256Hex(String s) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(s.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void logoutKillsTheAccessTokenAndItsFamily() {
        JsonObject pair = signIn();
        String at = pair.getString("access_token");
        assertThat(me(at)).isEqualTo(200);
        assertThat(rig.postBearer("/api/v1/logout", at).statusCode()).isEqualTo(204);
        assertThat(me(at)).isEqualTo(401);
        assertThat(rig.get("/auth/verify", at).statusCode()).isEqualTo(401);
        assertThat(rig.post(
                                "/api/v1/token/refresh",
                                new JsonObject().put("refresh_token", pair.getString("refresh_token")))
                        .statusCode())
                .isEqualTo(401);
        assertThat(rig.postBearer("/api/v1/logout", at).statusCode()).isEqualTo(401);
    }
}
