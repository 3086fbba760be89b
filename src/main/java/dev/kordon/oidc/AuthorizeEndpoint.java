package dev.kordon.oidc;

import dev.kordon.client.OidcClient;
import dev.kordon.oauth.Authorization;
import dev.kordon.oauth.AuthorizeError;
import dev.kordon.oauth.AuthorizeOutcome;
import dev.kordon.oauth.AuthorizeRequest;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * /oauth2/authorize by GET or POST (OIDC Core 3.1.2). A request judged good gets a code at once
 * when the browser is signed in recently enough; otherwise the person goes through the seed's own
 * sign-in page (password or SMS code, a temporary password through the forced change) and comes
 * back here, then to the client with the code. A request that cannot be trusted with a redirect
 * (unknown client, a redirect URI not registered) gets an error page, never a redirect.
 */
final class AuthorizeEndpoint {
    /**
     * When the request first came, in epoch seconds, carried through the sign-in page: {@code
     * prompt=login}, or a {@code max_age} the session failed, needs a sign-in made after it.
     */
    static final String SINCE = "kordon_since";

    private final OidcParts parts;
    private final Function<RoutingContext, Future<JsonObject>> signedIn;
    private final BiConsumer<RoutingContext, Failure> errorPage;

    AuthorizeEndpoint(
            OidcParts parts,
            Function<RoutingContext, Future<JsonObject>> signedIn,
            BiConsumer<RoutingContext, Failure> errorPage) {
        this.parts = parts;
        this.signedIn = signedIn;
        this.errorPage = errorPage;
    }

    void handle(RoutingContext ctx) {
        MultiMap params =
                ctx.request().method() == HttpMethod.POST ? ctx.request().formAttributes() : ctx.queryParams();
        List<String> ids = params.getAll("client_id");
        Future<Optional<OidcClient>> client =
                ids.size() == 1 ? parts.clients().find(ids.get(0)) : Future.succeededFuture(Optional.empty());
        client.onFailure(ctx::fail).onSuccess(found -> {
            AuthorizeOutcome outcome = AuthorizeRequest.judge(params, found.orElse(null));
            if (outcome instanceof AuthorizeError e) {
                if (e.redirectable()) {
                    redirect(ctx, e.redirectUrl(parts.issuer()));
                } else {
                    errorPage.accept(ctx, Failure.INVALID_REQUEST);
                }
                return;
            }
            Authorization a = (Authorization) outcome;
            signedIn.apply(ctx).onComplete(ar -> {
                if (ar.failed() && !(ar.cause() instanceof FlowException)) {
                    ctx.fail(ar.cause());
                    return;
                }
                decide(ctx, params, a, ar.succeeded() ? ar.result() : null);
            });
        });
    }

    private void decide(RoutingContext ctx, MultiMap params, Authorization a, JsonObject who) {
        long now = System.currentTimeMillis() / 1000;
        long since = since(params.get(SINCE), now);
        if (who != null) {
            long authTime = who.getLong("auth_time", 0L);
            boolean fresh = since > 0 ? authTime >= since : !a.promptLogin() && a.acceptsAuthTime(authTime, now);
            if (fresh) {
                UUID account = UUID.fromString(who.getString("sub"));
                List<String> amr =
                        who.getJsonArray("amr").stream().map(String::valueOf).toList();
                parts.codes()
                        .issue(a.grant(account, authTime, amr, who.getString("sid")))
                        .onSuccess(code -> redirect(ctx, a.codeRedirect(code, parts.issuer())))
                        .onFailure(ctx::fail);
                return;
            }
        }
        if (a.promptNone()) {
            redirect(ctx, a.loginRequired().redirectUrl(parts.issuer()));
            return;
        }
        redirect(ctx, signInPage(params, a, now));
    }

    /**
     * The seed's sign-in page, returning here with the same request and the time it came, in the
     * language asked for and with the phone pre-filled when the client named one.
     */
    private String signInPage(MultiMap params, Authorization a, long now) {
        StringBuilder back = new StringBuilder(base(parts.issuer()) + OidcRoutes.AUTHORIZE + "?");
        params.forEach((name, value) -> {
            if (!name.equals(SINCE) && !name.equals("prompt")) {
                back.append(enc(name)).append('=').append(enc(value)).append('&');
            }
        });
        back.append(SINCE).append('=').append(now);
        StringBuilder page = new StringBuilder("/login?return=").append(enc(back.toString()));
        if (a.locale() != null) {
            page.append("&lang=").append(a.locale().getLanguage().toLowerCase(Locale.ROOT));
        }
        if (a.loginHint() != null) {
            page.append("&login_hint=").append(enc(a.loginHint()));
        }
        return page.toString();
    }

    /** The request's arrival carried through the sign-in, if it is a time that has been; else 0. */
    private static long since(String raw, long now) {
        try {
            long t = raw == null ? 0 : Long.parseLong(raw);
            return t > 0 && t <= now ? t : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String base(String issuer) {
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void redirect(RoutingContext ctx, String location) {
        ctx.response()
                .setStatusCode(302)
                .putHeader("Location", location)
                .putHeader("Cache-Control", "no-store")
                .end();
    }
}
