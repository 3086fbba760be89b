package dev.kordon.dispatch;

import dev.kordon.account.Account;
import dev.kordon.config.KordonConfig;
import dev.kordon.config.KordonConfig.LoginKind;
import dev.kordon.render.Templates;
import io.vertx.core.json.JsonObject;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/** The messages Kordon sends, rendered from templates/mail and templates/sms (contract section 6). */
public final class Letters {
  public static final String RECOVERY_SUBJECT = "Восстановление данных для доступа в Личный кабинет";
  public static final String CHANGED_SUBJECT = "Пароль от Личного кабинета изменён";
  private static final ZoneId MINSK = ZoneId.of("Europe/Minsk");
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm");

  private final Templates templates;
  private final KordonConfig config;

  public Letters(Templates templates, KordonConfig config) {
    this.templates = templates;
    this.config = config;
  }

  public JsonObject recoveryMail(Account account, String temp) throws Exception {
    Map<String, Object> model = model(account);
    model.put("subject", RECOVERY_SUBJECT);
    model.put("temp", temp);
    return mail(account.email(), RECOVERY_SUBJECT, "mail/recovery", model);
  }

  public JsonObject changedMail(Account account) throws Exception {
    Map<String, Object> model = model(account);
    model.put("subject", CHANGED_SUBJECT);
    model.put("when", ZonedDateTime.now(MINSK).format(WHEN));
    return mail(account.email(), CHANGED_SUBJECT, "mail/changed", model);
  }

  public JsonObject codeSms(String phone, String code) throws Exception {
    return sms(phone, templates.render("sms/code.txt.ftl", new HashMap<>(Map.of("code", code))));
  }

  public JsonObject tempSms(String phone, String temp) throws Exception {
    Map<String, Object> model = new HashMap<>();
    model.put("temp", temp);
    model.put("validHours", config.tempPassword().ttl().toHours());
    return sms(phone, templates.render("sms/temp.txt.ftl", model));
  }

  private Map<String, Object> model(Account account) {
    Map<String, Object> model = new HashMap<>();
    boolean phone = config.categories().get(account.category()) == LoginKind.PHONE;
    model.put("loginLabel", phone ? "Номер телефона" : "Номер лицевого счёта");
    // The seed's letter shows the number without the plus: «375 номер с тарифным планом».
    model.put("loginShown", phone ? account.login().substring(1) : account.login());
    // Links come from configuration only, never from the request's Host header.
    model.put("portalUrl", config.portalUrl());
    model.put("validHours", config.tempPassword().ttl().toHours());
    return model;
  }

  private JsonObject mail(String to, String subject, String template, Map<String, Object> model) throws Exception {
    return new JsonObject()
        .put("kind", "mail")
        .put("to", to)
        .put("subject", subject)
        .put("text", templates.render(template + ".txt.ftl", model))
        .put("html", templates.render(template + ".html.ftlh", model));
  }

  private static JsonObject sms(String to, String text) {
    return new JsonObject().put("kind", "sms").put("to", to).put("text", text.strip());
  }
}
