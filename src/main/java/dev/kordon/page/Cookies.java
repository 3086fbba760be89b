package dev.kordon.page;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Kordon's cookies: always HttpOnly and SameSite=Lax (the operator console's and the step's: Strict); Secure with
 * the {@code __Host-} prefix (no Domain, Path=/) unless {@code cookie.secure} is off for plain-HTTP
 * testing.
 */
public final class Cookies {
    public static final String SESSION = "kordon-session";
    public static final String CSRF = "kordon-csrf";
    public static final String CHANGE = "kordon-change";
    /** The step token between the password and the second step; set SameSite=Strict. */
    public static final String STEP = "kordon-step";
    /** The category and login typed last, to fill the next form in; not a secret. */
    public static final String HINT = "kordon-hint";
    /** The operator console's session, on the admin port. */
    public static final String CONSOLE = "kordon-console";
    /** A named operator's step token between the console's password and its second step. */
    public static final String CONSOLE_STEP = "kordon-console-step";
    /** The operator console's CSRF cookie: its own, apart from the public pages'. */
    public static final String CONSOLE_CSRF = "kordon-console-csrf";

    private final boolean secure;
    private final CookieSameSite sameSite;

    public Cookies(boolean secure) {
        this(secure, CookieSameSite.LAX);
    }

    public Cookies(boolean secure, CookieSameSite sameSite) {
        this.secure = secure;
        this.sameSite = sameSite;
    }

    /** Whether a cookie is one of Kordon's, by either spelling of its name (with or without {@code __Host-}). */
    public static boolean isKordons(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.startsWith("__host-") || n.startsWith("__secure-")) {
            n = n.substring(n.indexOf('-') + 1);
        }
        return n.startsWith("kordon-");
    }

    String name(String base) {
        return secure ? "__Host-" + base : base;
    }

    public String get(RoutingContext ctx, String base) {
        Cookie c = ctx.request().getCookie(name(base));
        return c == null || c.getValue().isEmpty() ? null : c.getValue();
    }

    /** {@code maxAge} null: a cookie for the browser session. */
    public void set(RoutingContext ctx, String base, String value, Duration maxAge) {
        Cookie c = Cookie.cookie(name(base), value)
                .setPath("/")
                .setHttpOnly(true)
                .setSecure(secure)
                .setSameSite(sameSite);
        if (maxAge != null) {
            c.setMaxAge(maxAge.toSeconds());
        }
        ctx.response().addCookie(c);
    }

    public void clear(RoutingContext ctx, String base) {
        if (ctx.request().getCookie(name(base)) != null) {
            ctx.response()
                    .addCookie(Cookie.cookie(name(base), "")
                            .setPath("/")
                            .setHttpOnly(true)
                            .setSecure(secure)
                            .setSameSite(sameSite)
                            .setMaxAge(0));
        }
    }

    public void setHint(RoutingContext ctx, String category, String login) {
        String json = new JsonObject()
                .put("category", category)
                .put("login", login == null ? "" : login)
                .encode();
        set(
                ctx,
                HINT,
                Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8)),
                Duration.ofMinutes(30));
    }

    public JsonObject hint(RoutingContext ctx) {
        String v = get(ctx, HINT);
        if (v == null || v.length() > 512) {
            return new JsonObject();
        }
        try {
            JsonObject o = new JsonObject(new String(Base64.getUrlDecoder().decode(v), StandardCharsets.UTF_8));
            String login = o.getValue("login") instanceof String s && s.length() <= 64 ? s : "";
            String category = o.getValue("category") instanceof String s ? s : null;
            return new JsonObject().put("login", login).put("category", category);
        } catch (RuntimeException e) {
            return new JsonObject();
        }
    }
}
