package dev.kordon.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kordon.account.Account;
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
import java.util.List;
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
    return new JsonObject().put("iss", rig.config.jwt().issuer()).put("aud", rig.config.jwt().audience())
        .put("sub", account.id().toString()).put("login", PHONE).put("cat", "mobile").put("role", "subscriber")
        .put("amr", new JsonArray().add("pwd")).put("iat", now).put("nbf", now).put("exp", now + 600)
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
    assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(rig.config.jwt().audience());
    assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(rig.config.jwt().issuer());
    // The same library refuses the token once one byte of the payload changes.
    String[] parts = at.split("\\.");
    String tampered = parts[0] + "." + b64(claimsOf(at).put("role", "supervisor").encode()) + "." + parts[2];
    assertThat(JWSObject.parse(tampered).verify(new ECDSAVerifier(key))).isFalse();
    assertThat(me(tampered)).isEqualTo(401);
  }

  @Test
  void forgedAndMisdirectedTokensAreRefused() throws Exception {
    TokenService ours = rig.running.services().tokens();
    String kid = rig.keys.signer().kid();
    assertThat(me(ours.sign(TokenService.ACCESS, validClaims()))).isEqualTo(200);

    // alg none
    String none = b64(new JsonObject().put("alg", "none").put("typ", "at+jwt").put("kid", kid).encode()) + "."
        + b64(validClaims().encode()) + ".";
    assertThat(me(none)).isEqualTo(401);
    // wrong audience, wrong issuer, expired beyond the leeway, not yet valid
    assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("aud", "another-portal")))).isEqualTo(401);
    assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("iss", "https://evil.example")))).isEqualTo(401);
    long now = System.currentTimeMillis() / 1000;
    assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("exp", now - 60)))).isEqualTo(401);
    assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("nbf", now + 600)))).isEqualTo(401);
    assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("exp", (Object) null)))).isEqualTo(401);
    // another typ (a refresh or change token is never an access token)
    assertThat(me(ours.sign("change", validClaims()))).isEqualTo(401);
    // a stranger's key, whether it names an unknown kid or ours
    SigningKeys stranger = SigningKeys.generate("stranger");
    TokenService theirs = new TokenService(rig.vertx, stranger, rig.config.jwt(), 900);
    assertThat(me(theirs.sign(TokenService.ACCESS, validClaims()))).isEqualTo(401);
    String theirsAsOurs = theirs.sign(TokenService.ACCESS, validClaims());
    String[] p = theirsAsOurs.split("\\.");
    String relabelled = b64(new JsonObject().put("alg", "ES256").put("typ", "at+jwt").put("kid", kid).encode()) + "."
        + p[1] + "." + p[2];
    assertThat(me(relabelled)).isEqualTo(401);
    // the ECDSA r = s = 0 signature
    String good = ours.sign(TokenService.ACCESS, validClaims());
    String zero = good.substring(0, good.lastIndexOf('.') + 1)
        + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);
    assertThat(me(zero)).isEqualTo(401);
    // HS256 with the public key as the secret (algorithm confusion)
    String hs = b64(new JsonObject().put("alg", "HS256").put("typ", "at+jwt").put("kid", kid).encode()) + "."
        + b64(validClaims().encode()) + "." + b64("sig");
    assertThat(me(hs)).isEqualTo(401);
  }

  @Test
  void embeddedKeysAndKeyUrlsAreIgnored() throws Exception {
    SigningKeys attacker = SigningKeys.generate("attacker");
    JsonObject attackerJwk = SigningKeys.jwk(attacker.signer());
    TokenService theirs = new TokenService(rig.vertx, attacker, rig.config.jwt(), 900);
    String kid = rig.keys.signer().kid();
    for (JsonObject header : List.of(
        new JsonObject().put("alg", "ES256").put("typ", "at+jwt").put("kid", kid).put("jwk", attackerJwk),
        new JsonObject().put("alg", "ES256").put("typ", "at+jwt").put("kid", "attacker").put("jwk", attackerJwk),
        new JsonObject().put("alg", "ES256").put("typ", "at+jwt").put("kid", kid).put("jku", "https://evil.example/jwks"),
        new JsonObject().put("alg", "ES256").put("typ", "at+jwt").put("kid", kid).put("x5u", "https://evil.example/cert"))) {
      String signed = theirs.sign(TokenService.ACCESS, validClaims());
      String[] p = signed.split("\\.");
      // Re-sign the forged header with the attacker's key, as a real forgery would.
      String input = b64(header.encode()) + "." + p[1];
      java.security.Signature sig = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
      sig.initSign(attacker.signer().privateKey());
      sig.update(input.getBytes(StandardCharsets.US_ASCII));
      String forged = input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig.sign());
      assertThat(me(forged)).as(header.fieldNames().toString()).isEqualTo(401);
    }
  }

  @Test
  void clockSkewIsForgivenOnlyWithinTheLeeway() {
    TokenService ours = rig.running.services().tokens();
    long now = System.currentTimeMillis() / 1000;
    assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("exp", now - 2)))).isEqualTo(200);
    assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("exp", now - 30)))).isEqualTo(401);
    assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("nbf", now + 2)))).isEqualTo(200);
    assertThat(me(ours.sign(TokenService.ACCESS, validClaims().put("nbf", now + 30)))).isEqualTo(401);
  }

  @Test
  void refreshAndChangeTokensAreNoAccessTokens() {
    JsonObject pair = signIn();
    assertThat(me(pair.getString("refresh_token"))).isEqualTo(401);
    String change = rig.running.services().tokens().issueChange(account, 600).token();
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
    assertThat(Base64.getUrlDecoder().decode(a[2])).isEqualTo(Base64.getUrlDecoder().decode(t[2]));
    return altered;
  }

  @Test
  void accessTokensWithANonCanonicalSignatureEncodingGet401OnMeAndAuthVerify() {
    String at = signIn().getString("access_token");
    for (String variant : List.of(sameBytesOtherText(at), at + "A", at + "=")) {
      assertThat(me(variant)).as(variant).isEqualTo(401);
      assertThat(rig.get("/auth/verify", variant).statusCode()).as(variant).isEqualTo(401);
    }
    assertThat(me(at)).isEqualTo(200);
  }

  @Test
  void changeTokensWithANonCanonicalSignatureEncodingGet401OnPasswordChange() {
    Account other = rig.account("+375441000077", "Token-test-password-77");
    var issued = rig.running.services().tokens().issueChange(other, 600);
    String change = issued.token();
    var redis = rig.running.services().redis();
    JsonObject body = new JsonObject().put("new_password", "Brand-new-password-77").put("confirm_password",
        "Brand-new-password-77");
    for (String variant : List.of(sameBytesOtherText(change), change + "A")) {
      // What the sign-in with a temporary password stores beside a change token it issues.
      Rig.await(redis.send(Command.SET, redis.accountKey(other.id(), "chg:" + issued.jti()), "no-temp-hash", "PX", "600000"));
      var r = rig.post("/api/v1/password/change", body,
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
    assertThat(rt2).isNotEqualTo(rt1);
    assertThat(me(second.bodyAsJsonObject().getString("access_token"))).isEqualTo(200);

    var replay = rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", rt1));
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.bodyAsJsonObject().getString("code")).isEqualTo("invalid_grant");
    // The replay burned the whole family: the legitimate newest token is dead too.
    assertThat(rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", rt2)).statusCode()).isEqualTo(401);

    assertThat(rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", "nonsense")).statusCode())
        .isEqualTo(401);
    assertThat(rig.post("/api/v1/token/refresh", new JsonObject()).statusCode()).isEqualTo(400);
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
      long ok = calls.stream().filter(f -> f.result().statusCode() == 200).count();
      long refused = calls.stream().filter(f -> f.result().statusCode() == 401).count();
      assertThat(ok).as("round %d", round).isLessThanOrEqualTo(1);
      assertThat(ok + refused).isEqualTo(8);
    }
  }

  @Test
  void refreshFamilyLivesTheAbsoluteLifetimeInRedis() {
    JsonObject pair = signIn();
    String sid = claimsOf(pair.getString("access_token")).getString("sid");
    var redis = rig.running.services().redis();
    long famTtl = Rig.await(redis.send(Command.PTTL, redis.accountKey(account.id(), "fam:" + sid))).toLong();
    assertThat(famTtl).isBetween(30L * 24 * 3600 * 1000 - 60_000, 30L * 24 * 3600 * 1000);
    // Nothing secret is stored in clear: the refresh token is not a key or value anywhere.
    var keys = Rig.await(redis.send(Command.KEYS, rig.prefix + ":*"));
    for (var k : keys) {
      assertThat(k.toString()).doesNotContain(pair.getString("refresh_token"));
    }
  }

  @Test
  void logoutKillsTheAccessTokenAndItsFamily() {
    JsonObject pair = signIn();
    String at = pair.getString("access_token");
    assertThat(me(at)).isEqualTo(200);
    assertThat(rig.postBearer("/api/v1/logout", at).statusCode()).isEqualTo(204);
    assertThat(me(at)).isEqualTo(401);
    assertThat(rig.get("/auth/verify", at).statusCode()).isEqualTo(401);
    assertThat(rig.post("/api/v1/token/refresh", new JsonObject().put("refresh_token", pair.getString("refresh_token")))
        .statusCode()).isEqualTo(401);
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
    assertThat(loaded.all().get(0).publicKey().getW()).isEqualTo(old.signer().publicKey().getW());

    try (Rig rotated = Rig.builder().keys(loaded).start()) {
      Account a = rotated.account("+375251000001", PASSWORD);
      var r = rotated.login("+375251000001", PASSWORD);
      String at = r.bodyAsJsonObject().getString("access_token");
      assertThat(SignedJWT.parse(at).getHeader().getKeyID()).isEqualTo("2026-06");
      JWKSet set = JWKSet.parse(rotated.get("/.well-known/jwks.json", null).bodyAsString());
      assertThat(set.getKeys()).extracting(k -> k.getKeyID()).containsExactlyInAnyOrder("2026-01", "2026-06");
      // A token the old key signed before the rotation is still good.
      TokenService before = new TokenService(rotated.vertx, old, rotated.config.jwt(), 900);
      String oldToken = before.issueAccess(a, List.of("pwd"), null).token();
      assertThat(rotated.get("/api/v1/me", oldToken).statusCode()).isEqualTo(200);
    }
  }

  static String pem(SigningKeys.Key key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.privateKey().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }
}
