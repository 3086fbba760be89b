package dev.kordon.support;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;

/** One browser walking the pages over HTTP: its cookies kept, no redirect followed, so each step is seen. */
public class PageClient {
    public final CookieJar jar = new CookieJar();
    private final Rig rig;

    public PageClient(Rig rig) {
        this.rig = rig;
    }

    public HttpResponse<Buffer> get(String path) {
        var req = rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", path)
                .followRedirects(false);
        req.putHeader("Cookie", jar.header());
        return jar.keep(Rig.await(req.send()));
    }

    public HttpResponse<Buffer> post(String path, MultiMap form) {
        var req = rig.http
                .request(HttpMethod.POST, rig.running.httpPort(), "127.0.0.1", path)
                .followRedirects(false);
        req.putHeader("Cookie", jar.header());
        return jar.keep(Rig.await(req.sendForm(form)));
    }
}
