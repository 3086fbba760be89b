package dev.kordon.oidc;

import dev.kordon.audit.Audit;
import dev.kordon.client.OidcClient;
import dev.kordon.oauth.RedirectUrls;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.server.ClientIp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * /oauth2/logout by GET or POST (OpenID Connect RP-Initiated Logout 1.0): the browser session ends
 * (when it is the {@code id_token_hint}'s account, or when no hint names one) and its other clients
 * are sent a logout token, the refresh families the hint's client holds for that account from the
 * hint's session end with their access tokens, and the browser goes to
 * the client's registered {@code post_logout_redirect_uri} with {@code state}, or to the sign-in
 * page. No confirmation screen: every client is first-party. Everything is checked before anything
 * ends, and a request that cannot be trusted with a redirect gets an error page, never a redirect.
 */
public final class LogoutEndpoint {
    public static final String PATH = "/oauth2/logout";
    private static final List<String> READ =
            List.of("id_token_hint", "client_id", "post_logout_redirect_uri", "state", "ui_locales");

    private final OidcParts parts;
    private final ClientIp clientIp;
    private final Function<RoutingContext, Future<JsonObject>> signedIn;
    private final BiConsumer<RoutingContext, Failure> errorPage;
    private final Function<RoutingContext, Future<Void>> signOut;

    /**
     * @param signedIn who the browser session names (fails with a {@link FlowException} when none)
     * @param errorPage shows the error page for a failure, with its status
     * @param signOut ends the browser session and clears its cookie, leaving the answer to the caller
     */
    public LogoutEndpoint(
            OidcParts parts,
            ClientIp clientIp,
            Function<RoutingContext, Future<JsonObject>> signedIn,
            BiConsumer<RoutingContext, Failure> errorPage,
            Function<RoutingContext, Future<Void>> signOut) {
        this.parts = parts;
        this.clientIp = clientIp;
        this.signedIn = signedIn;
        this.errorPage = errorPage;
        this.signOut = signOut;
    }

    /** A sign-out asked for, checked: who the hint names (or null), for which client, where to go after. */
    private record Request(UUID account, String sid, String clientId, String redirectUri, String state, String lang) {}

    public void handle(RoutingContext ctx) {
        MultiMap params =
                ctx.request().method() == HttpMethod.POST ? ctx.request().formAttributes() : ctx.queryParams();
        Map<String, String> p = new LinkedHashMap<>();
        for (String name : READ) {
            List<String> values =
                    params.getAll(name).stream().filter(v -> !v.isEmpty()).toList();
            if (values.size() > 1) {
                // Which of two would be meant cannot be told (RFC 6749 3.1 holds here as at authorize).
                errorPage.accept(ctx, Failure.INVALID_REQUEST);
                return;
            }
            p.put(name, values.isEmpty() ? null : values.get(0));
        }
        UUID account = null;
        String sid = null;
        String clientId = p.get("client_id");
        if (p.get("id_token_hint") != null) {
            JsonObject hint = parts.idTokens().verify(p.get("id_token_hint"));
            String aud = hint == null ? null : audience(hint.getValue("aud"));
            UUID sub = hint == null ? null : uuid(hint.getString("sub"));
            // Its expiry is not checked: a hint names a sign-in, often one whose ID token has expired.
            if (aud == null || sub == null || !parts.issuer().equals(hint.getString("iss"))) {
                errorPage.accept(ctx, Failure.INVALID_REQUEST);
                return;
            }
            if (clientId != null && !clientId.equals(aud)) {
                errorPage.accept(ctx, Failure.INVALID_REQUEST);
                return;
            }
            account = sub;
            sid = hint.getValue("sid") instanceof String s ? s : null;
            clientId = aud;
        }
        String redirectUri = p.get("post_logout_redirect_uri");
        if (redirectUri != null && clientId == null) {
            // Whose registered list it should be on is unknown: never an open redirect.
            errorPage.accept(ctx, Failure.INVALID_REQUEST);
            return;
        }
        Request req = new Request(account, sid, clientId, redirectUri, p.get("state"), language(p.get("ui_locales")));
        Future<Optional<OidcClient>> client = redirectUri == null
                ? Future.succeededFuture(Optional.empty())
                : parts.clients().find(clientId);
        client.onFailure(ctx::fail).onSuccess(found -> {
            if (redirectUri != null
                    && found.map(c -> !c.postLogoutRedirectUris().contains(redirectUri))
                            .orElse(true)) {
                errorPage.accept(ctx, Failure.INVALID_REQUEST);
                return;
            }
            signedIn.apply(ctx).onComplete(who -> {
                if (who.failed() && !(who.cause() instanceof FlowException)) {
                    ctx.fail(who.cause());
                    return;
                }
                end(ctx, req, who.succeeded() ? who.result() : null);
            });
        });
    }

    private void end(RoutingContext ctx, Request req, JsonObject who) {
        UUID signedInAs = who == null ? null : uuid(who.getString("sub"));
        // A hint for another account than the browser's: that person's session is not the client's to end.
        boolean endSession = req.account() == null || req.account().equals(signedInAs);
        Future<Void> session = endSession ? signOut.apply(ctx) : Future.succeededFuture();
        Future<Integer> families = req.account() == null
                ? Future.succeededFuture(0)
                : endFamilies(req.account(), req.clientId(), req.sid());
        Future.all(session, families).onFailure(ctx::fail).onSuccess(done -> {
            UUID account = req.account() != null ? req.account() : signedInAs;
            parts.audit()
                    .record(
                            Audit.OIDC_LOGOUT,
                            account,
                            null,
                            null,
                            clientIp.of(ctx),
                            new JsonObject()
                                    .put("client_id", req.clientId())
                                    .put("session_ended", endSession && signedInAs != null)
                                    .put("families_ended", families.result()));
            ctx.response()
                    .setStatusCode(302)
                    .putHeader("Location", target(req))
                    .putHeader("Cache-Control", "no-store")
                    .end();
        });
    }

    /**
     * Ends the refresh families {@code clientId} holds for the account from the browser session
     * {@code sid} (every one of them when the hint named no session), with their access tokens: how many.
     */
    private Future<Integer> endFamilies(UUID account, String clientId, String sid) {
        var keys = parts.redis().keys();
        return parts.redis().send(Command.SMEMBERS, keys.families(account)).compose(members -> {
            List<Future<Boolean>> ended = new ArrayList<>();
            for (Response member : members == null ? new ArrayList<Response>() : members) {
                String family = member.toString();
                String holder = keys.oidcFamily(account, family);
                ended.add(parts.redis().send(Command.GET, holder).compose(r -> {
                    JsonObject held = r == null ? null : new JsonObject(r.toString());
                    boolean ours = held != null
                            && clientId.equals(held.getString("client_id"))
                            && (sid == null || held.getString("sid") == null || sid.equals(held.getString("sid")));
                    if (!ours) {
                        return Future.succeededFuture(false);
                    }
                    return parts.sessions()
                            .endFamily(account, family)
                            .compose(found ->
                                    parts.redis().send(Command.DEL, holder).map(found));
                }));
            }
            return Future.all(ended)
                    .map(all -> (int) ended.stream().filter(Future::result).count());
        });
    }

    /** The registered URI with {@code state}, or the seed's sign-in page in the language asked for. */
    private static String target(Request req) {
        if (req.redirectUri() != null) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("state", req.state());
            return RedirectUrls.append(req.redirectUri(), params);
        }
        return req.lang() == null ? "/login" : "/login?lang=" + req.lang();
    }

    /** The one client an ID token is for: {@code aud} as a string, or an array of exactly one. */
    private static String audience(Object aud) {
        if (aud instanceof String s) {
            return s;
        }
        return aud instanceof JsonArray a && a.size() == 1 && a.getValue(0) instanceof String s ? s : null;
    }

    /** The first tag of {@code ui_locales} whose language Kordon has, as {@code ru} or {@code en}; else null. */
    private static String language(String uiLocales) {
        if (uiLocales == null) {
            return null;
        }
        for (String tag : uiLocales.trim().split(" +")) {
            String lang = tag.split("-", 2)[0].toLowerCase(Locale.ROOT);
            if (lang.equals("ru") || lang.equals("en")) {
                return lang;
            }
        }
        return null;
    }

    private static UUID uuid(String s) {
        try {
            return s == null ? null : UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
