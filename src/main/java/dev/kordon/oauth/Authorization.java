package dev.kordon.oauth;

import dev.kordon.client.OidcClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * An authorization request that passed every rule of {@link AuthorizeRequest}: what the caller needs
 * to sign the person in and send the code back.
 *
 * @param redirectUri one of the client's registered URIs, exactly as sent
 * @param scopes the scopes asked for, in their order, each once; {@code openid} among them
 * @param state verbatim, or null; goes back with the code or the error
 * @param nonce verbatim, or null; goes into the ID token
 * @param codeChallenge the S256 PKCE challenge, or null (a confidential client that sent none)
 * @param promptNone {@code prompt=none}: not signed in means {@link #loginRequired}, never a page
 * @param promptLogin {@code prompt=login}: sign the person in again even with a live session
 * @param maxAge seconds a sign-in may be old ({@code max_age}), or null; see {@link #acceptsAuthTime}
 * @param loginHint verbatim ({@code login_hint}), or null; the phone field is pre-filled with it
 * @param locale the first of Russian and English in {@code ui_locales}, or null when it names neither
 */
public record Authorization(
        OidcClient client,
        String redirectUri,
        List<String> scopes,
        String state,
        String nonce,
        String codeChallenge,
        boolean promptNone,
        boolean promptLogin,
        Long maxAge,
        String loginHint,
        Locale locale)
        implements AuthorizeOutcome {

    public Authorization {
        scopes = List.copyOf(scopes);
    }

    /** An error about this request (e.g. {@code login_required}), to go back to its redirect URI with its state. */
    public AuthorizeError refuse(String error, String description) {
        return new AuthorizeError(error, description, state, redirectUri);
    }

    /** The answer to {@code prompt=none} when nobody is signed in (OIDC Core 3.1.2.6). */
    public AuthorizeError loginRequired() {
        return refuse("login_required", "the end-user is not signed in");
    }

    /**
     * Whether a sign-in made at {@code authTime} (epoch seconds) is recent enough for {@code max_age}
     * at {@code now}. {@code prompt=login} is not judged here: a fresh sign-in is one made after the
     * request arrived, which only the caller knows.
     */
    public boolean acceptsAuthTime(long authTime, long now) {
        return maxAge == null || now - authTime <= maxAge;
    }

    /** What an authorization code of this request carries to the token endpoint. */
    public Grant grant(UUID account, long authTime, List<String> amr, String sid) {
        return new Grant(account, client.clientId(), redirectUri, codeChallenge, nonce, scopes, authTime, amr, sid);
    }

    /** The redirect URI with {@code code}, {@code state} and {@code iss} (RFC 6749 4.1.2, RFC 9207). */
    public String codeRedirect(String code, String issuer) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("code", code);
        params.put("state", state);
        params.put("iss", issuer);
        return RedirectUrls.append(redirectUri, params);
    }
}
