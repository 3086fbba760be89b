package dev.kordon.bus;

/** Every event-bus address Kordon uses, defined once. The bus is local to one instance. */
public final class Addresses {
  /** Argon2id work: {@code {op:"verify", hash, password}} or {@code {op:"hash", password}}. */
  public static final String CREDENTIALS = "kordon.credentials";
  /** One e-mail to send now: {@code {id, to, subject, text, html}}; reply = accepted by SMTP. */
  public static final String MAIL = "kordon.dispatch.mail";
  /** One SMS to send now: {@code {id, to, text}}; reply = accepted by the provider. */
  public static final String SMS = "kordon.dispatch.sms";
  /** Published after a message enters the outbox, so the dispatcher does not wait for its poll. */
  public static final String OUTBOX_WAKE = "kordon.outbox.wake";

  private Addresses() {}
}
