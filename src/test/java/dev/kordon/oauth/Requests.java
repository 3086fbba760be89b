package dev.kordon.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.client.OidcClient;
import io.vertx.core.MultiMap;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Two registered clients and a well-formed authorization request for each, to break one rule at a time. */
final class Requests {
    /** A browser app: no secret, so PKCE is required. Its second URI carries a query of its own. */
    static final OidcClient SPA = new OidcClient(
            "spa",
            "Browser app",
            OidcClient.AuthMethod.NONE,
            List.of("https://spa.example/cb", "https://spa.example/cb?tenant=7"),
            List.of(),
            null,
            Set.of("openid", "phone", "email"));

    /** A server-side portal with a secret and exactly one redirect URI. */
    static final OidcClient PORTAL = new OidcClient(
            "portal",
            "Portal",
            OidcClient.AuthMethod.CLIENT_SECRET_BASIC,
            List.of("https://portal.example/oidc/callback"),
            List.of(),
            null,
            Set.of("openid", "phone", "roles"));

    /** RFC 7636 Appendix B. */
    static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    static final String ISSUER = "https://id.kordon.example";

    private Requests() {}

    /** A request of the SPA that passes every rule; {@code kv} replaces (or, with a null value, removes) its parameters. */
    static MultiMap spa(String... kv) {
        return with(
                params(
                        "client_id", "spa",
                        "redirect_uri", "https://spa.example/cb",
                        "response_type", "code",
                        "scope", "openid phone",
                        "code_challenge", CHALLENGE,
                        "code_challenge_method", "S256",
                        "state", "st-1",
                        "nonce", "n-1"),
                kv);
    }

    /** A request of the portal, without PKCE, that passes every rule. */
    static MultiMap portal(String... kv) {
        return with(
                params(
                        "client_id", "portal",
                        "redirect_uri", "https://portal.example/oidc/callback",
                        "response_type", "code",
                        "scope", "openid",
                        "state", "st-2"),
                kv);
    }

    /** Parameters in order; a name given twice is sent twice. */
    static MultiMap params(String... kv) {
        // What RoutingContext.queryParams() gives the route.
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < kv.length; i += 2) {
            m.add(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static MultiMap with(MultiMap m, String... kv) {
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                m.remove(kv[i]);
            } else {
                m.set(kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    static Authorization accepted(MultiMap params, OidcClient client) {
        AuthorizeOutcome o = AuthorizeRequest.judge(params, client);
        assertThat(o).as("outcome of %s", params).isInstanceOf(Authorization.class);
        return (Authorization) o;
    }

    static AuthorizeError refused(MultiMap params, OidcClient client) {
        AuthorizeOutcome o = AuthorizeRequest.judge(params, client);
        assertThat(o).as("outcome of %s", params).isInstanceOf(AuthorizeError.class);
        return (AuthorizeError) o;
    }

    /** The query parameters of a URL, decoded, in order; a name twice keeps both as "a,b". */
    static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return out;
        }
        int hash = url.indexOf('#');
        String query = url.substring(q + 1, hash < 0 ? url.length() : hash);
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.merge(k, v, (a, b) -> a + "," + b);
        }
        return out;
    }

    static List<String> names(String url) {
        return new ArrayList<>(query(url).keySet());
    }
}
