package dev.kordon.oidc;

import dev.kordon.account.Account;
import dev.kordon.client.OidcClient;
import dev.kordon.flow.SignIn;
import dev.kordon.oauth.AuthorizationCodes;
import dev.kordon.oauth.Grant;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.token.Assurance;
import dev.kordon.token.RefreshTokens;
import dev.kordon.token.TokenService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.util.List;
import java.util.UUID;

/**
 * What the token endpoint hands a client: for a code, an access token naming the client and the
 * scope, a refresh token when a password proved the sign-in (an SMS code is one visit, here as on
 * every channel) and an ID token; for a refresh token of a family the client holds, the next pair.
 * Every account check of a sign-in holds here too: a disabled account or one off the tariff gets
 * nothing, and a password change or a disabling ends the families issued here as it ends all others.
 */
final class Issuance {
    /** A code's replay may come this long after its first use (the spent marker's lifetime). */
    private static final long ISSUED_KEPT_MS = AuthorizationCodes.TTL.toMillis() + 600_000;

    private final OidcParts parts;

    Issuance(OidcParts parts) {
        this.parts = parts;
    }

    /**
     * The token response for a code just redeemed by {@code client}; what it issued is filed under
     * {@code issuedId}, and the client is noted for a logout token when the browser session ends.
     */
    Future<JsonObject> forCode(OidcClient client, Grant grant, String issuedId) {
        long now = System.currentTimeMillis();
        return account(grant.account()).compose(account -> {
            JsonObject held = new JsonObject()
                    .put("client_id", client.clientId())
                    .put("scope", String.join(" ", grant.scopes()))
                    .put("amr", new JsonArray(grant.amr()))
                    .put("sid", grant.sid());
            Future<RefreshTokens.Issued> family = grant.amr().contains(SignIn.Method.PASSWORD.code())
                    ? parts.refresh().issue(account.id(), grant.amr())
                    : Future.succeededFuture(null);
            return family.compose(rt -> {
                TokenService.Issued at = parts.tokens()
                        .issueAccess(account, grant.amr(), rt == null ? null : rt.family(), now, accessClaims(held));
                long expMs = (now / 1000 + at.expiresIn()) * 1000;
                return filed(
                                account.id(),
                                rt,
                                held,
                                issuedId,
                                new JsonObject().put("jti", at.jti()).put("exp_ms", expMs))
                        .compose(v ->
                                parts.sessions().backchannel().signedIn(account.id(), client.clientId(), grant.sid()))
                        .map(v -> answer(at, rt, held.getString("scope"))
                                .put("id_token", parts.idTokens().sign(idClaims(account, client, grant, now, at))));
            });
        });
    }

    /** The next pair for a refresh token of a family {@code client} holds; a family it does not hold ends. */
    Future<JsonObject> refreshed(OidcClient client, String presented) {
        long rotatedAt = System.currentTimeMillis();
        return parts.sessions()
                .rotate(presented)
                .compose(rt -> parts.redis()
                        .send(Command.GET, parts.redis().keys().oidcFamily(rt.account(), rt.family()))
                        .compose(r -> {
                            JsonObject held = r == null ? null : new JsonObject(r.toString());
                            if (held == null || !client.clientId().equals(held.getString("client_id"))) {
                                // Another client's token, or one of the JSON API's: it leaked; its family ends.
                                return parts.sessions()
                                        .endFamily(rt.account(), rt.family())
                                        .compose(v -> Future.failedFuture(new FlowException(Failure.INVALID_GRANT)));
                            }
                            return account(rt.account())
                                    .recover(err -> parts.sessions()
                                            .endFamily(rt.account(), rt.family())
                                            .compose(v -> Future.failedFuture(err)))
                                    .map(account -> {
                                        List<String> amr = held.getJsonArray("amr").stream()
                                                .map(String::valueOf)
                                                .toList();
                                        TokenService.Issued at = parts.tokens()
                                                .issueAccess(account, amr, rt.family(), rotatedAt, accessClaims(held));
                                        return answer(at, rt, held.getString("scope"));
                                    });
                        }));
    }

