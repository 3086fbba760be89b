package dev.kordon.oauth;

import static dev.kordon.oauth.Requests.ISSUER;
import static dev.kordon.oauth.Requests.PORTAL;
import static dev.kordon.oauth.Requests.SPA;
import static dev.kordon.oauth.Requests.accepted;
import static dev.kordon.oauth.Requests.names;
import static dev.kordon.oauth.Requests.portal;
import static dev.kordon.oauth.Requests.query;
import static dev.kordon.oauth.Requests.refused;
import static dev.kordon.oauth.Requests.spa;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kordon.problem.Bundles;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What an accepted request tells the caller (prompt, max_age, locale, hints) and the redirects it builds. */
class AuthorizeAnswersTest {

    @Test
    void promptNoneStandsAloneAndAnswersLoginRequiredWithTheState() {
        Authorization none = accepted(spa("prompt", "none"), SPA);
        assertThat(none.promptNone()).isTrue();
        assertThat(none.promptLogin()).isFalse();
        AuthorizeError e = none.loginRequired();
        assertThat(e.error()).isEqualTo("login_required");
        assertThat(e.state()).isEqualTo("st-1");
        assertThat(query(e.redirectUrl(ISSUER))).containsEntry("error", "login_required");
        for (String combo : new String[] {"none login", "login none", "none consent", "select_account none"}) {
            AuthorizeError c = refused(spa("prompt", combo), SPA);
            assertThat(c.error()).as(combo).isEqualTo("invalid_request");
            assertThat(c.redirectable()).isTrue();
            assertThat(c.description()).isEqualTo("prompt none cannot be combined with other values");
        }
    }

    @Test
    void promptLoginIsReportedAndConsentSelectAccountAndUnknownValuesPass() {
        Authorization login = accepted(spa("prompt", "login consent"), SPA);
        assertThat(login.promptLogin()).isTrue();
        assertThat(login.promptNone()).isFalse();
        for (String other : new String[] {"consent", "select_account", "consent select_account", "bogus"}) {
            Authorization a = accepted(spa("prompt", other), SPA);
            assertThat(a.promptLogin()).as(other).isFalse();
            assertThat(a.promptNone()).as(other).isFalse();
        }
        assertThat(accepted(spa("prompt", "none none"), SPA).promptNone()).isTrue();
    }

    @Test
    void maxAgeIsANonNegativeIntegerAndJudgesTheSignInTime() {
        assertThat(accepted(spa("max_age", "0"), SPA).maxAge()).isZero();
        for (String bad : new String[] {"-1", "+5", "1.5", "abc", "1e3", " 60", "1".repeat(19)}) {
            AuthorizeError e = refused(spa("max_age", bad), SPA);
            assertThat(e.error()).as(bad).isEqualTo("invalid_request");
            assertThat(e.description()).isEqualTo("max_age must be a non-negative integer");
        }
        Authorization a = accepted(spa("max_age", "300"), SPA);
        assertThat(a.acceptsAuthTime(1_000, 1_300)).isTrue();
        assertThat(a.acceptsAuthTime(1_000, 1_301)).isFalse();
        assertThat(accepted(spa("max_age", "0"), SPA).acceptsAuthTime(1_000, 1_001))
                .isFalse();
        assertThat(accepted(spa(), SPA).acceptsAuthTime(0, 1_000_000)).isTrue();
    }

    @Test
    void uiLocalesPicksTheFirstOfRussianAndEnglish() {
        assertThat(accepted(spa("ui_locales", "fr-CA en-GB ru"), SPA).locale()).isEqualTo(Bundles.EN);
        assertThat(accepted(spa("ui_locales", "ru-RU en"), SPA).locale()).isEqualTo(Bundles.RU);
        assertThat(accepted(spa("ui_locales", "be RU"), SPA).locale()).isEqualTo(Bundles.RU);
        assertThat(accepted(spa("ui_locales", "de fr-FR"), SPA).locale()).isNull();
        assertThat(accepted(spa("ui_locales", "eng rus"), SPA).locale()).isNull();
        assertThat(accepted(spa(), SPA).locale()).isNull();
    }

