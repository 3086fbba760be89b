package dev.kordon.gate;

import dev.kordon.page.ReturnUrl;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.server.Mount;
import dev.kordon.server.RequestIds;
import dev.kordon.server.Routes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * {@code /auth/verify} for nginx auth_request, Traefik ForwardAuth and Envoy ext_authz: 200 with
 * the identity headers, else 401, or for a browser the way to the sign-in page, which brings it
 * back afterwards.
 */
public final class VerifyRoutes implements Mount {
    static final String VERIFY = "/auth/verify";
    private static final CharSequence TRACEPARENT = HttpHeaders.createOptimized("traceparent");
    /** In this order: nginx's header is the most specific, Envoy's path the least. */
    private static final List<ForwardAuth> PROXIES =
            List.of(new NginxAuthRequest(), new TraefikForwardAuth(), new EnvoyExtAuthz());

    private final SignedIn signedIn;

    public VerifyRoutes(SignedIn signedIn) {
        this.signedIn = signedIn;
    }

    @Override
    public void on(Router router, Vertx vertx) {
        router.get(VERIFY).handler(this::verify);
        // Envoy's ext_authz asks at its path prefix followed by the original path, with the original method.
        router.routeWithRegex(VERIFY + "/.*").handler(this::verify);
    }

    private void verify(RoutingContext ctx) {
        signedIn.who(ctx)
                .onSuccess(claims -> {
                    ForwardAuth proxy = proxy(ctx);
                    String path = proxy == null ? null : proxy.path(ctx);
                    if (signedIn.stepUp().refused(ctx, claims, path, back(proxy, ctx))) {
                        return;
                    }
                    SignedIn.identify(claims, ctx.response().headers());
                    ctx.response()
                            .putHeader(Routes.CACHE_CONTROL, Routes.NO_STORE)
                            // The proxy hands this on to the portal, so the portal's spans join the caller's trace.
                            .putHeader(TRACEPARENT, ctx.<String>get(RequestIds.TRACEPARENT))
                            .setStatusCode(200)
                            .end();
                })
                .onFailure(err -> {
                    if (!(err instanceof FlowException fe
                            && fe.failure() == Failure.UNAUTHORIZED
                            && signInRedirect(ctx))) {
                        ctx.fail(err);
                    }
                });
    }

    private static ForwardAuth proxy(RoutingContext ctx) {
        return PROXIES.stream().filter(p -> p.asks(ctx)).findFirst().orElse(null);
    }

    /** Where the browser was going, if a sign-in may lead back there; else null. */
    private String back(ForwardAuth proxy, RoutingContext ctx) {
        String original = proxy == null ? null : proxy.original(ctx);
        return original != null && ReturnUrl.origin(original) != null && signedIn.allowedReturn(original)
                ? original
                : null;
    }

    /** Only for a URL the sign-in would return to anyway (portal.url's origin or web.return-origins): no open redirect. */
    private boolean signInRedirect(RoutingContext ctx) {
        String accept = ctx.request().headers().get("Accept");
        if (accept == null || !accept.toLowerCase(Locale.ROOT).contains("text/html")) {
            return false;
        }
        ForwardAuth proxy = proxy(ctx);
        String original = back(proxy, ctx);
        if (original == null) {
            return false;
        }
        String origin = ReturnUrl.origin(original);
        ctx.response()
                .setStatusCode(proxy.redirectStatus())
                .putHeader("Location", origin + "/login?return=" + URLEncoder.encode(original, StandardCharsets.UTF_8))
                .putHeader("Cache-Control", "no-store")
                .end();
        return true;
    }
}
