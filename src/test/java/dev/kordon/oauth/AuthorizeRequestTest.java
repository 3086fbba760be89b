package dev.kordon.oauth;

import static dev.kordon.oauth.Requests.CHALLENGE;
import static dev.kordon.oauth.Requests.PORTAL;
import static dev.kordon.oauth.Requests.SPA;
import static dev.kordon.oauth.Requests.accepted;
import static dev.kordon.oauth.Requests.params;
import static dev.kordon.oauth.Requests.portal;
import static dev.kordon.oauth.Requests.refused;
import static dev.kordon.oauth.Requests.spa;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.client.OidcClient;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

/** Which requests are accepted, and which errors may go back to the client (OIDC Core 3.1.2, RFC 6749 4.1). */
class AuthorizeRequestTest {

    @Test
    void aRequestThatKeepsEveryRuleIsAcceptedWithItsFields() {
        Authorization a = accepted(spa("login_hint", "+375291234567", "max_age", "300"), SPA);
        assertThat(a.client()).isEqualTo(SPA);
        assertThat(a.redirectUri()).isEqualTo("https://spa.example/cb");
        assertThat(a.scopes()).containsExactly("openid", "phone");
        assertThat(a.codeChallenge()).isEqualTo(CHALLENGE);
        assertThat(a.state()).isEqualTo("st-1");
        assertThat(a.nonce()).isEqualTo("n-1");
        assertThat(a.loginHint()).isEqualTo("+375291234567");
        assertThat(a.maxAge()).isEqualTo(300L);
        assertThat(a.promptNone()).isFalse();
        assertThat(a.promptLogin()).isFalse();
        assertThat(a.locale()).isNull();
    }

    @Test
    void anUnknownOrMissingClientIsNotRedirectable() {
        assertNotRedirectable(refused(spa(), null), "unknown client_id");
        // The client the caller found must be the one named: a mix-up is no client at all.
        assertNotRedirectable(refused(spa(), PORTAL), "unknown client_id");
        assertNotRedirectable(refused(spa("client_id", null), SPA), "client_id is missing");
        assertNotRedirectable(refused(spa("client_id", ""), SPA), "client_id is missing");
        MultiMap twice = spa();
        twice.add("client_id", "spa");
        assertNotRedirectable(refused(twice, SPA), "client_id is repeated");
    }

    @Test
    void aRedirectUriNotRegisteredExactlyIsNotRedirectable() {
        for (String near : new String[] {
            "https://spa.example/cb/",
            "https://spa.example/cb/evil",
            "https://spa.example/CB",
            "https://spa.example/cb?tenant=8",
            "https://spa.example/cb?tenant=7&x=1",
            "http://spa.example/cb",
            "https://spa.example.evil/cb",
            "https://spa.example/cb#x"
        }) {
            assertNotRedirectable(
                    refused(spa("redirect_uri", near), SPA), "redirect_uri is not registered for this client");
        }
        MultiMap twice = spa();
        twice.add("redirect_uri", "https://spa.example/cb");
        assertNotRedirectable(refused(twice, SPA), "redirect_uri is repeated");
        // Refused even before any other rule is looked at: a bad response_type does not make it redirectable.
        assertNotRedirectable(
                refused(spa("redirect_uri", "https://evil.example/", "response_type", "token"), SPA),
                "redirect_uri is not registered for this client");
    }

    /** RFC 6749 3.1.2.3 would take the one registered URI; OIDC Core 3.1.2.1 requires it to be sent. */
    @Test
    void aMissingRedirectUriIsNotRedirectableEvenWithOneRegistered() {
        assertThat(PORTAL.redirectUris()).hasSize(1);
        assertNotRedirectable(refused(portal("redirect_uri", null), PORTAL), "redirect_uri is missing");
    }

    @Test
    void aRegisteredUriWithAQueryMatchesExactly() {
        assertThat(accepted(spa("redirect_uri", "https://spa.example/cb?tenant=7"), SPA)
                        .redirectUri())
                .isEqualTo("https://spa.example/cb?tenant=7");
    }

    @Test
    void aPublicClientWithoutPkceIsRefusedToItsRedirectUri() {
        AuthorizeError e = refused(spa("code_challenge", null, "code_challenge_method", null), SPA);
        assertRedirected(e, "invalid_request", "st-1");
        assertThat(e.description()).isEqualTo("code_challenge is required (PKCE S256)");
    }

    @Test
    void aConfidentialClientMayOmitPkceAndAChallengeItSendsIsKept() {
        assertThat(accepted(portal(), PORTAL).codeChallenge()).isNull();
        assertThat(accepted(portal("code_challenge", CHALLENGE, "code_challenge_method", "S256"), PORTAL)
                        .codeChallenge())
                .isEqualTo(CHALLENGE);
        // Honoured means held to the same rules.
        assertRedirected(refused(portal("code_challenge", CHALLENGE), PORTAL), "invalid_request", "st-2");
    }

    @Test
    void thePlainMethodAnAbsentMethodAndAnUnknownOneAreRefused() {
        for (String method : new String[] {"plain", "s256", "S512"}) {
            AuthorizeError e = refused(spa("code_challenge_method", method), SPA);
            assertRedirected(e, "invalid_request", "st-1");
            assertThat(e.description()).isEqualTo("code_challenge_method must be S256");
        }
        // No method means plain (RFC 7636 4.3).
        assertRedirected(refused(spa("code_challenge_method", null), SPA), "invalid_request", "st-1");
        AuthorizeError alone = refused(portal("code_challenge_method", "S256"), PORTAL);
        assertRedirected(alone, "invalid_request", "st-2");
        assertThat(alone.description()).isEqualTo("code_challenge_method without code_challenge");
    }