    @Test
    void stateNonceAndLoginHintAreKeptVerbatim() {
        String state = "a b&c=d%20e+f/?#ü\"'<>";
        String nonce = "  nonce with spaces  ";
        Authorization a = accepted(spa("state", state, "nonce", nonce, "login_hint", "tel:+375 29 123-45-67"), SPA);
        assertThat(a.state()).isEqualTo(state);
        assertThat(a.nonce()).isEqualTo(nonce);
        assertThat(a.loginHint()).isEqualTo("tel:+375 29 123-45-67");
        assertThat(query(a.codeRedirect("c0de", ISSUER))).containsEntry("state", state);
        assertThat(refused(spa("state", state, "scope", "email"), SPA).state()).isEqualTo(state);
    }

    @Test
    void theCodeRedirectCarriesCodeStateAndIssuerEncoded() {
        Authorization a = accepted(spa("state", "x&y=z"), SPA);
        String url = a.codeRedirect("abc-_123", ISSUER);
        assertThat(url)
                .isEqualTo("https://spa.example/cb?code=abc-_123&state=x%26y%3Dz&iss=https%3A%2F%2Fid.kordon.example");
        String stateless = accepted(portal("state", null), PORTAL).codeRedirect("abc", ISSUER);
        assertThat(names(stateless)).containsExactly("code", "iss");
    }

    @Test
    void anErrorRedirectJoinsARegisteredQueryWithAnAmpersand() {
        AuthorizeError e =
                refused(spa("redirect_uri", "https://spa.example/cb?tenant=7", "scope", "openid roles"), SPA);
        String url = e.redirectUrl(ISSUER);
        assertThat(url)
                .startsWith("https://spa.example/cb?tenant=7&error=invalid_scope&error_description=scope+roles+is")
                .doesNotContain("?tenant=7?")
                .doesNotContain("&&");
        assertThat(query(url))
                .containsExactly(
                        java.util.Map.entry("tenant", "7"),
                        java.util.Map.entry("error", "invalid_scope"),
                        java.util.Map.entry("error_description", "scope roles is not allowed for this client"),
                        java.util.Map.entry("state", "st-1"),
                        java.util.Map.entry("iss", ISSUER));
        String plain = refused(spa("scope", "openid roles"), SPA).redirectUrl(ISSUER);
        assertThat(plain).startsWith("https://spa.example/cb?error=invalid_scope&");
    }

    @Test
    void aRegisteredUriEndingInAQuestionMarkOrAmpersandGetsNoSecondSeparator() {
        assertThat(RedirectUrls.append("https://a.example/cb?", java.util.Map.of("code", "1")))
                .isEqualTo("https://a.example/cb?code=1");
        assertThat(RedirectUrls.append("https://a.example/cb?x=1&", java.util.Map.of("code", "1")))
                .isEqualTo("https://a.example/cb?x=1&code=1");
        assertThat(RedirectUrls.append("https://a.example/cb#frag", java.util.Map.of("code", "1")))
                .isEqualTo("https://a.example/cb?code=1#frag");
    }

    @Test
    void anErrorThatMayNotBeRedirectedBuildsNoUrl() {
        AuthorizeError e = refused(spa("redirect_uri", "https://evil.example/"), SPA);
        assertThatThrownBy(() -> e.redirectUrl(ISSUER)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theGrantOfAnAcceptedRequestCarriesItsBindings() {
        UUID account = UUID.randomUUID();
        Grant g = accepted(spa("scope", "openid email"), SPA).grant(account, 1_700_000_000L, List.of("pwd"), "sid-1");
        assertThat(g)
                .isEqualTo(new Grant(
                        account,
                        "spa",
                        "https://spa.example/cb",
                        Requests.CHALLENGE,
                        "n-1",
                        List.of("openid", "email"),
                        1_700_000_000L,
                        List.of("pwd"),
                        "sid-1"));
    }
}
