package dev.kordon.dispatch;

import dev.kordon.account.PhoneFormat;
import dev.kordon.bus.Addresses;
import dev.kordon.config.KordonConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one SMS per request through the configured provider: {@code log} (dev: records that a
 * message went out, never its text) or {@code http} (POST {@code {id, to, text}}; 2xx = accepted,
 * anything else is retried by the outbox).
 */
public final class SmsVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(SmsVerticle.class);

    private final String provider;
    private final String url;
    private final long timeoutMs;
    private final Consumer<JsonObject> devSink;
    private final KordonConfig.Smpp smppConfig;
    private final PhoneFormat phones;
    private WebClient http;
    private SmppSender smpp;
    private io.vertx.core.WorkerExecutor smppThread;
    private MessageConsumer<Delivery.Sms> consumer;
    private int sending;

    /**
     * {@code phones}: masks the numbers this verticle logs; {@code devSink}: dev mode's outbox view,
     * which shows the text; null everywhere else.
     */
    public SmsVerticle(KordonConfig config, PhoneFormat phones, Consumer<JsonObject> devSink) {
        this.smppConfig = config.smpp();
        this.provider = config.smsProvider();
        this.url = config.smsHttpUrl();
        this.timeoutMs = config.dispatch().sendTimeout().toMillis();
        this.phones = phones;
        this.devSink = devSink;
    }

    @Override
    public Future<?> start() {
        if ("http".equals(provider)) {
            http = WebClient.create(vertx);
        }
        if ("smpp".equals(provider)) {
            // jsmpp blocks: one thread of its own, so sends stay in order on the one session.
            smpp = new SmppSender(smppConfig, timeoutMs);
            smppThread = vertx.createSharedWorkerExecutor("kordon-smpp", 1);
        }
        consumer = vertx.eventBus().consumer(Addresses.SMS, this::send);
        return consumer.completion();
    }

    private void send(Message<Delivery.Sms> msg) {
        Delivery.Sms m = msg.body();
        if ("smpp".equals(provider)) {
            sending++;
            smppThread
                    .executeBlocking(() -> smpp.send(m.to(), m.text()), true)
                    .onComplete(ar -> sending--)
                    .onSuccess(smscId -> {
                        LOG.info("sms " + m.id() + " accepted by the SMSC");
                        msg.reply(null);
                    })
                    .onFailure(err -> msg.fail(502, "SMSC: " + err.getClass().getSimpleName()));
            return;
        }
        if ("http".equals(provider)) {
            // The provider's request body: {id, to, text}.
            JsonObject out =
                    new JsonObject().put("id", m.id()).put("to", m.to()).put("text", m.text());
            sending++;
            http.postAbs(url)
                    .timeout(timeoutMs)
                    .sendJsonObject(out)
                    .onComplete(ar -> sending--)
                    .onSuccess(resp -> {
                        if (resp.statusCode() / 100 == 2) {
                            LOG.info("sms " + m.id() + " accepted by the provider");
                            msg.reply(null);
                        } else {
                            msg.fail(502, "provider answered " + resp.statusCode());
                        }
                    })
                    .onFailure(err -> msg.fail(502, "provider: " + err.getMessage()));
            return;
        }
        LOG.info("sms " + m.id() + " to " + phones.mask(m.to()) + " handed to the log provider ("
                + m.text().length() + " chars, text withheld)");
        if (devSink != null) {
            devSink.accept(new JsonObject()
                    .put("id", m.id())
                    .put("to", m.to())
                    .put("text", m.text())
                    .put("sent_at", java.time.Instant.now().toString()));
        }
        msg.reply(null);
    }

    @Override
    public Future<?> stop() {
        Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
        return unregistered
                .compose(v -> Settle.when(vertx, () -> sending == 0, timeoutMs))
                .onComplete(ar -> closeClients());
    }

    private void closeClients() {
        if (http != null) {
            http.close();
        }
        if (smpp != null) {
            smppThread
                    .executeBlocking(() -> {
                        smpp.close();
                        return null;
                    })
                    .onComplete(ar -> smppThread.close());
        }
    }
}
