package dev.kordon.token;

import dev.kordon.account.Account;
import dev.kordon.config.KordonConfig;
import dev.kordon.keys.Es256;
import dev.kordon.keys.SigningKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Issues and checks Kordon's JWTs. Signing is done here (the JOSE header must carry {@code typ}
 * and {@code kid}, which the JWT provider fixes to "JWT"); verification goes through Vert.x
 * JWTAuth with issuer, audience and leeway set, after the header has been held to ES256, a known
 * {@code kid} and the expected {@code typ}. Embedded-key headers (jwk, jku, x5u, x5c) are ignored.
 */
public final class TokenService {
    public static final String ACCESS = "at+jwt";
    /** The forced change after a temporary password; good only for POST /api/v1/password/change. */
    public static final String CHANGE = "change";

    public static final String ALG = "ES256";
    /** 64 bytes of ES256 r||s, base64url without padding. */
    private static final int SIGNATURE_CHARS = 86;

    private final SigningKeys keys;
    private final KordonConfig.Jwt config;
    private final long accessTtlSeconds;
    private final JWTAuth verifier;
    private final JsonObject jwks;
    /** Built once for the signing key: a key that is not P-256 stops the start, not a sign-in. */
    private final Es256 signer;

    public TokenService(Vertx vertx, SigningKeys keys, KordonConfig.Jwt config, long accessTtlSeconds) {
        this.keys = keys;
        this.config = config;
        this.accessTtlSeconds = accessTtlSeconds;
        this.signer = new Es256(keys.signer().privateKey());
        JWTAuthOptions options = new JWTAuthOptions()
                .setJWTOptions(new JWTOptions()
                        .setIssuer(config.issuer())
                        .addAudience(config.audience())
                        .setLeeway((int) config.leeway().toSeconds()));
        JsonArray published = new JsonArray();
        for (SigningKeys.Key key : keys.all()) {
            JsonObject jwk = SigningKeys.jwk(key);
            options.addJwk(jwk);
            published.add(jwk);
        }
        // The ID-token keys are published beside them, never trusted for access tokens.
        for (SigningKeys.RsaKey key : keys.rsa()) {
            published.add(SigningKeys.jwk(key));
        }
        this.verifier = JWTAuth.create(vertx, options);
        this.jwks = new JsonObject().put("keys", published);
    }

    public long accessTtlSeconds() {
        return accessTtlSeconds;
    }

    public JsonObject jwks() {
        return jwks;
    }

    /** An access token for the account; {@code sid} names its refresh family (null: none). */
    public Issued issueAccess(Account account, List<String> amr, String sid) {
        return issueAccess(account, amr, sid, System.currentTimeMillis());
    }

    /**
     * An access token issued as of {@code issuedAtMs}: when the credential it rests on was checked,
     * so that an account epoch raised while the check ran refuses it.
     */
    public Issued issueAccess(Account account, List<String> amr, String sid, long issuedAtMs) {
        return issueAccess(account, amr, sid, issuedAtMs, new JsonObject());
    }

    /**
     * The same, with claims of the grant it answers: for an OpenID Connect client, its {@code
     * client_id} and the {@code scope} granted (RFC 9068), which userinfo answers for.
     */
    public Issued issueAccess(Account account, List<String> amr, String sid, long issuedAtMs, JsonObject grant) {
        JsonObject claims = claims(account, accessTtlSeconds, issuedAtMs)
                .put("role", account.role())
                .put("amr", new JsonArray(amr))
                .put("acr", Assurance.of(amr));
        grant.forEach(e -> claims.put(e.getKey(), e.getValue()));
        if (sid != null) {
            claims.put("sid", sid);
        }
        return new Issued(sign(ACCESS, claims), claims.getString("jti"), accessTtlSeconds);
    }

    /** A change token: proves a temporary password was used, and nothing more. */
    public Issued issueChange(Account account, long ttlSeconds) {
        JsonObject claims = claims(account, ttlSeconds, System.currentTimeMillis());
        return new Issued(sign(CHANGE, claims), claims.getString("jti"), ttlSeconds);
    }

    /** What every Kordon token says: who issued it, for whom, about which account, until when. */
    private JsonObject claims(Account account, long ttlSeconds, long nowMs) {
        long now = nowMs / 1000;
        return new JsonObject()
                .put("iss", config.issuer())
                .put("aud", config.audience())
                .put("sub", account.id().toString())
                .put("login", account.login())
                .put("cat", account.category())
                .put("iat", now)
                // iat has whole seconds; the account epoch needs to know which side of a change a token lies.
                .put("iat_ms", nowMs)
                .put("nbf", now)
                .put("exp", now + ttlSeconds)
                .put("jti", UUID.randomUUID().toString());
    }

    /** The {@code typ} a token's header claims, unverified: only to choose how to verify it. */
    public static String claimedType(String token) {
        try {
            String header = token.substring(0, token.indexOf('.'));
            return new JsonObject(new String(Base64.getUrlDecoder().decode(header), StandardCharsets.UTF_8))
                    .getString("typ");
        } catch (RuntimeException e) {
            return null;
        }
    }

    public String sign(String typ, JsonObject claims) {
        SigningKeys.Key key = keys.signer();
        JsonObject header = new JsonObject().put("alg", ALG).put("typ", typ).put("kid", key.kid());
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
        // JWS wants the raw r||s form, not DER.
        return input + "." + b64.encodeToString(signer.sign(input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The claims of a valid token of type {@code typ}; fails for anything else. */
    public Future<JsonObject> verify(String token, String typ) {
        if (token == null || token.length() > 4096) {
            return Future.failedFuture("bad token");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !canonicalSignature(parts[2])) {
            return Future.failedFuture("bad token");
        }
        JsonObject header;
        try {
            header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | DecodeException e) {
            return Future.failedFuture("bad token");
        }
        if (!ALG.equals(header.getString("alg"))
                || !typ.equals(header.getValue("typ"))
                || !(header.getValue("kid") instanceof String kid)
                || !keys.knows(kid)
                || header.containsKey("crit")) {
            return Future.failedFuture("bad token header");
        }
        try {
            JsonObject payload =
                    new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            // Every Kordon token expires and names its account; one that does not is not ours.
            if (!(payload.getValue("exp") instanceof Number)
                    || !(payload.getValue("sub") instanceof String)
                    || !(payload.getValue("jti") instanceof String)) {
                return Future.failedFuture("bad token claims");
            }
            return verifier.authenticate(new TokenCredentials(token))
                    .map(user -> user.attributes().getJsonObject("accessToken"));
        } catch (RuntimeException e) {
            return Future.failedFuture("bad token");
        }
    }

    /**
     * Only the one unpadded base64url text of a 64-byte r||s signature: a lenient decoder maps other
     * texts (spare low bits set, a trailing extra character) to the same bytes, so one signed token
     * would have many spellings.
     */
    static boolean canonicalSignature(String sig) {
        if (sig.length() != SIGNATURE_CHARS) {
            return false;
        }
        try {
            byte[] raw = Base64.getUrlDecoder().decode(sig);
            return raw.length == 64
                    && Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(raw)
                            .equals(sig);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A signed token, its id and lifetime in seconds. */
    public record Issued(String token, String jti, long expiresIn) {}
}
