package dev.kordon.simswap;

import dev.kordon.config.KordonConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The access token for the SIM swap service (OAuth 2.0 client credentials, scope
 * {@code sim-swap:check}): fetched once, shared by every event loop, used until shortly before it
 * expires, dropped once the service says 401. Concurrent checks wait for the one fetch in flight.
 * The secret or key file is read again at each fetch, so a rotated Kubernetes Secret is taken up.
 */
final class CheckToken {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CheckToken.class);
    static final String SCOPE = "sim-swap:check";
    /** Without expires_in the token is kept this long. */
    private static final long DEFAULT_LIFE_S = 300;
    /** A token is renewed this long before it expires, at most half its life. */
    private static final long MARGIN_S = 30;

    private record Held(Future<String> token, long renewAt) {}

    private final Vertx vertx;
    private final KordonConfig.SimSwap config;
    private final OAuth2Options options;
    private final OAuth2Auth oauth;
    private final AtomicReference<Held> held = new AtomicReference<>();

    CheckToken(Vertx vertx, KordonConfig.SimSwap config) {
        this.vertx = vertx;
        this.config = config;
        // vertx-auth-oauth2 reads the client's secret and assertion from these options at each token
        // request; fetches never overlap (held), so each sets its own just before.
        this.options = new OAuth2Options()
                .setTokenPath(config.tokenUrl())
                .setHttpClientOptions(new io.vertx.core.http.HttpClientOptions()
                        .setConnectTimeout((int) config.timeout().toMillis()));
        if (config.privateKeyFile() != null) {
            // The assertion names the client (iss, sub); vertx-auth-oauth2 sends it only without a
            // client_id, which RFC 7521 §4.2 makes optional beside an assertion.
            options.setClientAssertionType(ClientAssertion.TYPE).setClientAssertion("-");
        } else {
            options.setClientId(config.clientId()).setClientSecret("-");
        }
        this.oauth = OAuth2Auth.create(vertx, options);
    }

    /** The token in use, or the one being fetched. */
    Future<String> get() {
        while (true) {
            Held h = held.get();
            if (h != null && (!h.token().isComplete() || (h.token().succeeded() && System.nanoTime() < h.renewAt()))) {
                return h.token();
            }
            Promise<String> p = Promise.promise();
            Held fetching = new Held(p.future(), Long.MAX_VALUE);
            if (held.compareAndSet(h, fetching)) {
                fetch().onComplete(ar -> {
                    if (ar.succeeded()) {
                        held.compareAndSet(
                                fetching,
                                new Held(
                                        Future.succeededFuture(ar.result().token()),
                                        ar.result().renewAt()));
                        p.complete(ar.result().token());
                    } else {
                        LOG.warn(
                                "SIM swap service's token not fetched: {}",
                                ar.cause().getMessage());
                        held.compareAndSet(fetching, null);
                        p.fail(ar.cause());
                    }
                });
                return p.future();
            }
        }
    }

    /** The service refused {@code token}: the next check fetches a new one (unless one already has). */
    void drop(String token) {
        Held h = held.get();
        if (h != null && h.token().succeeded() && token.equals(h.token().result())) {
            held.compareAndSet(h, null);
        }
    }

    private record Fetched(String token, long renewAt) {}

    private Future<Fetched> fetch() {
        return credential()
                .compose(v -> oauth.authenticate(
                        new Oauth2Credentials().setFlow(OAuth2FlowType.CLIENT).setScopes(List.of(SCOPE))))
                .map(user -> {
                    String token = user.principal().getString("access_token");
                    if (token == null || token.isEmpty()) {
                        throw new IllegalStateException("the token endpoint answered no access_token");
                    }
                    long life = user.principal().getLong("expires_in", DEFAULT_LIFE_S);
                    long renewIn = Math.max(0, life - Math.min(MARGIN_S, life / 2));
                    return new Fetched(token, System.nanoTime() + TimeUnit.SECONDS.toNanos(renewIn));
                });
    }

    /** The secret, or a fresh assertion, set on the options for this one token request. */
    private Future<Void> credential() {
        Path file = config.privateKeyFile() != null ? config.privateKeyFile() : config.clientSecretFile();
        return vertx.fileSystem().readFile(file.toString()).map(buf -> {
            String text = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
            try {
                if (config.privateKeyFile() != null) {
                    options.setClientAssertion(
                            ClientAssertion.sign(ClientAssertion.key(text), config.clientId(), config.tokenUrl()));
                } else {
                    options.setClientSecret(text.strip());
                }
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e.getMessage());
            }
            return null;
        });
    }
}
