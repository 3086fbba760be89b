package dev.kordon.oauth;

import dev.kordon.client.OidcClient;
import dev.kordon.problem.Bundles;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The rules of an authorization request (OIDC Core 3.1.2, RFC 6749 4.1, RFC 7636): authorization
 * code flow only, PKCE S256, the redirect URI matched exactly. The client and its redirect URI are
 * judged first: until both are known good nothing may be sent to the URI (RFC 6749 4.1.2.1).
 * Parameters sent without a value count as absent (RFC 6749 3.1); parameters it does not know are
 * ignored.
 */
public final class AuthorizeRequest {
    static final String CLIENT_ID = "client_id";
    static final String REDIRECT_URI = "redirect_uri";
    static final String STATE = "state";

    /** The parameters it reads, each of which may be sent once (RFC 6749 3.1). */
    private static final List<String> KNOWN = List.of(
            CLIENT_ID,
            REDIRECT_URI,
            STATE,
            "response_type",
            "response_mode",
            "scope",
            "nonce",
            "code_challenge",
            "code_challenge_method",
            "prompt",
            "max_age",
            "login_hint",
            "ui_locales",
            "request",
            "request_uri",
            "registration");

    private static final String INVALID_REQUEST = "invalid_request";
    private static final String INVALID_SCOPE = "invalid_scope";
    private static final int MAX_AGE_DIGITS = 18;

    private AuthorizeRequest() {}

    /**
     * Judges {@code params} (the query of the request) for {@code client}, the client registered
     * under its {@code client_id}, or null when there is none.
     */
    public static AuthorizeOutcome judge(MultiMap params, OidcClient client) {
        List<String> ids = values(params, CLIENT_ID);
        if (ids.size() != 1) {
            return AuthorizeError.page(
                    INVALID_REQUEST, ids.isEmpty() ? "client_id is missing" : "client_id is repeated");
        }
        if (client == null || !client.clientId().equals(ids.get(0))) {
            return AuthorizeError.page(INVALID_REQUEST, "unknown client_id");
        }
        // OIDC Core 3.1.2.1 requires redirect_uri even where RFC 6749 would take the one registered.
        List<String> uris = values(params, REDIRECT_URI);
        if (uris.size() != 1) {
            return AuthorizeError.page(
                    INVALID_REQUEST, uris.isEmpty() ? "redirect_uri is missing" : "redirect_uri is repeated");
        }
        String redirectUri = uris.get(0);
        if (!client.redirectUris().contains(redirectUri)) {
            return AuthorizeError.page(INVALID_REQUEST, "redirect_uri is not registered for this client");
        }
        List<String> states = values(params, STATE);
        if (states.size() > 1) {
            return new AuthorizeError(INVALID_REQUEST, "state is repeated", null, redirectUri);
        }
        return new Judge(params, client, redirectUri, states.isEmpty() ? null : states.get(0)).judge();
    }

    /** The values sent for {@code name}, empty ones left out. */
    static List<String> values(MultiMap params, String name) {
        List<String> out = new ArrayList<>();
        for (String v : params.getAll(name)) {
            if (v != null && !v.isEmpty()) {
                out.add(v);
            }
        }
        return out;
    }

    /** The rules whose breach goes back to the redirect URI, in the order they are tried. */
    private record Judge(MultiMap params, OidcClient client, String redirectUri, String state) {
        AuthorizeOutcome judge() {
            for (String name : KNOWN) {
                if (values(params, name).size() > 1) {
                    return refuse(INVALID_REQUEST, name + " is repeated");
                }
            }
            if (one("request") != null) {
                return refuse("request_not_supported", "request objects are not supported");
            }
            if (one("request_uri") != null) {
                return refuse("request_uri_not_supported", "request_uri is not supported");
            }
            if (one("registration") != null) {
                return refuse("registration_not_supported", "registration is not supported");
            }
            String responseType = one("response_type");
            if (responseType == null) {
                return refuse(INVALID_REQUEST, "response_type is missing");
            }
            if (!responseType.equals("code")) {
                return refuse("unsupported_response_type", "only response_type code is supported");
            }
            String responseMode = one("response_mode");
            if (responseMode != null && !responseMode.equals("query")) {
                return refuse(INVALID_REQUEST, "only response_mode query is supported");
            }
            List<String> scopes = new ArrayList<>(tokens(one("scope")));
            if (!scopes.contains("openid")) {
                return refuse(INVALID_SCOPE, "scope must include openid");
            }
            for (String scope : scopes) {
                if (!client.scopes().contains(scope)) {
                    return refuse(INVALID_SCOPE, "scope " + scope + " is not allowed for this client");
                }
            }
            AuthorizeError pkce = pkce();
            if (pkce != null) {
                return pkce;
            }
            Set<String> prompt = tokens(one("prompt"));
            if (prompt.contains("none") && prompt.size() > 1) {
                return refuse(INVALID_REQUEST, "prompt none cannot be combined with other values");
            }
            String maxAge = one("max_age");
            if (maxAge != null && !maxAge.matches("[0-9]{1," + MAX_AGE_DIGITS + "}")) {
                return refuse(INVALID_REQUEST, "max_age must be a non-negative integer");
            }
            // consent and select_account are met as they stand: clients are first-party, one account
            // is signed in at a time. Other values are not defined and are ignored.
            return new Authorization(
                    client,
                    redirectUri,
                    scopes,
                    state,
                    one("nonce"),
                    one("code_challenge"),
                    prompt.contains("none"),
                    prompt.contains("login"),
                    maxAge == null ? null : Long.valueOf(maxAge),
                    one("login_hint"),
                    locale(one("ui_locales")));
        }

        /** RFC 7636: S256 only; a public client must send a challenge, a confidential one may. */
        private AuthorizeError pkce() {
            String challenge = one("code_challenge");
            String method = one("code_challenge_method");
            if (challenge == null) {
                if (method != null) {
                    return refuse(INVALID_REQUEST, "code_challenge_method without code_challenge");
                }
                return client.isPublic() ? refuse(INVALID_REQUEST, "code_challenge is required (PKCE S256)") : null;
            }
            // An absent method means plain (RFC 7636 4.3), which puts the verifier itself in the URL.
            if (!Pkce.S256.equals(method)) {
                return refuse(INVALID_REQUEST, "code_challenge_method must be S256");
            }
            if (!Pkce.wellFormed(challenge)) {
                return refuse(INVALID_REQUEST, "code_challenge must be 43 to 128 unreserved characters");
            }
            return null;
        }

        private String one(String name) {
            List<String> v = values(params, name);
            return v.isEmpty() ? null : v.get(0);
        }

        private AuthorizeError refuse(String error, String description) {
            return new AuthorizeError(error, description, state, redirectUri);
        }
    }

    /** The space-separated values of a parameter, in order, each once. */
    static Set<String> tokens(String value) {
        Set<String> out = new LinkedHashSet<>();
        if (value != null) {
            for (String t : value.split(" ")) {
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** The first tag of {@code ui_locales} whose language is Russian or English (en-GB counts as en). */
    static Locale locale(String uiLocales) {
        for (String tag : tokens(uiLocales)) {
            int dash = tag.indexOf('-');
            String language = (dash < 0 ? tag : tag.substring(0, dash)).toLowerCase(Locale.ROOT);
            if (language.equals("ru")) {
                return Bundles.RU;
            }
            if (language.equals("en")) {
                return Bundles.EN;
            }
        }
        return null;
    }
}
