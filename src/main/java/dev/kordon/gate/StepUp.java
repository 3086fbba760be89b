package dev.kordon.gate;

import dev.kordon.page.PageRoutes;
import dev.kordon.problem.Failure;
import dev.kordon.server.Problems;
import dev.kordon.server.Routes;
import dev.kordon.token.Assurance;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code edge.aal2-prefixes}: the portal areas only a sign-in with a second step (acr {@code aal2},
 * see {@link Assurance}) may reach, asked the same at {@code /auth/verify} and in the portal proxy. A
 * prefix covers itself and what lies under it on a segment boundary ({@code /admin}: {@code /admin},
 * {@code /admin/x}, not {@code /administrator}).
 *
 * <p>The path is judged in every form a portal behind the proxy might read it in: as sent, decoded
 * once, and decoded until nothing is left to decode; each with dot segments resolved, backslashes as
 * slashes, empty segments and {@code ;} parameters dropped, letters in any case. If any form lies
 * under a prefix, aal2 is asked: a trick ({@code /x/..%2fadmin}, {@code /ADMIN}, {@code /admin;x})
 * can only ask for more, never less. A request whose original path the proxy did not send is asked
 * for aal2 too, while there are prefixes at all.
 */
final class StepUp {
    /** RFC 9470 §3: what a resource server answers a token whose sign-in was not strong enough. */
    static final String CHALLENGE = "Bearer error=\"insufficient_user_authentication\", "
            + "error_description=\"A sign-in with a second step is required\", acr_values=\"" + Assurance.AAL2 + "\"";

    private static final int MAX_DECODINGS = 4;

    private final List<String> prefixes;
    private final PageRoutes pages;

    StepUp(List<String> prefixes, PageRoutes pages) {
        this.prefixes = prefixes.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
        this.pages = pages;
    }

    /**
     * Answers a sign-in below aal2 that asks for a path under a prefix, and says so; false when the
     * request may go on. {@code rawPath}: the original path as the client sent it (a query may follow),
     * null when unknown; {@code back}: where a new sign-in would lead (null: nowhere in particular).
     */
    boolean refused(RoutingContext ctx, JsonObject claims, String rawPath, String back) {
        if (prefixes.isEmpty() || Assurance.aal2(claims) || !demands(rawPath)) {
            return false;
        }
        ctx.response().putHeader(Routes.CACHE_CONTROL, Routes.NO_STORE);
        if (Routes.bearer(ctx) == null && PortalProxy.browser(ctx)) {
            // Signing in again helps one who has a second step; one who has none is shown where to set it up.
            pages.stepUpPage(ctx, back);
            return true;
        }
        ctx.response().putHeader("WWW-Authenticate", CHALLENGE);
        Problems.send(ctx, Failure.UNAUTHORIZED, Map.of(), null, "problem.step-up.detail");
        return true;
    }

    /** Whether {@code rawPath} (null: not told) lies under one of the prefixes in any of its forms. */
    boolean demands(String rawPath) {
        if (prefixes.isEmpty()) {
            return false;
        }
        if (rawPath == null) {
            return true;
        }
        for (String form : forms(rawPath)) {
            for (String prefix : prefixes) {
                if (prefix.equals("/") || form.equals(prefix) || form.startsWith(prefix + "/")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The forms a portal might read {@code rawPath} in, lower-cased; see the class comment. */
    static Set<String> forms(String rawPath) {
        String path = rawPath;
        int end = indexOfAny(path, '?', '#');
        if (end >= 0) {
            path = path.substring(0, end);
        }
        Set<String> forms = new LinkedHashSet<>();
        forms.add(resolved(path));
        for (int i = 0; i < MAX_DECODINGS; i++) {
            String decoded = decoded(path);
            if (decoded.equals(path)) {
                break;
            }
            path = decoded;
            forms.add(resolved(path));
        }
        return forms;
    }

    /** Dot segments resolved (RFC 3986 §5.2.4), backslashes as slashes, no empty segment or parameters. */
    private static String resolved(String path) {
        Deque<String> kept = new ArrayDeque<>();
        for (String segment : path.replace('\\', '/').split("/", -1)) {
            int parameters = segment.indexOf(';');
            String s = parameters >= 0 ? segment.substring(0, parameters) : segment;
            if (s.equals("..")) {
                kept.pollLast();
            } else if (!s.isEmpty() && !s.equals(".")) {
                kept.addLast(s);
            }
        }
        return ("/" + String.join("/", new ArrayList<>(kept))).toLowerCase(Locale.ROOT);
    }

    /** Percent-escapes decoded as UTF-8; a malformed escape stays as it is. No {@code +}: this is a path. */
    private static String decoded(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
            int lo = i + 2 < in.length ? Character.digit(in[i + 2], 16) : -1;
            if (in[i] == '%' && hi >= 0 && lo >= 0) {
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
