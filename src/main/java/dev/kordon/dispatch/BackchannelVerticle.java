package dev.kordon.dispatch;

import dev.kordon.bus.Addresses;
import dev.kordon.keys.IdTokens;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenID Connect Back-Channel Logout 1.0 §2.5: POSTs one logout token per request, as the form
 * field {@code logout_token}, to a client's registered {@code backchannel_logout_uri}. The token is
 * signed here, at each attempt, so one the outbox kept through a client's outage is still fresh when
 * it arrives. A 2xx is taken; a 408, 429 or 5xx, a timeout or a refused connection is retried by the
 * outbox; any other answer, a redirect included (§2.5: never followed), is the client's refusal for
 * good and becomes a dead letter.
 */
public final class BackchannelVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(BackchannelVerticle.class);
    /** §2.4: the event that makes a JWT a logout token. */
    public static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";
    /** §2.4 asks for a short life; two minutes covers a client's clock a little off. */
    static final long LIFETIME_SECONDS = 120;

    private final String issuer;
    private final IdTokens idTokens;
    private final long timeoutMs;
    private WebClient http;
    private MessageConsumer<Delivery.Logout> consumer;
    private int sending;

    public BackchannelVerticle(String issuer, IdTokens idTokens, long timeoutMs) {
        this.issuer = issuer;
        this.idTokens = idTokens;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public Future<?> start() {
        http = WebClient.create(
                vertx, new WebClientOptions().setFollowRedirects(false).setUserAgent("Kordon"));
        consumer = vertx.eventBus().consumer(Addresses.LOGOUT, this::send);
        return consumer.completion();
    }

    /** §2.4's claims: who, for which client, which session (when one), the event; never a nonce. */
    static JsonObject claims(String issuer, Delivery.Logout m, long nowSeconds) {
        JsonObject claims = new JsonObject()
                .put("iss", issuer)
                .put("aud", m.clientId())
                .put("iat", nowSeconds)
                .put("exp", nowSeconds + LIFETIME_SECONDS)
                .put("jti", m.jti())
                .put("sub", m.sub())
                .put("events", new JsonObject().put(EVENT, new JsonObject()));
        if (m.sid() != null) {
            claims.put("sid", m.sid());
        }
        return claims;
    }

    private void send(Message<Delivery.Logout> msg) {
        Delivery.Logout m = msg.body();
        if (!idTokens.on()) {
            // The RSA key was taken away since: nothing can sign it, now or later.
            msg.fail(OutboxVerticle.PERMANENT, "no RSA key to sign logout tokens with");
            return;
        }
        String token = idTokens.sign(claims(issuer, m, System.currentTimeMillis() / 1000), "logout+jwt");
        sending++;
        http.postAbs(m.to())
                .timeout(timeoutMs)
                .putHeader("Cache-Control", "no-store")
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("logout_token", token))
                .onComplete(ar -> sending--)
                .onSuccess(resp -> {
                    int status = resp.statusCode();
                    if (status / 100 == 2) {
                        LOG.info("logout " + m.id() + " taken by client " + m.clientId());
                        msg.reply(null);
                    } else if (status == 408 || status == 429 || status / 100 == 5) {
                        msg.fail(OutboxVerticle.TEMPORARY, "client " + m.clientId() + " answered " + status);
                    } else {
                        msg.fail(OutboxVerticle.PERMANENT, "client " + m.clientId() + " answered " + status);
                    }
                })
                .onFailure(
                        err -> msg.fail(OutboxVerticle.TEMPORARY, "client " + m.clientId() + ": " + err.getMessage()));
    }

    @Override
    public Future<?> stop() {
        Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
        return unregistered
                .compose(v -> Settle.when(vertx, () -> sending == 0, timeoutMs))
                .onComplete(ar -> http.close());
    }
}
