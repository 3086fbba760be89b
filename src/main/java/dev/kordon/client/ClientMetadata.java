package dev.kordon.client;

import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A client's metadata in RFC 7591's names, read and checked the same way wherever it comes from (the
 * admin API, the command line's file, the configuration), and written back in those names. Every
 * refusal names its field; fields it does not know are ignored, as RFC 7591 asks.
 */
public final class ClientMetadata {
    public static final String CLIENT_ID = "client_id";
    public static final String CLIENT_NAME = "client_name";
    public static final String REDIRECT_URIS = "redirect_uris";
    public static final String POST_LOGOUT_REDIRECT_URIS = "post_logout_redirect_uris";
    public static final String BACKCHANNEL_LOGOUT_URI = "backchannel_logout_uri";
    public static final String AUTH_METHOD = "token_endpoint_auth_method";
    public static final String SCOPE = "scope";
    public static final String CLIENT_SECRET = "client_secret";

    /** The scopes a client may be allowed, in the order they are written back. */
    public static final List<String> SCOPES = List.of("openid", "phone", "email", "roles", "offline_access");

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "[::1]", "localhost");
    private static final int NAME_MAX = 200;
    private static final int URIS_MAX = 32;
    private static final int URI_MAX = 2048;

    private ClientMetadata() {}

    /** Whether {@code clientId} is one a client may have: 1 to 64 of A-Z a-z 0-9 . _ - */
    public static boolean validId(String clientId) {
        return clientId != null && ID.matcher(clientId).matches();
    }

    /**
     * The client {@code clientId} as {@code json} describes it, or a 400 {@link FlowException} naming
     * every field at fault. A {@code client_id} in the body must be the same as {@code clientId}.
     */
    public static OidcClient parse(String clientId, JsonObject json) {
        Map<String, Text> errors = new LinkedHashMap<>();
        if (!validId(clientId)) {
            errors.put(CLIENT_ID, Text.of("field.client-id"));
        } else if (json.getValue(CLIENT_ID) != null && !clientId.equals(json.getValue(CLIENT_ID))) {
            errors.put(CLIENT_ID, Text.of("field.client-id-differs"));
        }
        String name = name(json, errors);
        OidcClient.AuthMethod method = method(json, errors);
        List<String> redirects = uris(json, REDIRECT_URIS, true, errors);
        List<String> logouts = uris(json, POST_LOGOUT_REDIRECT_URIS, false, errors);
        String backchannel = backchannel(json, errors);
        Set<String> scopes = scopes(json, errors);
        if (!errors.isEmpty()) {
            throw FlowException.invalid(errors);
        }
        return new OidcClient(clientId, name, method, redirects, logouts, backchannel, scopes);
    }

    /** The client in RFC 7591's names, with its {@code client_id}; never a secret. */
    public static JsonObject json(OidcClient c) {
        JsonObject out = new JsonObject()
                .put(CLIENT_ID, c.clientId())
                .put(CLIENT_NAME, c.name())
                .put(AUTH_METHOD, c.authMethod().wire)
                .put(REDIRECT_URIS, new JsonArray(c.redirectUris()))
                .put(POST_LOGOUT_REDIRECT_URIS, new JsonArray(c.postLogoutRedirectUris()))
                .put(SCOPE, scope(c.scopes()));
        if (c.backchannelLogoutUri() != null) {
            out.put(BACKCHANNEL_LOGOUT_URI, c.backchannelLogoutUri());
        }
        return out;
    }

    /** The scopes space-separated, in {@link #SCOPES}' order. */
    public static String scope(Set<String> scopes) {
        return String.join(" ", SCOPES.stream().filter(scopes::contains).toList());
    }

    private static String name(JsonObject json, Map<String, Text> errors) {
        Object v = json.getValue(CLIENT_NAME);
        if (v == null || "".equals(v)) {
            errors.put(CLIENT_NAME, Text.of("field.required"));
            return null;
        }
        if (!(v instanceof String s)) {
            errors.put(CLIENT_NAME, Text.of("field.type"));
            return null;
        }
        if (s.codePointCount(0, s.length()) > NAME_MAX) {
            errors.put(CLIENT_NAME, Text.of("field.too-long", NAME_MAX));
            return null;
        }
        // Postgres cannot store a NUL, and no name needs a control character or half a surrogate pair.
        boolean storable = s.codePoints()
                .noneMatch(cp -> Character.isISOControl(cp) || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFD);
        if (!storable || s.isBlank()) {
            errors.put(CLIENT_NAME, Text.of("field.type"));
            return null;
        }
        return s;
    }

    private static OidcClient.AuthMethod method(JsonObject json, Map<String, Text> errors) {
        Object v = json.getValue(AUTH_METHOD);
        if (v == null) {
            return OidcClient.AuthMethod.CLIENT_SECRET_BASIC;
        }
        OidcClient.AuthMethod m = v instanceof String s ? OidcClient.AuthMethod.of(s) : null;
        if (m == null) {
            errors.put(AUTH_METHOD, Text.of("field.choice", "client_secret_basic, client_secret_post, none"));
        }
        return m;
    }

    private static List<String> uris(JsonObject json, String field, boolean required, Map<String, Text> errors) {
        Object v = json.getValue(field);
        if (v == null) {
            if (required) {
                errors.put(field, Text.of("field.required"));
            }
            return List.of();
        }
        if (!(v instanceof JsonArray array) || array.size() > URIS_MAX) {
            errors.put(field, Text.of("field.uri-list", URIS_MAX));
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object item : array) {
            if (!(item instanceof String s) || !allowedUri(s)) {
                errors.put(field, Text.of("field.redirect-uri"));
                return List.of();
            }
            out.add(s);
        }
        if (required && out.isEmpty()) {
            errors.put(field, Text.of("field.required"));
        }
        return new ArrayList<>(out);
    }

    private static String backchannel(JsonObject json, Map<String, Text> errors) {
        Object v = json.getValue(BACKCHANNEL_LOGOUT_URI);
        if (v == null || "".equals(v)) {
            return null;
        }
        if (!(v instanceof String s) || !allowedUri(s)) {
            errors.put(BACKCHANNEL_LOGOUT_URI, Text.of("field.redirect-uri"));
            return null;
        }
        return s;
    }

    private static Set<String> scopes(JsonObject json, Map<String, Text> errors) {
        Object v = json.getValue(SCOPE);
        if (v == null) {
            return Set.of("openid");
        }
        Set<String> out = new LinkedHashSet<>();
        if (v instanceof String s) {
            for (String part : s.split(" ", -1)) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        }
        if (!(v instanceof String) || !out.contains("openid") || !SCOPES.containsAll(out)) {
            errors.put(SCOPE, Text.of("field.scope", String.join(" ", SCOPES)));
        }
        return out;
    }

    /**
     * An absolute URI without a fragment or user info, printable ASCII only (it is matched exactly,
     * character by character), https, or http to this machine's loopback: a native app's or a
     * developer's own listener, which no one on the network can stand in for.
     */
    static boolean allowedUri(String s) {
        if (s.isEmpty() || s.length() > URI_MAX || s.indexOf('#') >= 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch <= 0x20 || ch >= 0x7f) {
                return false;
            }
        }
        try {
            URI u = new URI(s);
            if (!u.isAbsolute() || u.isOpaque() || u.getHost() == null || u.getRawUserInfo() != null) {
                return false;
            }
            String scheme = u.getScheme().toLowerCase(Locale.ROOT);
            String host = u.getHost().toLowerCase(Locale.ROOT);
            return scheme.equals("https") || (scheme.equals("http") && LOOPBACK.contains(host));
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
