package dev.kordon.oidc;

import dev.kordon.keys.IdTokens;
import dev.kordon.problem.Failure;
import dev.kordon.server.Edge;
import dev.kordon.server.Mount;
import dev.kordon.token.Assurance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenID Connect face on the public port (docs/oidc.md): discovery and the /oauth2/ endpoints,
 * sign-out among them ({@link LogoutEndpoint}). Built once at start and mounted on every instance's
 * router. Without an RSA key among the signing keys the face is off: it says so once, here, and its
 * routes answer 404.
 */
public final class OidcRoutes implements Mount {
    private static final Logger LOG = LoggerFactory.getLogger(OidcRoutes.class);
    public static final String DISCOVERY = "/.well-known/openid-configuration";
    static final String AUTHORIZE = "/oauth2/authorize";
    static final String TOKEN = "/oauth2/token";
    static final String USERINFO = "/oauth2/userinfo";

    private final IdTokens idTokens;
    private final Edge edge;
    private final OidcParts parts;
    /** Encoded once: the document changes only with the configuration, which is read at start. */
    private final String discovery;

    public OidcRoutes(Edge edge, OidcParts parts) {
        this.idTokens = parts.idTokens();
        this.edge = edge;
        this.parts = parts;
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

    /**
     * Discovery and the /oauth2/ endpoints, with the pages' answer to who is signed in (the browser
     * session), their error page and their sign-out (the session ends and its cookie goes; the
     * caller answers), for one instance's router.
     */
    public Mount through(
            Function<RoutingContext, Future<JsonObject>> signedIn,
            BiConsumer<RoutingContext, Failure> errorPage,
            Function<RoutingContext, Future<Void>> signOut) {
        return (router, vertx) -> {
            on(router, vertx);
            AuthorizeEndpoint authorize = new AuthorizeEndpoint(parts, signedIn, errorPage);
            TokenEndpoint token = new TokenEndpoint(parts, edge.clientIp());
            Userinfo userinfo = new Userinfo(parts);
            LogoutEndpoint logout = new LogoutEndpoint(parts, edge.clientIp(), signedIn, errorPage, signOut);
            router.route("/oauth2/*").handler(this::onlyWhenOn);
            router.route("/oauth2/*")
                    .handler(BodyHandler.create(false)
                            .setBodyLimit(edge.config().http().bodyLimit()));
            router.get(AUTHORIZE).handler(authorize::handle);
            router.post(AUTHORIZE).handler(authorize::handle);
            router.post(TOKEN).handler(token::handle);
            router.get(USERINFO).handler(userinfo::handle);
            router.post(USERINFO).handler(userinfo::handle);
            router.get(LogoutEndpoint.PATH).handler(logout::handle);
            router.post(LogoutEndpoint.PATH).handler(logout::handle);
        };
    }

    private void onlyWhenOn(RoutingContext ctx) {
        if (idTokens.on()) {
            ctx.next();
        } else {
            ctx.fail(404);
        }
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
                .put("authorization_endpoint", base + AUTHORIZE)
                .put("token_endpoint", base + TOKEN)
                .put("userinfo_endpoint", base + USERINFO)
                .put("end_session_endpoint", base + LogoutEndpoint.PATH)
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
                                "acr",
                                "sid",
                                "phone_number",
                                "phone_number_verified",
                                "email",
                                "roles"))
                // How the person signed in (token/Assurance): aal2 after a password and a second step.
                .put("acr_values_supported", new JsonArray(Assurance.LEVELS))
                .put("prompt_values_supported", list("none", "login", "consent", "select_account"))
                .put("ui_locales_supported", list("ru", "en"))
                .put("request_parameter_supported", false)
                .put("request_uri_parameter_supported", false)
                .put("claims_parameter_supported", false)
                // Logout tokens carry sid whenever the sign-in came through a browser session.
                .put("backchannel_logout_supported", true)
                .put("backchannel_logout_session_supported", true);
    }

    private static JsonArray list(String... values) {
        return new JsonArray(List.of(values));
    }
}
