package dev.kordon.oauth;

import dev.kordon.guard.Secrets;
import dev.kordon.store.RedisStore;
import dev.kordon.store.Scripts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * OpenID Connect authorization codes: 256 random bits, kept only as a keyed hash, living 60 s, spent
 * once, bound to the client, the redirect URI and the PKCE challenge of their request. A spent code
 * leaves a marker for its lifetime plus ten minutes, so that a second use is refused and can end
 * what the first use issued.
 */
public final class AuthorizationCodes {
    /** OIDC and RFC 6749 4.1.2 ask for a short life; ten minutes at most, one is plenty for a redirect. */
    public static final Duration TTL = Duration.ofSeconds(60);
    /** How long past its life a spent code is still recognised as spent. */
    static final Duration SPENT_MARGIN = Duration.ofMinutes(10);

    private static final String HASH_PURPOSE = "oidc-code";
    /** 32 bytes in unpadded base64url. */
    private static final Pattern CODE_SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private static final String ISSUED_ID = "issued_id";

    private final RedisStore redis;
    private final Secrets secrets;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();

    public AuthorizationCodes(RedisStore redis, Secrets secrets) {
        this(redis, secrets, TTL);
    }

    /** {@code ttl}: a code's life; tests shorten it. */
    public AuthorizationCodes(RedisStore redis, Secrets secrets, Duration ttl) {
        this.redis = redis;
        this.secrets = secrets;
        this.ttl = ttl;
    }

    public Duration ttl() {
        return ttl;
    }

    /** A new code for {@code grant}; the plain code goes only into the redirect to the client. */
    public Future<String> issue(Grant grant) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        byte[] id = new byte[16];
        random.nextBytes(id);
        JsonObject stored = grant.toJson().put(ISSUED_ID, HexFormat.of().formatHex(id));
        return redis.send(
                        Command.SET,
                        redis.keys().oidcCode(secrets.keyedHash(HASH_PURPOSE, code)),
                        stored.encode(),
                        "PX",
                        ttl.toMillis())
                .map(r -> code);
    }

    /**
     * Spends {@code code} for the client that presents it. The code is spent whatever the outcome:
     * a wrong client, redirect URI or verifier leaves it dead for the right ones too. {@code verifier}
     * is null when the token request had none; one sent for a code without a challenge is refused.
     */
    public Future<Redeemed> redeem(String code, String clientId, String redirectUri, String verifier) {
        if (code == null || !CODE_SHAPE.matcher(code).matches()) {
            return Future.succeededFuture(new Redeemed(Redeemed.Outcome.UNKNOWN, null, null));
        }
        // A code made under a secrets key that has since become an older one is still found.
        return take(secrets.keyedHashes(HASH_PURPOSE, code), 0).map(r -> judge(r, clientId, redirectUri, verifier));
    }

    private Future<Response> take(List<String> hashes, int i) {
        String hash = hashes.get(i);
        return redis.eval(
                        Scripts.OIDC_CODE_TAKE,
                        List.of(redis.keys().oidcCode(hash), redis.keys().oidcCodeSpent(hash)),
                        List.of(Long.toString(ttl.plus(SPENT_MARGIN).toMillis())))
                .compose(r -> r.get(0).toInteger() == 0 && i + 1 < hashes.size()
                        ? take(hashes, i + 1)
                        : Future.succeededFuture(r));
    }

    private static Redeemed judge(Response r, String clientId, String redirectUri, String verifier) {
        int found = r.get(0).toInteger();
        if (found == 0) {
            return new Redeemed(Redeemed.Outcome.UNKNOWN, null, null);
        }
        JsonObject stored = new JsonObject(r.get(1).toString());
        Grant grant = Grant.fromJson(stored);
        String issuedId = stored.getString(ISSUED_ID);
        if (found == 2) {
            return new Redeemed(Redeemed.Outcome.REPLAYED, grant, issuedId);
        }
        boolean bound = same(grant.clientId(), clientId)
                && same(grant.redirectUri(), redirectUri)
                && (grant.codeChallenge() == null
                        ? verifier == null || verifier.isEmpty()
                        : Pkce.verifies(verifier, grant.codeChallenge()));
        return bound
                ? new Redeemed(Redeemed.Outcome.GRANTED, grant, issuedId)
                : new Redeemed(Redeemed.Outcome.REFUSED, null, null);
    }

    private static boolean same(String expected, String presented) {
        return presented != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
