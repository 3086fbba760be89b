package dev.kordon.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An operator's browser on a rig's console (admin port): a cookie jar, forms with their CSRF token. */
public final class ConsoleDesk {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    final CookieJar jar = new CookieJar();
    final Rig rig;

    public ConsoleDesk(Rig rig) {
        this.rig = rig;
    }

    public HttpResponse<Buffer> get(String path) {
        var req = rig.http
                .request(HttpMethod.GET, rig.running.adminPort(), "127.0.0.1", path)
                .followRedirects(false);
        req.putHeader("Cookie", jar.header());
        return jar.keep(Rig.await(req.send()));
    }

    public HttpResponse<Buffer> post(String path, MultiMap form) {
        var req = rig.http
                .request(HttpMethod.POST, rig.running.adminPort(), "127.0.0.1", path)
                .followRedirects(false);
        req.putHeader("Cookie", jar.header());
        return jar.keep(Rig.await(req.sendForm(form)));
    }

    public String csrf(String page) {
        Matcher m = CSRF.matcher(get(page).bodyAsString());
        assertThat(m.find()).as("a form on " + page).isTrue();
        return m.group(1);
    }

    /** Signed in with the admin token. */
    public ConsoleDesk signIn() {
        HttpResponse<Buffer> r = post(
                "/console/login",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf("/console/login"))
                        .add("token", Rig.ADMIN_TOKEN));
        assertThat(r.statusCode()).isEqualTo(303);
        return this;
    }
}
