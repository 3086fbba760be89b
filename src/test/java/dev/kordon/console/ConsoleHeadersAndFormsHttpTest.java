package dev.kordon.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The console's pages and forms over plain HTTP: the security headers and no script on every page,
 * CSRF on every form (none, forged, or another cookie's), and a disable or reset only asked until confirmed.
 */
class ConsoleHeadersAndFormsHttpTest extends ConsoleOverHttp {
    @Test
    void securityHeadersAndNoScriptOnEveryConsolePage() {
        Desk d = new Desk("192.0.2.12");
        d.signIn(Rig.ADMIN_TOKEN);
        for (String path : List.of(
                "/console/login",
                "/console/",
                "/console/?q=29600",
                account(),
                "/console/clients",
                "/console/new-client")) {
            var r = d.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            String csp = r.getHeader("Content-Security-Policy");
            assertThat(csp)
                    .as(path)
                    .contains("frame-ancestors 'none'")
                    .contains("script-src 'self'")
                    .contains("style-src 'self'")
                    .contains("object-src 'none'")
                    .contains("base-uri 'none'")
                    .contains("form-action 'self'")
                    .doesNotContain("unsafe-inline");
            assertThat(r.headers().getAll("X-Frame-Options")).as(path).containsExactly("DENY");
            assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(r.getHeader("Cache-Control")).as(path).isEqualTo("no-store");
            assertThat(r.getHeader("Strict-Transport-Security")).isEqualTo("max-age=31536000; includeSubDomains");
            String html = r.bodyAsString();
            // No JavaScript at all, and nothing inline that the CSP would have to allow.
            assertThat(html)
                    .doesNotContain("<script")
                    .doesNotContain(" style=\"")
                    .doesNotContainPattern("\\son[a-z]+=\"");
        }
        assertThat(d.get("/console/?q=29600").bodyAsString()).contains("+375 29 600-00-01");
        // The stylesheet the console links is served here, under the same headers.
        var css = d.get("/static/kordon.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.getHeader("X-Frame-Options")).isEqualTo("DENY");
    }

    @Test
    void everyPostNeedsTheCsrfTokenOfItsOwnCookie() {
        Desk d = new Desk("192.0.2.13");
        // The sign-in form too: a token typed through someone else's form is refused.
        d.get("/console/login");
        assertThat(d.post("/console/login", MultiMap.caseInsensitiveMultiMap().add("token", Rig.ADMIN_TOKEN))
                        .statusCode())
                .isEqualTo(403);
        assertThat(d.jar).doesNotContainKey(SESSION);

        d.signIn(Rig.ADMIN_TOKEN);
        assertThat(d.jar).containsKey(SESSION);
        for (String action : List.of(
                "/disable",
                "/reset",
                "/resend",
                "/unlock",
                "/enable",
                "/mfa-reset",
                "/sessions/" + "0".repeat(32) + "/end")) {
            var none = d.post(account() + action, MultiMap.caseInsensitiveMultiMap());
            assertThat(none.statusCode()).as(action).isEqualTo(403);
            var forged = d.post(
                    account() + action, MultiMap.caseInsensitiveMultiMap().add("csrf", "forged"));
            assertThat(forged.statusCode()).as(action).isEqualTo(403);
        }
        assertThat(d.post("/console/logout", MultiMap.caseInsensitiveMultiMap()).statusCode())
                .isEqualTo(403);
        assertThat(status()).isEqualTo("active");
        // A token is bound to the CSRF cookie it was made for. This desk has its own valid cookie; a
        // token valid for another desk's cookie does not fit it, and its own token does.
        Desk other = new Desk("192.0.2.13");
        other.jar.put(SESSION, d.jar.get(SESSION));
        String own = other.csrf(account());
        assertThat(other.jar.get(CSRF_COOKIE)).as("a CSRF cookie of its own").isNotNull();
        Desk third = new Desk("192.0.2.13");
        String foreign = third.csrf("/console/login");
        assertThat(third.jar.get(CSRF_COOKIE)).isNotNull().isNotEqualTo(other.jar.get(CSRF_COOKIE));
        assertThat(foreign).isNotEqualTo(own);
        assertThat(other.post(
                                account() + "/disable",
                                MultiMap.caseInsensitiveMultiMap().add("csrf", foreign))
                        .statusCode())
                .isEqualTo(403);
        assertThat(status()).isEqualTo("active");
        var withOwn = other.post(
                account() + "/unlock", MultiMap.caseInsensitiveMultiMap().add("csrf", own));
        assertThat(withOwn.statusCode()).as("the same desk with its own token").isEqualTo(303);

        // With its token, the same form works.
        String csrf = d.csrf(account());
        var done =
                d.post(account() + "/unlock", MultiMap.caseInsensitiveMultiMap().add("csrf", csrf));
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.getHeader("Location")).isEqualTo(account() + "?done=unlock");
    }

    @Test
    void aDisableOrAResetIsAskedFirstAndTheQuestionChangesNothing() {
        rig.account("+375296000002", LogCapture.secret("Console-Http-Confirm-1"));
        String page = "/console/accounts/mobile/%2B375296000002";
        Desk d = new Desk("192.0.2.17");
        d.signIn(Rig.ADMIN_TOKEN);
        for (String action : List.of("disable", "reset")) {
            var asked = d.post(
                    page + "/" + action, MultiMap.caseInsensitiveMultiMap().add("csrf", d.csrf(page)));
            assertThat(asked.statusCode()).as(action).isEqualTo(200);
            assertThat(asked.bodyAsString())
                    .contains("name=\"confirmed\" value=\"yes\"")
                    .contains("action=\"" + page + "/" + action + "\"");
            assertThat(rig.login("+375296000002", "Console-Http-Confirm-1").statusCode())
                    .as(action)
                    .isEqualTo(200);
        }
        var done = d.post(
                page + "/disable",
                MultiMap.caseInsensitiveMultiMap().add("csrf", d.csrf(page)).add("confirmed", "yes"));
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.getHeader("Location")).isEqualTo(page + "?done=disable");
        assertThat(rig.login("+375296000002", "Console-Http-Confirm-1").statusCode())
                .isEqualTo(401);
    }
}
