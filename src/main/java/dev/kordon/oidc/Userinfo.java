package dev.kordon.oidc;

import dev.kordon.account.Account;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * /oauth2/userinfo by GET or POST (OIDC Core 5.3): the bearer in the Authorization header or, by
 * POST, as {@code access_token} in the form (RFC 6750 2.2). Only an access token issued to a client
 * by the token endpoint is taken, and the answer holds what its scope allows, as the ID token did.
 */
final class Userinfo {
    private final OidcParts parts;

    Userinfo(OidcParts parts) {
        this.parts = parts;
    }

    void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        String form = ctx.request().getFormAttribute("access_token");
        String bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim()
                : null;
        if ((bearer == null) == (form == null)) {
            // None, or two at once (RFC 6750 2: a client uses one method per request).
            invalidToken(ctx, header == null && form == null ? null : "invalid_request");
            return;
        }
        String token = bearer != null ? bearer : form;
        parts.sessions()
                .authenticate(token)
                .compose(claims -> {
                    if (claims.getString("client_id") == null) {
                        return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
                    }
                    return parts.accounts()
                            .findById(UUID.fromString(claims.getString("sub")))
                            .map(found -> found.filter(a -> parts.signIn().eligible(a))
                                    .map(a -> answer(a, claims))
                                    .orElse(null));
                })
                .onSuccess(answer -> {
                    if (answer == null) {
                        invalidToken(ctx, "invalid_token");
                        return;
                    }
                    ctx.response()
                            .putHeader("Content-Type", "application/json")
                            .putHeader("Cache-Control", "no-store")
                            .end(answer.encode());
                })
                .onFailure(err -> {
                    if (TokenEndpoint.isOutage(err)) {
                        ctx.fail(err);
                    } else {
                        invalidToken(ctx, "invalid_token");
                    }
                });
    }

    private static JsonObject answer(Account account, JsonObject claims) {
        List<String> scopes = Arrays.asList(claims.getString("scope", "").split(" "));
        JsonObject answer =
                new JsonObject().put("sub", account.id().toString()).put("roles", new JsonArray().add(account.role()));
        add(answer, account, scopes);
        return answer;
    }

    /** The claims of the {@code phone} and {@code email} scopes (OIDC Core 5.4), as the account has them. */
    static void add(JsonObject claims, Account account, List<String> scopes) {
        if (scopes.contains("phone") && account.login().startsWith("+")) {
            // A phone login is kept in E.164; the operator's own record, so verified.
            claims.put("phone_number", account.login()).put("phone_number_verified", true);
        }
        if (scopes.contains("email")
                && account.email() != null
                && !account.email().isBlank()) {
            claims.put("email", account.email());
        }
    }

    /** RFC 6750 3: 401 with the error in WWW-Authenticate; none at all when no token was sent. */
    private static void invalidToken(RoutingContext ctx, String error) {
        String challenge = error == null ? "Bearer" : "Bearer error=\"" + error + "\"";
        ctx.response()
                .setStatusCode(error != null && error.equals("invalid_request") ? 400 : 401)
                .putHeader("WWW-Authenticate", challenge)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(new JsonObject()
                        .put("error", error == null ? "invalid_token" : error)
                        .encode());
    }
}
