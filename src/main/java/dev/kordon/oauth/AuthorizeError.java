package dev.kordon.oauth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An authorization request refused (RFC 6749 4.1.2.1, OIDC Core 3.1.2.6). When {@code redirectUri}
 * is null the client or its redirect URI could not be trusted: the caller shows an error page and
 * never redirects (RFC 6749 4.1.2.1, 10.15). Otherwise the error goes back to that URI.
 *
 * @param error the RFC 6749 / OIDC error code, e.g. {@code invalid_request}
 * @param description for the developer of the client, plain ASCII without quotes or backslashes
 * @param state the request's {@code state}, verbatim; null when it had none (or sent it twice)
 * @param redirectUri the client's registered URI the error may go to; null when it may not
 */
public record AuthorizeError(String error, String description, String state, String redirectUri)
        implements AuthorizeOutcome {

    static AuthorizeError page(String error, String description) {
        return new AuthorizeError(error, description, null, null);
    }

    /** Whether the error may be sent to the client's redirect URI; if not, the caller shows a page. */
    public boolean redirectable() {
        return redirectUri != null;
    }

    /**
     * The redirect URI with {@code error}, {@code error_description}, {@code state} and {@code iss}
     * (RFC 9207: the client can tell which issuer answered). Only for a {@link #redirectable} error.
     */
    public String redirectUrl(String issuer) {
        if (!redirectable()) {
            throw new IllegalStateException("not redirectable: " + error);
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("error", error);
        params.put("error_description", description);
        params.put("state", state);
        params.put("iss", issuer);
        return RedirectUrls.append(redirectUri, params);
    }
}
