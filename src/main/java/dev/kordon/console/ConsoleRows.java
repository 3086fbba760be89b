package dev.kordon.console;

import dev.kordon.account.Account;
import dev.kordon.account.LoginParser;
import dev.kordon.config.KordonConfig.LoginKind;
import dev.kordon.page.PageModel;
import dev.kordon.problem.Bundles;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Lifetime;
import dev.kordon.server.Language;
import io.vertx.core.json.JsonArray;
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

  ConsoleRows(LoginParser logins) {
    this.logins = logins;
  }

  Map<String, Object> row(RoutingContext ctx, JsonObject a) {
    Map<String, Object> r = new LinkedHashMap<>();
    String category = a.getString("category");
    r.put("href", href(category, a.getString("login")) + PageModel.langQuery(ctx));
    r.put("login", shown(category, a.getString("login")));
    r.put("category", PageModel.text(ctx, "page.category." + category));
    r.put("tariff", a.getString("tariff"));
    r.put("email", a.getString("email"));
    r.put("status", a.getString("status"));
    r.put("statusText", PageModel.text(ctx, "console.status." + a.getString("status")));
    return r;
  }

  Map<String, Object> account(RoutingContext ctx, JsonObject a) {
    Map<String, Object> m = new LinkedHashMap<>();
    String category = a.getString("category");
    m.put("login", shown(category, a.getString("login")));
    m.put("category", PageModel.text(ctx, "page.category." + category));
    m.put("tariff", a.getString("tariff"));
    m.put("role", PageModel.text(ctx, "console.role." + a.getString("role")));
    m.put("status", a.getString("status"));
    m.put("statusText", PageModel.text(ctx, "console.status." + a.getString("status")));
    m.put("active", Account.ACTIVE.equals(a.getString("status")));
    m.put("email", a.getString("email") == null ? "" : a.getString("email"));
    m.put("hasPassword", a.getBoolean("has_password", false));
    m.put("locked", Boolean.TRUE.equals(a.getValue("password_locked")));
    m.put("failures", String.valueOf(a.getValue("password_failures")));
    m.put("created", when(a.getString("created_at")));
    m.put("updated", when(a.getString("updated_at")));
    return m;
  }

  static List<Map<String, Object>> sessions(RoutingContext ctx, JsonArray sessions) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : sessions) {
      JsonObject s = (JsonObject) o;
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", s.getString("id"));
      r.put("short", s.getString("id").substring(0, 8));
      r.put("kind", PageModel.text(ctx, "console.session." + s.getString("kind")));
      r.put("created", when(s.getLong("created_at")));
      // Known for refresh families (each sign-in and refresh); a browser session keeps no such time.
      r.put("lastUsed", s.getLong("last_used_at") == null ? "—" : when(s.getLong("last_used_at")));
      r.put("expires", when(s.getLong("expires_at")));
      out.add(r);
    }
    return out;
  }

  static List<Map<String, Object>> events(RoutingContext ctx, JsonArray events) {
    Map<String, String> texts = Bundles.all(Language.of(ctx).locale());
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : events) {
      JsonObject e = (JsonObject) o;
      Map<String, Object> r = new LinkedHashMap<>();
      String name = e.getString("event");
      r.put("at", when(e.getString("at")));
      r.put("event", name);
      r.put("label", texts.getOrDefault("console.event." + name, ""));
      r.put("ip", e.getString("ip") == null ? "" : e.getString("ip"));
      JsonObject detail = e.getJsonObject("detail");
      r.put("detail", detail == null || detail.isEmpty() ? "" : detail.encode());
      out.add(r);
    }
    return out;
  }

  /** A login as the desk reads it: a phone spaced after its country code, an account number as it is. */
  String shown(String category, String login) {
    if (login == null || logins.kind(category) != LoginKind.PHONE || !login.startsWith(logins.phones().prefix())) {
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

  static String when(Long epochMs) {
    return epochMs == null ? "" : SHOWN.format(Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC));
  }
}
