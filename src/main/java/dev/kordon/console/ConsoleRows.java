package dev.kordon.console;

import dev.kordon.account.Account;
import dev.kordon.account.LoginParser;
import dev.kordon.admin.AccountState;
import dev.kordon.admin.Session;
import dev.kordon.audit.AuditEvent;
import dev.kordon.config.KordonConfig.LoginKind;
import dev.kordon.page.Cookies;
import dev.kordon.page.Csrf;
import dev.kordon.page.PageModel;
import dev.kordon.page.PageModel.Model;
import dev.kordon.page.PageParts;
import dev.kordon.problem.Bundles;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Lifetime;
import dev.kordon.server.Edge;
import dev.kordon.server.Language;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the console shows what the admin flow answers: accounts, sessions, events, times, logins. */
final class ConsoleRows {
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
    private final LoginParser logins;
    private final Csrf csrf;

    ConsoleRows(LoginParser logins, Csrf csrf) {
        this.logins = logins;
        this.csrf = csrf;
    }

    /**
     * For a console page mounted beside {@link ConsoleRoutes}: the same cookie and CSRF binding, so a
     * form of one page works on the other.
     */
    static ConsoleRows beside(Edge edge, PageParts parts) {
        Csrf csrf = new Csrf(
                new Cookies(edge.config().cookieSecure(), CookieSameSite.STRICT),
                parts.secrets(),
                Cookies.CONSOLE_CSRF);
        return new ConsoleRows(parts.logins(), csrf);
    }

    /** The model every console page starts from. */
    Model base(RoutingContext ctx, boolean signedIn) {
        Language language = Language.of(ctx);
        return new Model()
                .put("t", Bundles.all(language.locale()))
                .put("lang", language.code())
                .put("langCarried", language.carried())
                .put("langQuery", language.query())
                .put("csrf", csrf.token(ctx))
                .put("signedIn", signedIn)
                .put("banner", "")
                .put("formError", "");
    }

    Map<String, Object> row(RoutingContext ctx, Account a) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("href", href(a.category(), a.login()) + PageModel.langQuery(ctx));
        r.put("login", shown(a.category(), a.login()));
        r.put("category", PageModel.text(ctx, "page.category." + a.category()));
        r.put("tariff", a.tariff());
        r.put("email", a.email());
        r.put("status", a.status());
        r.put("statusText", PageModel.text(ctx, "console.status." + a.status()));
        return r;
    }

    Map<String, Object> account(RoutingContext ctx, AccountState state) {
        Account a = state.account();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("login", shown(a.category(), a.login()));
        m.put("category", PageModel.text(ctx, "page.category." + a.category()));
        m.put("tariff", a.tariff());
        m.put("role", PageModel.text(ctx, "console.role." + a.role()));
        m.put("status", a.status());
        m.put("statusText", PageModel.text(ctx, "console.status." + a.status()));
        m.put("active", a.active());
        m.put("email", a.email() == null ? "" : a.email());
        m.put("hasPassword", a.hasPassword());
        m.put("locked", state.passwordLocked());
        m.put("failures", String.valueOf(state.passwordFailures()));
        m.put("created", when(a.createdAt()));
        m.put("updated", when(a.updatedAt()));
        return m;
    }

    static List<Map<String, Object>> sessions(RoutingContext ctx, List<Session> sessions) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Session s : sessions) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", s.id());
            r.put("short", s.id().substring(0, 8));
            r.put("kind", PageModel.text(ctx, "console.session." + s.kind()));
            r.put("created", when(s.createdAt()));
            // Known for refresh families (each sign-in and refresh); a browser session keeps no such time.
            r.put("lastUsed", s.lastUsedAt() == null ? "—" : when(s.lastUsedAt()));
            r.put("expires", when(s.expiresAt()));
            out.add(r);
        }
        return out;
    }

    static List<Map<String, Object>> events(RoutingContext ctx, List<AuditEvent> events) {
        Map<String, String> texts = Bundles.all(Language.of(ctx).locale());
        List<Map<String, Object>> out = new ArrayList<>();
        for (AuditEvent e : events) {
            Map<String, Object> r = new LinkedHashMap<>();
            String name = e.event();
            r.put("at", when(e.at()));
            r.put("event", name);
            r.put("label", texts.getOrDefault("console.event." + name, ""));
            r.put("ip", e.ip() == null ? "" : e.ip());
            JsonObject detail =
                    e.detail() == null ? new JsonObject() : e.detail().copy();
            // Who did it, in a column of its own: a named operator, "token", or nobody (the person themselves).
            Object actor = detail.remove("actor");
            r.put("actor", actor == null ? "" : actor.toString());
            r.put("detail", detail.isEmpty() ? "" : detail.encode());
            out.add(r);
        }
        return out;
    }

    /** A login as the desk reads it: a phone spaced after its country code, an account number as it is. */
    String shown(String category, String login) {
        if (login == null
                || logins.kind(category) != LoginKind.PHONE
                || !login.startsWith(logins.phones().prefix())) {
            return login == null ? "" : login;
        }
        return logins.phones().prefix() + " " + logins.phones().afterPrefix(login);
    }

    static String href(String category, String login) {
        return ConsoleRoutes.ACCOUNTS + enc(category) + "/" + enc(login);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** How long a refused client must wait, in whole minutes once it is a minute or more. */
    static String pause(RoutingContext ctx, FlowException fe) {
        java.time.Duration d = fe.retryAfter() == null ? java.time.Duration.ofSeconds(1) : fe.retryAfter();
        if (d.toSeconds() >= 60) {
            d = java.time.Duration.ofMinutes((d.toSeconds() + 59) / 60);
        }
        return Lifetime.of(d, Lifetime.Form.SHORT, Language.of(ctx).locale());
    }

    static String when(String iso) {
        if (iso == null) {
            return "";
        }
        try {
            return SHOWN.format(OffsetDateTime.parse(iso).withOffsetSameInstant(ZoneOffset.UTC));
        } catch (RuntimeException e) {
            return iso;
        }
    }

    static String when(OffsetDateTime at) {
        return at == null ? "" : SHOWN.format(at.withOffsetSameInstant(ZoneOffset.UTC));
    }

    static String when(Long epochMs) {
        return epochMs == null ? "" : SHOWN.format(Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC));
    }
}
