package dev.kordon.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.LinkedHashMap;

/** The cookies one test browser holds, by name: kept from each answer, sent with each request. */
public final class CookieJar extends LinkedHashMap<String, String> {
    /** The {@code Cookie} header for the next request. */
    public String header() {
        StringBuilder sb = new StringBuilder();
        forEach((k, v) ->
                sb.append(sb.length() == 0 ? "" : "; ").append(k).append('=').append(v));
        return sb.toString();
    }

    /** Takes the answer's {@code Set-Cookie}s (a {@code Max-Age=0} one removes its cookie); returns the answer. */
    public HttpResponse<Buffer> keep(HttpResponse<Buffer> r) {
        for (String c : r.cookies()) {
            String[] kv = c.split(";")[0].split("=", 2);
            if (c.contains("Max-Age=0")) {
                remove(kv[0]);
            } else {
                put(kv[0], kv[1]);
            }
        }
        return r;
    }
}
