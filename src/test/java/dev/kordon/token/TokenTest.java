package dev.kordon.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kordon.account.Account;
import dev.kordon.keys.SigningKeys;
import dev.kordon.support.Rig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenTest {
    static Rig rig;
    static Account account;
    static final String PHONE = "+375441000001";
    static final String PASSWORD = "Token-test-password-1";

    @BeforeAll
    static void up() {
        rig = Rig.start();
        account = rig.account(PHONE, PASSWORD);
    }

    @AfterAll
    static void down() {
        rig.close();
    }

    static JsonObject signIn() {
        var r = rig.login(PHONE, PASSWORD);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.bodyAsJsonObject();
    }

    static JsonObject claimsOf(String jwt) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    static JsonObject validClaims() {
        long now = System.currentTimeMillis() / 1000;
        return new JsonObject()
                .put("iss", rig.config.jwt().issuer())
                .put("aud", rig.config.jwt().audience())
                .put("sub", account.id().toString())
                .put("login", PHONE)
                .put("cat", "mobile")
                .put("role", "subscriber")
                .put("amr", new JsonArray().add("pwd"))
                .put("iat", now)
                .put("nbf", now)
                .put("exp", now + 600)
                .put("jti", UUID.randomUUID().toString());
    }

    static int me(String token) {
        return rig.get("/api/v1/me", token).statusCode();
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void accessTokenCarriesTheContractsClaimsAndReadsMe() {
        String at = signIn().getString("access_token");
        JsonObject c = claimsOf(at);
        assertThat(c.fieldNames()).contains("iss", "aud", "sub", "login", "cat", "role", "amr", "iat", "exp", "jti");
        assertThat(c.getString("sub")).isEqualTo(account.id().toString());
        assertThat(c.getString("login")).isEqualTo(PHONE);
        assertThat(c.getString("cat")).isEqualTo("mobile");
        assertThat(c.getJsonArray("amr")).containsExactly("pwd");
        assertThat(c.getLong("exp") - c.getLong("iat")).isEqualTo(900);

        var me = rig.get("/api/v1/me", at);
        assertThat(me.statusCode()).isEqualTo(200);
        JsonObject body = me.bodyAsJsonObject();
        assertThat(body.getString("sub")).isEqualTo(account.id().toString());
        assertThat(body.getString("category")).isEqualTo("mobile");
        assertThat(body.getString("login")).isEqualTo(PHONE);
        assertThat(body.getString("role")).isEqualTo("subscriber");
        assertThat(body.getString("tariff")).isEqualTo("SIP-соединение");
        assertThat(me(null)).isEqualTo(401);
        assertThat(me("garbage")).isEqualTo(401);
    }

    @Test
    void anIndependentJoseLibraryVerifiesAgainstThePublishedJwks() throws Exception {
        String at = signIn().getString("access_token");
        var jwksResponse = rig.get("/.well-known/jwks.json", null);
        assertThat(jwksResponse.statusCode()).isEqualTo(200);
        JWKSet set = JWKSet.parse(jwksResponse.bodyAsString());
        SignedJWT jwt = SignedJWT.parse(at);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.getHeader().getType().toString()).isEqualTo("at+jwt");
        ECKey key = set.getKeyByKeyId(jwt.getHeader().getKeyID()).toECKey();
        assertThat(key.isPrivate()).isFalse();
        assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getAudience())
                .containsExactly(rig.config.jwt().audience());
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(rig.config.jwt().issuer());
        // The same library refuses the token once one byte of the payload changes.
        String[] parts = at.split("\\.");
        String tampered =
                parts[0] + "." + b64(claimsOf(at).put("role", "supervisor").encode()) + "." + parts[2];
        assertThat(JWSObject.parse(tampered).verify(new ECDSAVerifier(key))).isFalse();
        assertThat(me(tampered)).isEqualTo(401);
    }

    @Test
    void forgedAndMisdirectedTokensAreRefused() throws Exception {
        TokenService ours = rig.running.wiring().tokens();
        String kid = rig.keys.signer().kid();
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims()))).isEqualTo(200);

        // alg none
        String none = b64(new JsonObject()
                        .put("alg", "none")
                        .put("typ", "at+jwt")
                        .put("kid", kid)
                        .encode()) + "." + b64(validClaims().encode()) + ".";
        assertThat(me(none)).isEqualTo(401);
        // wrong audience, wrong issuer, expired beyond the leeway, not yet valid
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("aud", "another-portal"))))
                .isEqualTo(401);
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("iss", "https://evil.example"))))
                .isEqualTo(401);
        long now = System.currentTimeMillis() / 1000;
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("exp", now - 60))))
                .isEqualTo(401);
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("nbf", now + 600))))
                .isEqualTo(401);
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("exp", (Object) null))))
                .isEqualTo(401);
        // another typ (a refresh or change token is never an access token)
        assertThat(me(ours.sign("change", validClaims()))).isEqualTo(401);
        // a stranger's key, whether it names an unknown kid or ours
        SigningKeys stranger = SigningKeys.generate("stranger");
        TokenService theirs = new TokenService(rig.vertx, stranger, rig.config.jwt(), 900);
        assertThat(me(theirs.sign(TokenService.ACCESS, validClaims()))).isEqualTo(401);
        String theirsAsOurs = theirs.sign(TokenService.ACCESS, validClaims());
        String[] p = theirsAsOurs.split("\\.");
        String relabelled = b64(new JsonObject()
                        .put("alg", "ES256")
                        .put("typ", "at+jwt")
                        .put("kid", kid)
                        .encode()) + "." + p[1] + "." + p[2];
        assertThat(me(relabelled)).isEqualTo(401);
        // the ECDSA r = s = 0 signature
        String good = ours.sign(TokenService.ACCESS, validClaims());
        String zero = good.substring(0, good.lastIndexOf('.') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);
        assertThat(me(zero)).isEqualTo(401);
        // HMAC with the published public key as the secret (algorithm confusion), in every form an
        // attacker could take it from the JWKS. HS512's 64 bytes have the length of an ES256 signature.
        for (Map.Entry<String, byte[]> secret : publicKeyAsSecrets(kid).entrySet()) {
            for (String alg : List.of("HS256", "HS384", "HS512")) {
                String input = b64(new JsonObject()
                                .put("alg", alg)
                                .put("typ", "at+jwt")
                                .put("kid", kid)
                                .encode()) + "." + b64(validClaims().encode());
                String forged = input + "." + hmac(alg, secret.getValue(), input);
                assertThat(me(forged))
                        .as(alg + " keyed with " + secret.getKey())
                        .isEqualTo(401);
                assertThat(rig.get("/auth/verify", forged).statusCode())
                        .as(alg + " keyed with " + secret.getKey())
                        .isEqualTo(401);
            }
        }
    }

    /** The public key of {@code kid} as published, in the byte forms an HMAC forger would try. */
    static Map<String, byte[]> publicKeyAsSecrets(String kid) throws Exception {
        String jwksText = rig.get("/.well-known/jwks.json", null).bodyAsString();
        JsonObject published = new JsonObject(jwksText)
                .getJsonArray("keys").stream()
                        .map(JsonObject.class::cast)
                        .filter(k -> kid.equals(k.getString("kid")))
                        .findFirst()
                        .orElseThrow();
        ECKey jwk = ECKey.parse(published.encode());
        byte[] der = jwk.toECPublicKey().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
        byte[] x = jwk.getX().decode();
        byte[] y = jwk.getY().decode();
        byte[] point = new byte[1 + x.length + y.length];
        point[0] = 4;
        System.arraycopy(x, 0, point, 1, x.length);
        System.arraycopy(y, 0, point, 1 + x.length, y.length);
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("PEM", pem.getBytes(StandardCharsets.US_ASCII));
        out.put("PEM without the final newline", pem.strip().getBytes(StandardCharsets.US_ASCII));
        out.put("DER SubjectPublicKeyInfo", der);
        out.put("uncompressed EC point", point);
        out.put("JWK as published", published.encode().getBytes(StandardCharsets.UTF_8));
        out.put("JWK as a JOSE library writes it", jwk.toJSONString().getBytes(StandardCharsets.UTF_8));
        out.put("JWKS document", jwksText.getBytes(StandardCharsets.UTF_8));
        return out;
    }

    static String hmac(String alg, byte[] secret, String input) throws Exception {
        String javaName = "Hmac" + alg.replace("HS", "SHA");
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance(javaName);
        mac.init(new javax.crypto.spec.SecretKeySpec(secret, javaName));
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void embeddedKeysAndKeyUrlsAreIgnored() throws Exception {
        SigningKeys attacker = SigningKeys.generate("attacker");
        JsonObject attackerJwk = SigningKeys.jwk(attacker.signer());
        TokenService theirs = new TokenService(rig.vertx, attacker, rig.config.jwt(), 900);
        String kid = rig.keys.signer().kid();
        for (JsonObject header : List.of(
                new JsonObject()
                        .put("alg", "ES256")
                        .put("typ", "at+jwt")
                        .put("kid", kid)
                        .put("jwk", attackerJwk),
                new JsonObject()
                        .put("alg", "ES256")
                        .put("typ", "at+jwt")
                        .put("kid", "attacker")
                        .put("jwk", attackerJwk),
                new JsonObject()
                        .put("alg", "ES256")
                        .put("typ", "at+jwt")
                        .put("kid", kid)
                        .put("jku", "https://evil.example/jwks"),
                new JsonObject()
                        .put("alg", "ES256")
                        .put("typ", "at+jwt")
                        .put("kid", kid)
                        .put("x5u", "https://evil.example/cert"))) {
            String signed = theirs.sign(TokenService.ACCESS, validClaims());
            String[] p = signed.split("\\.");
            // Re-sign the forged header with the attacker's key, as a real forgery would.
            String input = b64(header.encode()) + "." + p[1];
            java.security.Signature sig = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
            sig.initSign(attacker.signer().privateKey());
            sig.update(input.getBytes(StandardCharsets.US_ASCII));
            String forged =
                    input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig.sign());
            assertThat(me(forged)).as(header.fieldNames().toString()).isEqualTo(401);
        }
    }

    @Test
    void clockSkewIsForgivenOnlyWithinTheLeeway() {
        TokenService ours = rig.running.wiring().tokens();
        long now = System.currentTimeMillis() / 1000;
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("exp", now - 2))))
                .isEqualTo(200);
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("exp", now - 30))))
                .isEqualTo(401);
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("nbf", now + 2))))
                .isEqualTo(200);
        assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("nbf", now + 30))))
                .isEqualTo(401);
    }

    @Test
    void refreshAndChangeTokensAreNoAccessTokens() {
        JsonObject pair = signIn();
        assertThat(me(pair.getString("refresh_token"))).isEqualTo(401);
        String change = rig.running.wiring().tokens().issueChange(account, 600).token();
        assertThat(me(change)).isEqualTo(401);
        assertThat(rig.get("/auth/verify", change).statusCode()).isEqualTo(401);
    }

    /** The same token with the signature's last character changed in its unused low bits: same bytes, other text. */
    static String sameBytesOtherText(String token) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = token.charAt(token.length() - 1);
        String altered = token.substring(0, token.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
        String[] a = altered.split("\\.");
        String[] t = token.split("\\.");
        assertThat(Base64.getUrlDecoder().decode(a[2]))
                .isEqualTo(Base64.getUrlDecoder().decode(t[2]));
        return altered;
    }

    @Test
    void accessTokensWithANonCanonicalSignatureEncodingGet401OnMeAndAuthVerify() {
        String at = signIn().getString("access_token");
        for (String variant : List.of(sameBytesOtherText(at), at + "A", at + "=")) {
            assertThat(me(variant)).as(variant).isEqualTo(401);
            assertThat(rig.get("/auth/verify", variant).statusCode())
                    .as(variant)
                    .isEqualTo(401);
        }
        assertThat(me(at)).isEqualTo(200);
    }

    @Test
    void changeTokensWithANonCanonicalSignatureEncodingGet401OnPasswordChange() {
        Account other = rig.account("+375441000077", "Token-test-password-77");
        var issued = rig.running.wiring().tokens().issueChange(other, 600);
        String change = issued.token();
        var redis = rig.running.wiring().redis();
        JsonObject body = new JsonObject()
                .put("new_password", "Brand-new-password-77")
                .put("confirm_password", "Brand-new-password-77");
        for (String variant : List.of(sameBytesOtherText(change), change + "A")) {
            // What the sign-in with a temporary password stores beside a change token it issues.
            Rig.await(redis.send(
                    Command.SET, redis.keys().changeToken(other.id(), issued.jti()), "no-temp-hash", "PX", "600000"));
            var r = rig.post(
                    "/api/v1/password/change",
                    body,
                    io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + variant));
            assertThat(r.statusCode()).as(variant).isEqualTo(401);
        }
    }

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

    @Test
    void authVerifyAnswersReverseProxies() {
        String at = signIn().getString("access_token");
        var ok = rig.get("/auth/verify", at);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.getHeader("X-Kordon-Subject")).isEqualTo(account.id().toString());
        assertThat(ok.getHeader("X-Kordon-Login")).isEqualTo(PHONE);
        assertThat(ok.getHeader("X-Kordon-Role")).isEqualTo("subscriber");
        assertThat(rig.get("/auth/verify", null).statusCode()).isEqualTo(401);
    }

    @Test
    void rotationNewestKeySignsOldStillVerifies(@TempDir Path dir) throws Exception {
        SigningKeys old = SigningKeys.generate("2026-01");
        SigningKeys newer = SigningKeys.generate("2026-06");
        Files.writeString(dir.resolve("2026-01.pem"), pem(old.signer()));
        Files.writeString(dir.resolve("2026-06.pem"), pem(newer.signer()));
        SigningKeys loaded = SigningKeys.load(dir);
        assertThat(loaded.signer().kid()).isEqualTo("2026-06");
        assertThat(loaded.all()).extracting(SigningKeys.Key::kid).containsExactly("2026-01", "2026-06");
        assertThat(loaded.all().get(0).publicKey().getW())
                .isEqualTo(old.signer().publicKey().getW());

        try (Rig rotated = Rig.builder().keys(loaded).start()) {
            Account a = rotated.account("+375251000001", PASSWORD);
            var r = rotated.login("+375251000001", PASSWORD);
            String at = r.bodyAsJsonObject().getString("access_token");
            assertThat(SignedJWT.parse(at).getHeader().getKeyID()).isEqualTo("2026-06");
            JWKSet set =
                    JWKSet.parse(rotated.get("/.well-known/jwks.json", null).bodyAsString());
            assertThat(set.getKeys()).extracting(k -> k.getKeyID()).containsExactlyInAnyOrder("2026-01", "2026-06");
            // A token the old key signed before the rotation is still good.
            TokenService before = new TokenService(rotated.vertx, old, rotated.config.jwt(), 900);
            String oldToken = before.issueAccess(a, List.of("pwd"), null).token();
            assertThat(rotated.get("/api/v1/me", oldToken).statusCode()).isEqualTo(200);
        }
    }

    static String pem(SigningKeys.Key key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.privateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }
}