    /** A code used twice: what its first use issued ends (RFC 6749 4.1.2), the family and its access tokens. */
    Future<Void> revokeIssued(String issuedId) {
        return parts.redis()
                .send(Command.GET, parts.redis().keys().oidcIssued(issuedId))
                .compose(r -> {
                    if (r == null) {
                        return Future.succeededFuture();
                    }
                    JsonObject issued = new JsonObject(r.toString());
                    UUID account = UUID.fromString(issued.getString("account"));
                    String family = issued.getString("family");
                    // The access token too: one without a family (an SMS code's visit) ends only so.
                    Future<?> token =
                            parts.sessions().endToken(account, issued.getString("jti"), issued.getLong("exp_ms"));
                    Future<?> families = family == null
                            ? Future.succeededFuture()
                            : parts.sessions().endFamily(account, family);
                    return Future.all(token, families).mapEmpty();
                });
    }

    /** The account of a grant, if it may still sign in; otherwise {@code invalid_grant}. */
    private Future<Account> account(UUID id) {
        return parts.accounts().findById(id).compose(found -> {
            Account a = found.orElse(null);
            return parts.signIn().eligible(a)
                    ? Future.succeededFuture(a)
                    : Future.failedFuture(new FlowException(Failure.INVALID_GRANT));
        });
    }

    /**
     * The family's holder, if a family was opened, and what the code issued (the access token, the
     * family) for a replay to end.
     */
    private Future<Void> filed(
            UUID account, RefreshTokens.Issued rt, JsonObject held, String issuedId, JsonObject accessToken) {
        var keys = parts.redis().keys();
        JsonObject issued = accessToken.copy().put("account", account.toString());
        Future<?> holder = Future.succeededFuture();
        if (rt != null) {
            issued.put("family", rt.family());
            holder = parts.redis()
                    .send(
                            Command.SET,
                            keys.oidcFamily(account, rt.family()),
                            held.encode(),
                            "PX",
                            Long.toString(parts.familyLifetime().toMillis()));
        }
        return holder.compose(r -> parts.redis()
                        .send(
                                Command.SET,
                                keys.oidcIssued(issuedId),
                                issued.encode(),
                                "PX",
                                Long.toString(ISSUED_KEPT_MS)))
                .mapEmpty();
    }

    /** The access token names the client and the scope (RFC 9068): what userinfo answers for. */
    private static JsonObject accessClaims(JsonObject held) {
        return new JsonObject().put("client_id", held.getString("client_id")).put("scope", held.getString("scope"));
    }

    private static JsonObject answer(TokenService.Issued at, RefreshTokens.Issued rt, String scope) {
        JsonObject answer = new JsonObject()
                .put("access_token", at.token())
                .put("token_type", "Bearer")
                .put("expires_in", at.expiresIn())
                .put("scope", scope);
        if (rt != null) {
            answer.put("refresh_token", rt.token());
        }
        return answer;
    }

    /** OIDC Core 2 and 5.1: who, for which client, since when, how; the phone and e-mail as the scope allows. */
    private JsonObject idClaims(Account account, OidcClient client, Grant grant, long nowMs, TokenService.Issued at) {
        long now = nowMs / 1000;
        JsonObject claims = new JsonObject()
                .put("iss", parts.issuer())
                .put("sub", account.id().toString())
                .put("aud", client.clientId())
                .put("azp", client.clientId())
                .put("exp", now + at.expiresIn())
                .put("iat", now)
                .put("auth_time", grant.authTime())
                .put("amr", new JsonArray(grant.amr()))
                .put("acr", Assurance.of(grant.amr()))
                .put("roles", new JsonArray().add(account.role()));
        if (grant.nonce() != null) {
            claims.put("nonce", grant.nonce());
        }
        if (grant.sid() != null) {
            claims.put("sid", grant.sid());
        }
        Userinfo.add(claims, account, grant.scopes());
        return claims;
    }
}
