package dev.kordon.oidc;

import dev.kordon.keys.IdTokens;
import dev.kordon.server.Edge;
import dev.kordon.server.Mount;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenID Connect face on the public port (docs/oidc.md): discovery now, the /oauth2/ endpoints
 * as they come. Built once at start and mounted on every instance's router. Without an RSA key
 * among the signing keys the face is off: it says so once, here, and its routes answer 404.
 */
public final class OidcRoutes implements Mount {
    private static final Logger LOG = LoggerFactory.getLogger(OidcRoutes.class);
    public static final String DISCOVERY = "/.well-known/openid-configuration";

    private final IdTokens idTokens;
    /** Encoded once: the document changes only with the configuration, which is read at start. */
    private final String discovery;

    public OidcRoutes(Edge edge, IdTokens idTokens) {
        this.idTokens = idTokens;
        this.discovery = discovery(edge.config().jwt().issuer()).encode();
        if (!idTokens.on()) {
            LOG.info("OpenID Connect is off: no RSA private key among the signing keys (jwt.keys-dir);"
                    + " add one to serve " + DISCOVERY + " and /oauth2/ (docs/oidc.md)");
        }
    }

    @Override
    public void on(Router router, Vertx vertx) {
        router.get(DISCOVERY).handler(this::discovery);
    }

    private void discovery(RoutingContext ctx) {
        if (!idTokens.on()) {
            ctx.fail(404);
            return;
        }
        ctx.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "public, max-age=300")
                .end(discovery);
    }

    /**
     * OpenID Connect Discovery 1.0 §3 for {@code issuer}, which is given exactly as configured: a
     * relying party compares it with the {@code iss} of every ID token, character for character.
     */
    static JsonObject discovery(String issuer) {
        // The endpoints hang off the issuer; a configured trailing slash must not double.
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return new JsonObject()
                .put("issuer", issuer)
                .put("authorization_endpoint", base + "/oauth2/authorize")
                .put("token_endpoint", base + "/oauth2/token")
                .put("userinfo_endpoint", base + "/oauth2/userinfo")
                .put("end_session_endpoint", base + "/oauth2/logout")
                .put("jwks_uri", base + "/.well-known/jwks.json")
                .put("response_types_supported", list("code"))
                .put("response_modes_supported", list("query"))
                .put("grant_types_supported", list("authorization_code", "refresh_token"))
                .put("subject_types_supported", list("public"))
                .put("id_token_signing_alg_values_supported", list(IdTokens.ALG))
                .put("token_endpoint_auth_methods_supported", list("client_secret_basic", "client_secret_post", "none"))
                .put("code_challenge_methods_supported", list("S256"))
                .put("scopes_supported", list("openid", "phone", "email", "roles", "offline_access"))
                .put(
                        "claims_supported",
                        list(
                                "sub",
                                "iss",
                                "aud",
                                "exp",
                                "iat",
                                "auth_time",
                                "nonce",
                                "amr",
                                "sid",
                                "phone_number",
                                "phone_number_verified",
                                "email",
                                "roles"))
                .put("prompt_values_supported", list("none", "login"))
                .put("ui_locales_supported", list("ru", "en"))
                .put("request_parameter_supported", false)
                .put("request_uri_parameter_supported", false)
                .put("claims_parameter_supported", false)
                .put("backchannel_logout_supported", true)
                .put("backchannel_logout_session_supported", true);
    }

    private static JsonArray list(String... values) {
        return new JsonArray(List.of(values));
    }
}
