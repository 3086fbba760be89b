package dev.kordon.dispatch;

import dev.kordon.account.Account;
import dev.kordon.account.PhoneFormat;
import dev.kordon.config.KordonConfig;
import dev.kordon.config.KordonConfig.LoginKind;
import dev.kordon.problem.Bundles;
import dev.kordon.problem.Lifetime;
import dev.kordon.render.Templates;
import io.vertx.core.json.JsonObject;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The messages Kordon sends (contract section 6): their words from the message bundles, the
 * e-mails laid out by templates/mail, every lifetime from its setting.
 */
public final class Letters {
    /** Accounts carry no language; letters and SMS go out in the bundles' default, Russian. */
    private static final Locale LANG = Bundles.RU;

    private static final ZoneId MINSK = ZoneId.of("Europe/Minsk");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm");

    private final Templates templates;
    private final KordonConfig config;
    private final PhoneFormat phones;

    public Letters(Templates templates, KordonConfig config, PhoneFormat phones) {
        this.templates = templates;
        this.config = config;
        this.phones = phones;
    }

    public JsonObject recoveryMail(Account account, String temp) throws Exception {
        Map<String, Object> model = model(account, "mail.recovery.subject");
        model.put("temp", temp);
        model.put("validity", text("mail.recovery.validity", tempLifetime()));
        return mail(account.email(), "mail/recovery", model);
    }

    public JsonObject changedMail(Account account) throws Exception {
        Map<String, Object> model = model(account, "mail.changed.subject");
        model.put(
                "changed",
                text(
                        "mail.changed.done",
                        model.get("loginLabel"),
                        model.get("loginShown"),
                        ZonedDateTime.now(MINSK).format(WHEN)));
        return mail(account.email(), "mail/changed", model);
    }

    /** A recovery code opened the account: the organisation hears of it, as of a password change. */
    public JsonObject recoveryCodeUsedMail(Account account, int left) throws Exception {
        Map<String, Object> model = model(account, "mail.recovery-code.subject");
        model.put(
                "changed",
                text(
                        "mail.recovery-code.used",
                        model.get("loginLabel"),
                        model.get("loginShown"),
                        ZonedDateTime.now(MINSK).format(WHEN),
                        left));
        return mail(account.email(), "mail/changed", model);
    }

    /** An operator removed the account's second-step methods: the organisation hears of it. */
    public JsonObject secondStepResetMail(Account account, String what) throws Exception {
        Map<String, Object> model = model(account, "mail.mfa-reset.subject");
        model.put(
                "changed",
                text(
                        "mail.mfa-reset.done",
                        model.get("loginLabel"),
                        model.get("loginShown"),
                        ZonedDateTime.now(MINSK).format(WHEN),
                        text("mail.mfa-reset." + what)));
        return mail(account.email(), "mail/changed", model);
    }

    /**
     * A change of the account's second step the organisation should hear of: {@code what} names the
     * bundle's {@code mail.mfa.<what>} subject and text (removed, codes-renewed, passkey-cloned).
     */
    public JsonObject secondStepMail(Account account, String what) throws Exception {
        Map<String, Object> model = model(account, "mail.mfa." + what + ".subject");
        model.put(
                "changed",
                text(
                        "mail.mfa." + what,
                        model.get("loginLabel"),
                        model.get("loginShown"),
                        ZonedDateTime.now(MINSK).format(WHEN)));
        return mail(account.email(), "mail/changed", model);
    }

    /**
     * The network said the SIM of the account's number was swapped: the organisation hears that every
     * sign-in ended and that SMS sign-in is refused for {@code refused} (sim-swap.max-age).
     */
    public JsonObject simSwapEventMail(Account account, java.time.Duration refused) throws Exception {
        Map<String, Object> model = model(account, "mail.sim-swap-event.subject");
        model.put(
                "changed",
                text(
                        "mail.sim-swap-event.done",
                        model.get("loginLabel"),
                        model.get("loginShown"),
                        ZonedDateTime.now(MINSK).format(WHEN),
                        Lifetime.of(refused, Lifetime.Form.GENITIVE, LANG)));
        return mail(account.email(), "mail/changed", model);
    }

    /**
     * SMS sign-in refused before any code was made: the SIM was swapped lately, or ({@code
     * unavailable}) no one could say whether it was. The organisation hears of it by mail.
     */
    public JsonObject simSwapMail(Account account, boolean unavailable) throws Exception {
        String what = unavailable ? "mail.sim-swap.unavailable" : "mail.sim-swap";
        Map<String, Object> model = model(account, what + ".subject");
        model.put(
                "changed",
                text(
                        what,
                        model.get("loginLabel"),
                        model.get("loginShown"),
                        ZonedDateTime.now(MINSK).format(WHEN)));
        return mail(account.email(), "mail/changed", model);
    }

    /** The SMS that goes instead of a code: no code in it, only why and what to do. */
    public JsonObject simSwapSms(String phone, boolean unavailable) {
        return sms(phone, text(unavailable ? "sms.sim-swap.unavailable" : "sms.sim-swap"));
    }

    public JsonObject codeSms(String phone, String code) {
        return sms(phone, text("sms.code", code));
    }

    public JsonObject tempSms(String phone, String temp) {
        return sms(phone, text("sms.temp", temp, tempLifetime()));
    }

    private String tempLifetime() {
        return Lifetime.of(config.tempPassword().ttl(), Lifetime.Form.SHORT, LANG);
    }

    private Map<String, Object> model(Account account, String subjectKey) {
        Map<String, Object> model = new HashMap<>();
        boolean phone = config.categories().get(account.category()) == LoginKind.PHONE;
        model.put("t", Bundles.all(LANG));
        model.put("subject", text(subjectKey));
        model.put("loginLabel", text(phone ? "mail.login.phone" : "mail.login.account-number"));
        model.put("loginShown", phone ? phones.withoutPlus(account.login()) : account.login());
        // Links come from configuration only, never from the request's Host header.
        model.put("portalUrl", config.portalUrl());
        return model;
    }

    private JsonObject mail(String to, String template, Map<String, Object> model) throws Exception {
        return new JsonObject()
                .put("kind", "mail")
                .put("to", to)
                .put("subject", model.get("subject"))
                .put("text", templates.render(template + ".txt.ftl", model))
                .put("html", templates.render(template + ".html.ftlh", model));
    }

    private static String text(String key, Object... args) {
        return Bundles.text(LANG, key, args);
    }

    private static JsonObject sms(String to, String text) {
        return new JsonObject().put("kind", "sms").put("to", to).put("text", text);
    }
}
