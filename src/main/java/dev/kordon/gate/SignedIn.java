package dev.kordon.gate;

import dev.kordon.flow.SessionFlow;
import dev.kordon.page.PageRoutes;
import dev.kordon.server.Routes;
import dev.kordon.token.Assurance;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/**
 * Who a request is signed in as, asked the one way {@code /auth/verify} and the portal proxy both
 * ask it: a bearer access token if there is one, else the browser session cookie. Either is refused
 * once revoked, logged out, or its account disabled or changed. The answer is handed on as the
 * identity headers, Kordon's values only.
 */
public final class SignedIn {
    static final String SUBJECT = "X-Kordon-Subject";
    static final String LOGIN = "X-Kordon-Login";
    static final String ROLE = "X-Kordon-Role";
    /** The sign-in's assurance level, {@code aal1} or {@code aal2} (token/Assurance). */
    static final String ACR = "X-Kordon-Acr";
    /** The headers Kordon speaks with: a client's own copies are never believed. */
    static final String HEADER_PREFIX = "x-kordon-";

    static final List<String> IDENTITY = List.of(SUBJECT, LOGIN, ROLE, ACR);
    private static final CharSequence SUBJECT_NAME = HttpHeaders.createOptimized(SUBJECT);
    private static final CharSequence LOGIN_NAME = HttpHeaders.createOptimized(LOGIN);
    private static final CharSequence ROLE_NAME = HttpHeaders.createOptimized(ROLE);
    private static final CharSequence ACR_NAME = HttpHeaders.createOptimized(ACR);

    private final SessionFlow sessions;
    private final PageRoutes pages;
    private final StepUp stepUp;

    /** {@code aal2Prefixes}: edge.aal2-prefixes, the areas that need a second step. */
    public SignedIn(SessionFlow sessions, PageRoutes pages, List<String> aal2Prefixes) {
        this.sessions = sessions;
        this.pages = pages;
        this.stepUp = new StepUp(aal2Prefixes, pages);
    }

    /** What refuses a sign-in below aal2 an area under edge.aal2-prefixes. */
    StepUp stepUp() {
        return stepUp;
    }

    /** The access token's claims, or the session's; failed with UNAUTHORIZED when neither holds. */
    public Future<JsonObject> who(RoutingContext ctx) {
        String bearer = Routes.bearer(ctx);
        return bearer != null ? sessions.authenticate(bearer) : pages.signedIn(ctx);
    }

    /** Sets the identity headers on {@code headers}, replacing whatever was there. */
    public static void identify(JsonObject claims, MultiMap headers) {
        headers.set(SUBJECT_NAME, claims.getString("sub"));
        headers.set(LOGIN_NAME, claims.getString("login", ""));
        headers.set(ROLE_NAME, claims.getString("role", ""));
        headers.set(ACR_NAME, Assurance.of(claims));
    }

    static boolean isKordonHeader(String name) {
        return name.toLowerCase(Locale.ROOT).startsWith(HEADER_PREFIX);
    }

    /** Whether a sign-in may lead back to {@code url} (portal.url's origin or web.return-origins). */
    boolean allowedReturn(String url) {
        return pages.allowedReturn(url);
    }
}
