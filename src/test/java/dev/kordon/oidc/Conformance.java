package dev.kordon.oidc;

import static dev.kordon.oidc.OidcBrowser.CALLBACK;
import static dev.kordon.oidc.OidcBrowser.codeForm;
import static dev.kordon.oidc.OidcBrowser.enc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * What the Basic OP and Config OP module tests share (docs/oidc.md, Conformance): a client
 * registered as the certification suite's static client is, requests built as the suite builds
 * them, and whole sign-ins through the seed's page.
 */
final class Conformance {
    private Conformance() {}

    /** Registers {@code id} with {@code scope} through the admin API; its secret, or null for a public one. */
    static String register(Rig rig, String id, String method, String scope) {
        JsonObject body = new JsonObject()
                .put("client_name", "Conformance " + id)
                .put("redirect_uris", new JsonArray().add(CALLBACK))
                .put("token_endpoint_auth_method", method)
                .put("scope", scope);
        HttpResponse<Buffer> r = rig.admin(HttpMethod.PUT, "/admin/v1/clients/" + id, body, Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.bodyAsString()).isIn(200, 201);
        return r.bodyAsJsonObject().getString("client_secret");
    }

    /**
     * The suite's authorization request for a confidential client: response_type, client_id,
     * redirect_uri, {@code scope}, state and nonce (each left out when null), then {@code extra}.
     */
    static String authorize(String client, String scope, String state, String nonce, String extra) {
        return "/oauth2/authorize?response_type=code&client_id=" + client + "&redirect_uri=" + enc(CALLBACK)
                + "&scope=" + enc(scope)
                + (state == null ? "" : "&state=" + enc(state))
                + (nonce == null ? "" : "&nonce=" + enc(nonce))
                + extra;
    }

    /**
     * The browser, not signed in, sent to {@code authorizeUrl}: to the sign-in page, signed in
     * there with the password, and back through the authorization to the client's callback.
     */
    static Map<String, String> signInThrough(OidcBrowser b, String authorizeUrl, String digits, String password) {
        HttpResponse<Buffer> first = b.get(authorizeUrl);
        assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(302);
        String loginPage = first.getHeader("Location");
        assertThat(loginPage).startsWith("/login?return=");
        return afterSignIn(b, loginPage, digits, password);
    }

    /** The sign-in page {@code loginPage} filled in and sent, then the way back to the client's callback. */
    static Map<String, String> afterSignIn(OidcBrowser b, String loginPage, String digits, String password) {
        HttpResponse<Buffer> signedIn = b.signIn(loginPage, digits, password);
        assertThat(signedIn.statusCode()).as(signedIn.bodyAsString()).isEqualTo(303);
        return b.toCallback(signedIn.getHeader("Location"));
    }

    /** The token endpoint's answer for {@code code}, by HTTP Basic, which must be 200. */
    static JsonObject tokens(OidcBrowser b, String client, String secret, String code) {
        HttpResponse<Buffer> r = b.token(client, secret, codeForm(code, null));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        return r.bodyAsJsonObject();
    }

    /** The claims of the ID token in a token response. */
    static JsonObject idToken(JsonObject tokens) {
        return OidcBrowser.claims(tokens.getString("id_token"));
    }

    /** A JWT's header, unverified. */
    static JsonObject header(String jwt) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8));
    }

    /** An unsigned JWT ({@code alg} none) of {@code claims}: what the suite sends as a request object. */
    static String unsigned(JsonObject claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".";
    }
}
