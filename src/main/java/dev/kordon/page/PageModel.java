package dev.kordon.page;

import dev.kordon.account.LoginParser;
import dev.kordon.config.KordonConfig;
import dev.kordon.config.KordonConfig.LoginKind;
import dev.kordon.credential.PasswordPolicy;
import dev.kordon.problem.Bundles;
import dev.kordon.problem.FlowException;
import dev.kordon.server.Language;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a page's template is given: every text in the request's language, the CSRF token, the
 * checked return URL, the categories and how a phone is shown; and each screen's model on top.
 */
public final class PageModel {
    private final KordonConfig config;
    private final LoginParser logins;
    private final Cookies cookies;
    private final Csrf csrf;
    private final ReturnUrl returns;

    public PageModel(KordonConfig config, LoginParser logins, Cookies cookies, Csrf csrf, ReturnUrl returns) {
        this.config = config;
        this.logins = logins;
        this.cookies = cookies;
        this.csrf = csrf;
        this.returns = returns;
    }

    /** The page model: texts, language, CSRF token, the checked return URL. */
    public Model of(RoutingContext ctx) {
        Language language = Language.of(ctx);
        Locale locale = language.locale();
        Model m = new Model();
        m.put("t", Bundles.all(locale))
                .put("lang", language.code())
                .put("langCarried", language.carried())
                .put("langQuery", language.query())
                .put("csrf", csrf.token(ctx))
                .put("returnTo", returns.requested(ctx))
                // The links between the sign-in pages keep where the sign-in leads (an OpenID
                // Connect authorization, say), as the forms do: «Забыли пароль?» must not lose it.
                .put("carried", returns.carried(ctx))
                .put("categories", List.copyOf(config.categories().keySet()))
                .put("phoneCategories", config.phoneCategories())
                .put("phonePrefix", logins.phones().prefix())
                // The «По SMS» form says, to everyone alike, that these roles sign in by password and a second step.
                .put("stepRoles", !config.mfa().requiredRoles().isEmpty())
                .put("category", category(ctx, null))
                .put("login", "")
                .put("errors", Map.of())
                .put("banner", "")
                .put("formError", "")
                .put("phoneHint", Bundles.text(locale, logins.phoneHint()));
        return m;
    }

    /**
     * «Вход в аккаунт» in {@code mode}, filled in with the login typed last, or else with the phone an
     * OpenID Connect client named ({@code login_hint}, passed on by the authorization).
     */
    Model login(RoutingContext ctx, String mode) {
        Model m = of(ctx);
        JsonObject hint = cookies.hint(ctx);
        String named = ctx.queryParams().get("login_hint");
        if (hint.getString("login") == null && named != null && named.length() <= 32) {
            hint = new JsonObject().put("category", category(ctx, null)).put("login", named);
        }
        m.put("mode", mode)
                .put("category", category(ctx, hint.getString("category")))
                .put("login", shown(hint.getString("category"), hint.getString("login", "")))
                .put("codeSent", false)
                .put("resendIn", config.smsCode().resendAfter().toSeconds())
                .put(
                        "codeSentText",
                        text(
                                ctx,
                                "page.sms.sent",
                                config.smsCode().resendAfter().toSeconds()));
        return m;
    }

    /** «Восстановление пароля» or «Регистрация», filled in with what was just sent, else the login typed last. */
    Model recovery(RoutingContext ctx, boolean register, Map<String, String> errors, String formError) {
        Model m = of(ctx);
        JsonObject hint = cookies.hint(ctx);
        m.put("title", text(ctx, register ? "page.register.title" : "page.forgot.title"))
                .put("lead", register ? text(ctx, "page.register.lead") : "")
                .put("submit", text(ctx, register ? "page.register.submit" : "page.forgot.submit"))
                .put("action", register ? "/register" : "/password/forgot")
                .put(
                        "category",
                        category(
                                ctx,
                                ctx.request().getFormAttribute("category") != null
                                        ? ctx.request().getFormAttribute("category")
                                        : hint.getString("category")))
                .put(
                        "login",
                        ctx.request().getFormAttribute("login") != null
                                ? ctx.request().getFormAttribute("login")
                                : shown(hint.getString("category"), hint.getString("login", "")))
                .put("channel", "sms".equals(ctx.request().getFormAttribute("channel")) ? "sms" : "email")
                .put("errors", errors)
                .put("formError", formError);
        return m;
    }

    /** «Изменение пароля»: forced (after a temporary password, no current one asked) or signed in. */
    Model change(RoutingContext ctx, boolean forced) {
        return of(ctx).put("forced", forced).put("rules", text(ctx, "page.change.rules", PasswordPolicy.MIN_CHARS));
    }

    /** The category asked for if Kordon has it, else the query's, else the first configured. */
    String category(RoutingContext ctx, String wanted) {
        if (wanted != null && config.categories().containsKey(wanted)) {
            return wanted;
        }
        String q = ctx.queryParams().get("category");
        if (q != null && config.categories().containsKey(q)) {
            return q;
        }
        return config.categories().keySet().iterator().next();
    }

    /** A phone typed earlier, shown the way the field expects it after the country code's prefix. */
    private String shown(String category, String raw) {
        if (category == null || raw == null || raw.isEmpty()) {
            return raw == null ? "" : raw;
        }
        String login = logins.parse(category, raw).login();
        if (login == null || logins.kind(category) != LoginKind.PHONE) {
            return raw;
        }
        return logins.phones().afterPrefix(login);
    }

    // ---- the request's language: its texts, and the query that keeps it across a redirect

    static Map<String, String> fields(RoutingContext ctx, FlowException fe) {
        Map<String, String> out = new LinkedHashMap<>();
        Locale locale = Language.of(ctx).locale();
        fe.fields().forEach((k, v) -> out.put(k, Bundles.text(locale, v)));
        return out;
    }

    public static String text(RoutingContext ctx, String key, Object... args) {
        return Bundles.text(Language.of(ctx).locale(), key, args);
    }

    /** An explicit choice of language, kept across a redirect ({@link Language}). */
    public static String langQuery(RoutingContext ctx) {
        return Language.of(ctx).query();
    }

    public static String langAnd(RoutingContext ctx) {
        return Language.of(ctx).queryAnd();
    }

    /** A template model: a map with a chaining put. */
    public static final class Model {
        final Map<String, Object> map = new HashMap<>();

        public Model put(String key, Object value) {
            map.put(key, value);
            return this;
        }
    }
}
