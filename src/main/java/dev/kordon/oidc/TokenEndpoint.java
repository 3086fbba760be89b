package dev.kordon.oidc;

import dev.kordon.client.OidcClient;
import dev.kordon.problem.FlowException;
import dev.kordon.server.ClientIp;
import dev.kordon.store.Outage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * /oauth2/token (RFC 6749 3.2, 4.1.3, 6; OIDC Core 3.1.3): the client proves itself the way it was
 * registered ({@code client_secret_basic}, {@code client_secret_post}, or {@code none} with PKCE),
 * then trades a code or a refresh token. Failed client authentications and bad codes are counted per
 * client and per address; past {@link #FAILURES} in {@link #WINDOW_MS} the endpoint refuses both
 * until the window ends. Every error is RFC 6749 5.2's JSON, and none tells whether an account exists.
 */
final class TokenEndpoint {
    /** Failures of one client, or from one address, allowed per window before both are refused. */
    static final int FAILURES = 20;

    static final long WINDOW_MS = 600_000;

    private final OidcParts parts;
    private final Issuance issuance;
    private final ClientIp clientIp;

    TokenEndpoint(OidcParts parts, ClientIp clientIp) {
        this.parts = parts;
        this.issuance = new Issuance(parts);
        this.clientIp = clientIp;
    }

    /** A failure refused with RFC 6749 5.2's error code and the status it goes with. */
    static final class Refusal extends RuntimeException {
        final int status;
        final String error;

        Refusal(int status, String error, String description) {
            super(description, null, false, false);
            this.status = status;
            this.error = error;
        }
    }

    void handle(RoutingContext ctx) {
        MultiMap form = ctx.request().formAttributes();
        String ip = clientIp.of(ctx);
        String basic = ctx.request().getHeader("Authorization");
        Credentials presented;
        try {
            presented = Credentials.of(basic, form);
        } catch (Refusal r) {
            refuse(ctx, r, basic != null);
            return;
        }
        gate(presented.clientId(), ip)
                .compose(v -> authenticate(presented))
                .compose(client -> grant(client, form))
                .onSuccess(answer -> ctx.response()
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Cache-Control", "no-store")
                        .putHeader("Pragma", "no-cache")
                        .end(answer.encode()))
                .onFailure(err -> {
                    if (err instanceof Refusal r) {
                        boolean counted = r.error.equals("invalid_client") || r.error.equals("invalid_grant");
                        (counted ? failed(presented.clientId(), ip) : Future.succeededFuture())
                                .onComplete(done -> refuse(ctx, r, basic != null));
                    } else if (err instanceof FlowException fe && fe.failure().status < 500) {
                        failed(presented.clientId(), ip)
                                .onComplete(done -> refuse(
                                        ctx, new Refusal(400, "invalid_grant", "the grant is not valid"), false));
                    } else {
                        ctx.fail(err);
                    }
                });
    }

    private Future<JsonObject> grant(OidcClient client, MultiMap form) {
        String type = form.get("grant_type");
        if ("authorization_code".equals(type)) {
            String code = form.get("code");
            if (code == null || form.get("redirect_uri") == null) {
                return refused(400, "invalid_request", "code and redirect_uri are required");
            }
            return parts.codes()
                    .redeem(code, client.clientId(), form.get("redirect_uri"), form.get("code_verifier"))
                    .compose(r -> switch (r.outcome()) {
                        case GRANTED -> issuance.forCode(client, r.grant(), r.issuedId());
                        case REPLAYED ->
                            issuance.revokeIssued(r.issuedId())
                                    .compose(v -> refused(400, "invalid_grant", "the code was used before"));
                        default -> refused(400, "invalid_grant", "the code is not valid");
                    });
        }
        if ("refresh_token".equals(type)) {
            String token = form.get("refresh_token");
            if (token == null) {
                return refused(400, "invalid_request", "refresh_token is required");
            }
            return issuance.refreshed(client, token);
        }
        return type == null
                ? refused(400, "invalid_request", "grant_type is required")
                : refused(400, "unsupported_grant_type", "only authorization_code and refresh_token");
    }

    /** The registered client, proven as it was registered; {@code invalid_client} for anything else. */
    private Future<OidcClient> authenticate(Credentials c) {
        return parts.clients().find(c.clientId()).compose(found -> {
            OidcClient client = found.orElse(null);
            if (client == null || client.authMethod() != c.method()) {
                return refused(401, "invalid_client", "client authentication failed");
            }
            if (client.isPublic()) {
                return Future.succeededFuture(client);
            }
            return parts.clients()
                    .secretMatches(client.clientId(), c.secret())
                    .compose(ok -> ok
                            ? Future.succeededFuture(client)
                            : refused(401, "invalid_client", "client authentication failed"));
        });
    }

    /** Refused before any check while the client or the address is past its failures. */
    private Future<Void> gate(String clientId, String ip) {
        var keys = parts.redis().keys();
        // Two keys of two hash tags: two GETs, which a Redis Cluster serves from two nodes.
        Future<Long> client = failures(keys.oidcFailures("client:" + clientId));
        Future<Long> address = failures(keys.oidcFailures("ip:" + ip));
        return Future.all(client, address)
                .compose(both -> client.result() >= FAILURES || address.result() >= FAILURES
                        ? refused(429, "invalid_client", "too many failed attempts; try again later")
                        : Future.succeededFuture());
    }

    private Future<Long> failures(String key) {
        return parts.redis().send(Command.GET, key).map(r -> r == null ? 0L : r.toLong());
    }

    private Future<Void> failed(String clientId, String ip) {
        var keys = parts.redis().keys();
        return Future.all(count(keys.oidcFailures("client:" + clientId)), count(keys.oidcFailures("ip:" + ip)))
                .mapEmpty();
    }

    private Future<Void> count(String key) {
        return parts.redis()
                .send(Command.INCR, key)
                .compose(n -> n != null && n.toLong() == 1
                        ? parts.redis().send(Command.PEXPIRE, key, Long.toString(WINDOW_MS))
                        : Future.succeededFuture())
                .mapEmpty();
    }

    private static <T> Future<T> refused(int status, String error, String description) {
        return Future.failedFuture(new Refusal(status, error, description));
    }

    /** RFC 6749 5.2; a client that tried HTTP Basic gets the Basic challenge with its 401. */
    private static void refuse(RoutingContext ctx, Refusal r, boolean basic) {
        var response = ctx.response()
                .setStatusCode(r.status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Pragma", "no-cache");
        if (r.status == 401 && basic) {
            response.putHeader("WWW-Authenticate", "Basic realm=\"kordon\"");
        }
        if (r.status == 429) {
            response.putHeader("Retry-After", Long.toString(WINDOW_MS / 1000));
        }
        response.end(new JsonObject()
                .put("error", r.error)
                .put("error_description", r.getMessage())
                .encode());
    }

    /** Whether a failure is an outage of what Kordon stands on (answered 503), not a refusal. */
    static boolean isOutage(Throwable err) {
        return Outage.of(err) || !(err instanceof FlowException fe) || fe.failure().status >= 500;
    }

    /** What the client presented: its id, how, and its secret (null for {@code none}). */
    record Credentials(String clientId, OidcClient.AuthMethod method, String secret) {
        /** From the Basic header or the form, never both (RFC 6749 2.3: one method per request). */
        static Credentials of(String authorization, MultiMap form) {
            String formId = form.get("client_id");
            String formSecret = form.get("client_secret");
            if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                if (formSecret != null) {
                    throw new Refusal(400, "invalid_request", "one client authentication method per request");
                }
                List<String> pair = basic(authorization.substring(6).trim());
                if (pair == null || (formId != null && !formId.equals(pair.get(0)))) {
                    throw new Refusal(401, "invalid_client", "client authentication failed");
                }
                return new Credentials(pair.get(0), OidcClient.AuthMethod.CLIENT_SECRET_BASIC, pair.get(1));
            }
            if (formId == null || formId.isEmpty()) {
                throw new Refusal(401, "invalid_client", "client authentication failed");
            }
            return formSecret != null
                    ? new Credentials(formId, OidcClient.AuthMethod.CLIENT_SECRET_POST, formSecret)
                    : new Credentials(formId, OidcClient.AuthMethod.NONE, null);
        }

        /** RFC 6749 2.3.1: id and secret form-urlencoded, then joined by a colon and base64'd. */
        private static List<String> basic(String encoded) {
            try {
                String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon <= 0) {
                    return null;
                }
                return List.of(
                        URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                        URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
