package dev.kordon.dispatch;

import dev.kordon.bus.Addresses;
import dev.kordon.config.KordonConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends one e-mail per request over SMTP (Vert.x MailClient); STARTTLS exactly as configured. */
public final class MailVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(MailVerticle.class);

    private final KordonConfig.Smtp smtp;
    private final String from;
    private final long timeoutMs;
    private MailClient client;
    private MessageConsumer<Delivery.Mail> consumer;
    private int sending;

    public MailVerticle(KordonConfig.Smtp smtp, String from, long timeoutMs) {
        this.smtp = smtp;
        this.from = from;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public Future<?> start() {
        MailConfig config = new MailConfig()
                .setHostname(smtp.host())
                .setPort(smtp.port())
                .setStarttls(
                        switch (smtp.startTls()) {
                            case REQUIRED -> StartTLSOptions.REQUIRED;
                            case OPTIONAL -> StartTLSOptions.OPTIONAL;
                            case DISABLED -> StartTLSOptions.DISABLED;
                        })
                .setLogin(smtp.user().isEmpty() ? LoginOption.DISABLED : LoginOption.REQUIRED)
                .setUsername(smtp.user().isEmpty() ? null : smtp.user())
                .setPassword(smtp.password().isEmpty() ? null : smtp.password())
                .setKeepAlive(true)
                .setMaxPoolSize(8)
                .setConnectTimeout((int) Math.min(timeoutMs, 10_000));
        // A relay silent for nine tenths of an attempt's send-timeout loses its connection before the
        // attempt is given up: an attempt that has failed can then never complete later, when the
        // relay resumes, and put a second copy beside the retry's.
        config.setReadIdleTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs * 9 / 10));
        config.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        // An idle kept-alive connection is retired by the client at half that, never reused just as
        // the limit closes it.
        config.setKeepAliveTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs * 9 / 20));
        config.setKeepAliveTimeoutUnit(TimeUnit.MILLISECONDS);
        client = MailClient.create(vertx, config);
        consumer = vertx.eventBus().consumer(Addresses.MAIL, this::send);
        return consumer.completion();
    }

    private void send(Message<Delivery.Mail> msg) {
        Delivery.Mail m = msg.body();
        MailMessage mail = new MailMessage()
                .setFrom(from)
                .setTo(m.to())
                .setSubject(m.subject())
                .setText(m.text())
                .setHtml(m.html());
        sending++;
        client.sendMail(mail)
                .timeout(timeoutMs, TimeUnit.MILLISECONDS)
                .onComplete(ar -> sending--)
                .onSuccess(r -> {
                    LOG.info("mail " + m.id() + " accepted by SMTP");
                    msg.reply(null);
                })
                .onFailure(err -> {
                    // A 5xx reply (no such mailbox, refused for good) or an address the client cannot use will
                    // fail the same way at every retry: the outbox sets it aside at once instead.
                    boolean permanent = err instanceof SMTPException smtpError
                            ? smtpError.isPermanent()
                            : err instanceof IllegalArgumentException;
                    msg.fail(
                            permanent ? OutboxVerticle.PERMANENT : OutboxVerticle.TEMPORARY,
                            "SMTP: " + err.getMessage());
                });
    }

    @Override
    public Future<?> stop() {
        return consumer == null
                ? Future.succeededFuture()
                : consumer.unregister()
                        .compose(v -> Settle.when(vertx, () -> sending == 0, timeoutMs))
                        .compose(v -> client.close());
    }
}