    @Test
    void aChallengeOutside43To128UnreservedCharactersIsRefused() {
        for (String bad :
                new String[] {"a".repeat(42), "a".repeat(129), CHALLENGE.substring(1) + "+", "a b".repeat(15)}) {
            AuthorizeError e = refused(spa("code_challenge", bad), SPA);
            assertRedirected(e, "invalid_request", "st-1");
            assertThat(e.description()).startsWith("code_challenge must be");
        }
        assertThat(accepted(spa("code_challenge", "a~._-".repeat(25) + "abc"), SPA)
                        .codeChallenge())
                .hasSize(128);
    }

    @Test
    void requestObjectsAndRegistrationAreRefusedByName() {
        assertRedirected(refused(spa("request", "eyJhbGciOiJub25lIn0.e30."), SPA), "request_not_supported", "st-1");
        assertRedirected(
                refused(spa("request_uri", "https://spa.example/req.jwt"), SPA), "request_uri_not_supported", "st-1");
        assertRedirected(refused(spa("registration", "{}"), SPA), "registration_not_supported", "st-1");
    }

    @Test
    void onlyResponseTypeCodeInQueryModeIsSupported() {
        for (String type : new String[] {"token", "id_token", "code id_token", "code token", "CODE"}) {
            assertRedirected(refused(spa("response_type", type), SPA), "unsupported_response_type", "st-1");
        }
        assertRedirected(refused(spa("response_type", null), SPA), "invalid_request", "st-1");
        assertRedirected(refused(spa("response_mode", "fragment"), SPA), "invalid_request", "st-1");
        assertRedirected(refused(spa("response_mode", "form_post"), SPA), "invalid_request", "st-1");
        assertThat(accepted(spa("response_mode", "query"), SPA).redirectUri()).isEqualTo("https://spa.example/cb");
    }

    @Test
    void scopeMustHoldOpenidAndOnlyWhatTheClientMayAskFor() {
        assertRedirected(refused(spa("scope", "phone"), SPA), "invalid_scope", "st-1");
        assertRedirected(refused(spa("scope", null), SPA), "invalid_scope", "st-1");
        assertRedirected(refused(spa("scope", "openid roles"), SPA), "invalid_scope", "st-1");
        assertThat(refused(spa("scope", "openid roles"), SPA).description())
                .isEqualTo("scope roles is not allowed for this client");
        assertRedirected(refused(spa("scope", "OpenID"), SPA), "invalid_scope", "st-1");
        // Extra spaces and a repeated scope change nothing; the order sent is kept.
        assertThat(accepted(spa("scope", " email  openid email "), SPA).scopes())
                .containsExactly("email", "openid");
        assertThat(accepted(portal("scope", "roles openid phone"), PORTAL).scopes())
                .containsExactly("roles", "openid", "phone");
    }

    /** RFC 6749 3.1: a parameter MUST NOT be included more than once; empty ones count as absent. */
    @Test
    void aParameterSentTwiceIsInvalidRequest() {
        for (String name : new String[] {"response_type", "scope", "nonce", "code_challenge", "prompt", "login_hint"}) {
            MultiMap twice = spa("prompt", "login", "login_hint", "291234567");
            twice.add(name, twice.get(name));
            AuthorizeError e = refused(twice, SPA);
            assertRedirected(e, "invalid_request", "st-1");
            assertThat(e.description()).isEqualTo(name + " is repeated");
        }
        MultiMap states = spa();
        states.add("state", "st-other");
        AuthorizeError e = refused(states, SPA);
        assertThat(e.error()).isEqualTo("invalid_request");
        assertThat(e.redirectable()).isTrue();
        assertThat(e.state()).as("which state would be the client's?").isNull();
        MultiMap empties = spa("nonce", "");
        empties.add("nonce", "n-2");
        assertThat(accepted(empties, SPA).nonce()).isEqualTo("n-2");
        assertThat(accepted(spa("state", ""), SPA).state()).isNull();
    }

    @Test
    void unknownParametersAreIgnoredEvenTwice() {
        MultiMap m = spa("claims", "{\"id_token\":{}}", "display", "popup", "acr_values", "aal2");
        m.add("x-custom", "1");
        m.add("x-custom", "2");
        assertThat(accepted(m, SPA).state()).isEqualTo("st-1");
    }

    @Test
    void aRequestOfNothingButTheClientIsRefusedToItsUriWithoutState() {
        AuthorizeError e =
                refused(params("client_id", "portal", "redirect_uri", "https://portal.example/oidc/callback"), PORTAL);
        assertThat(e.error()).isEqualTo("invalid_request");
        assertThat(e.state()).isNull();
        assertThat(e.redirectUri()).isEqualTo("https://portal.example/oidc/callback");
    }

    private static void assertNotRedirectable(AuthorizeError e, String description) {
        assertThat(e.redirectable()).as(description).isFalse();
        assertThat(e.redirectUri()).isNull();
        assertThat(e.state()).isNull();
        assertThat(e.error()).isEqualTo("invalid_request");
        assertThat(e.description()).isEqualTo(description);
    }

    private static void assertRedirected(AuthorizeError e, String error, String state) {
        assertThat(e.error()).as(e.description()).isEqualTo(error);
        assertThat(e.redirectable()).isTrue();
        assertThat(e.state()).isEqualTo(state);
        OidcClient client = e.redirectUri().startsWith("https://spa") ? SPA : PORTAL;
        assertThat(client.redirectUris()).contains(e.redirectUri());
    }
}
