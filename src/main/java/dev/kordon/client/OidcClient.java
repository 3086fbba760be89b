package dev.kordon.client;

import java.util.List;
import java.util.Set;

/**
 * A portal registered by the operator to sign its people in through Kordon by OpenID Connect, in
 * RFC 7591's terms. Its secret, if it has one, is not here: only the registry holds its keyed hash.
 *
 * @param redirectUris where an authorization may send the code; matched exactly, never by prefix
 * @param backchannelLogoutUri where a logout token goes when a session ends; null when none
 * @param scopes the scopes the client may ask for, {@code openid} among them
 */
public record OidcClient(
        String clientId,
        String name,
        AuthMethod authMethod,
        List<String> redirectUris,
        List<String> postLogoutRedirectUris,
        String backchannelLogoutUri,
        Set<String> scopes) {

    public OidcClient {
        redirectUris = List.copyOf(redirectUris);
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
        scopes = Set.copyOf(scopes);
    }

    /** How the client proves itself at the token endpoint (RFC 7591 token_endpoint_auth_method). */
    public enum AuthMethod {
        CLIENT_SECRET_BASIC("client_secret_basic"),
        CLIENT_SECRET_POST("client_secret_post"),
        /** A public client (a browser or mobile app): no secret, so PKCE is required. */
        NONE("none");

        public final String wire;

        AuthMethod(String wire) {
            this.wire = wire;
        }

        /** The method of its RFC 7591 name, or null for a name not supported. */
        public static AuthMethod of(String wire) {
            for (AuthMethod m : values()) {
                if (m.wire.equals(wire)) {
                    return m;
                }
            }
            return null;
        }
    }

    /** A public client has no secret and must use PKCE. */
    public boolean isPublic() {
        return authMethod == AuthMethod.NONE;
    }
}
