package dev.kordon.bus;

/**
 * Every event-bus address Kordon uses, defined once. The bus is local to one instance; bodies are
 * typed records ({@link LocalMessage}) and go through {@link LocalCodec}.
 */
public final class Addresses {
    /** Argon2id work: a {@code CredentialJob} (verify or hash); reply = its verdict or the new hash. */
    public static final String CREDENTIALS = "kordon.credentials";
    /** One e-mail to send now: a {@code Delivery.Mail}; an empty reply = accepted by SMTP. */
    public static final String MAIL = "kordon.dispatch.mail";
    /** One SMS to send now: a {@code Delivery.Sms}; an empty reply = accepted by the provider. */
    public static final String SMS = "kordon.dispatch.sms";
    /** One back-channel logout to send now: a {@code Delivery.Logout}; an empty reply = the client took it. */
    public static final String LOGOUT = "kordon.dispatch.logout";
    /** Published, with no body, after a message enters the outbox, so the dispatcher does not wait for its poll. */
    public static final String OUTBOX_WAKE = "kordon.outbox.wake";

    private Addresses() {}
}
