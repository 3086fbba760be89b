package dev.kordon.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Await;
import dev.kordon.support.CookieJar;
import dev.kordon.support.LogCapture;
import dev.kordon.support.Rig;
import dev.kordon.support.SmsProviderStub;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser and a portal for the OpenID Connect tests: the browser follows Kordon's redirects by
 * hand (the issuer's URLs mapped to the rig's port) and fills the seed's forms; the portal trades
 * codes and refresh tokens at the token endpoint.
 */
final class OidcBrowser {
    static final String ISSUER = "https://auth.example.by";
    static final String CALLBACK = "https://portal.example.by/cb";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern RETURN = Pattern.compile("name=\"return\" value=\"([^\"]+)\"");
    private static final Pattern FORGOT = Pattern.compile("<p class=\"forgot\"><a href=\"([^\"]+)\"");
    private static final Pattern SMS_CODE = Pattern.compile("(\\d{6})");

    final Rig rig;
    final CookieJar jar = new CookieJar();

    OidcBrowser(Rig rig) {
        this.rig = rig;
    }

    /** Registers a client through the admin API; its secret, or null for a public one. */
    static String register(Rig rig, String id, String method) {
        JsonObject body = new JsonObject()
                .put("client_name", "Portal " + id)
                .put("redirect_uris", new io.vertx.core.json.JsonArray().add(CALLBACK))
                .put("token_endpoint_auth_method", method)
                .put("scope", "openid phone email roles");
        HttpResponse<Buffer> r = rig.admin(HttpMethod.PUT, "/admin/v1/clients/" + id, body, Rig.ADMIN_TOKEN);
        assertThat(r.statusCode()).as(r.bodyAsString()).isIn(200, 201);
        return r.bodyAsJsonObject().getString("client_secret");
    }

    /** The authorization URL's path and query for {@code client}, with PKCE from {@code verifier}. */
    static String authorize(String client, String state, String nonce, String verifier, String extra) {
        return "/oauth2/authorize?response_type=code&client_id=" + client + "&redirect_uri=" + enc(CALLBACK)
                + "&scope=" + enc("openid phone email") + "&state=" + state + "&nonce=" + nonce
                + (verifier == null ? "" : "&code_challenge=" + challenge(verifier) + "&code_challenge_method=S256")
                + extra;
    }

    HttpResponse<Buffer> get(String pathOrUrl) {
        var req = rig.http
                .request(HttpMethod.GET, rig.running.httpPort(), "127.0.0.1", local(pathOrUrl))
                .followRedirects(false);
        req.putHeader("Cookie", jar.header());
        return jar.keep(Rig.await(req.send()));
    }

    HttpResponse<Buffer> post(String path, MultiMap form) {
        var req = rig.http
                .request(HttpMethod.POST, rig.running.httpPort(), "127.0.0.1", path)
                .followRedirects(false);
        req.putHeader("Cookie", jar.header());
        return jar.keep(Rig.await(req.sendForm(form)));
    }

    /** Kordon's own absolute URLs (the issuer's, whatever it is) as the rig's paths. */
    static String local(String url) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            return url;
        }
        URI u = URI.create(url);
        return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    /** The sign-in page the authorization sent the browser to, filled with the password, sent. */
    HttpResponse<Buffer> signIn(String loginPage, String phoneDigits, String password) {
        String page = get(loginPage).bodyAsString();
        Matcher m = CSRF.matcher(page);
        assertThat(m.find()).as("a CSRF token on %s", loginPage).isTrue();
        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("csrf", m.group(1))
                .add("mode", "password")
                .add("category", "mobile")
                .add("login", phoneDigits)
                .add("password", password)
                .add("return", query(loginPage).get("return"));
        return post("/login", form);
    }

    /**
     * «Войти по SMS» on the sign-in page the authorization sent the browser to: the code asked for,
     * read from what the SMS provider's stand-in received, and sent with the phone.
     */
    HttpResponse<Buffer> signInBySms(String loginPage, String phone, SmsProviderStub sms) {
        String ret = query(loginPage).get("return");
        String digits = phone.substring("+375".length());
        HttpResponse<Buffer> sent = post(
                "/login/sms-code",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf(loginPage + "&mode=sms"))
                        .add("category", "mobile")
                        .add("login", digits)
                        .add("return", ret));
        assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(303);
        List<JsonObject> texts = Await.until(Duration.ofSeconds(10), () -> sms.to(phone), l -> !l.isEmpty());
        Matcher code = SMS_CODE.matcher(texts.get(texts.size() - 1).getString("text"));
        assertThat(code.find()).as(texts.toString()).isTrue();
        return post(
                "/login",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf(sent.getHeader("Location")))
                        .add("mode", "sms")
                        .add("category", "mobile")
                        .add("login", digits)
                        .add("code", LogCapture.secret(code.group(1)))
                        .add("return", ret));
    }

    /**
     * «Забыли пароль?» followed from the sign-in page as its link stands, and «Восстановить пароль»
     * by mail: the sign-in page it leads back to.
     */
    String recoverByMail(String loginPage, String phoneDigits) {
        Matcher link = FORGOT.matcher(get(loginPage).bodyAsString());
        assertThat(link.find()).as("«Забыли пароль?» on %s", loginPage).isTrue();
        String forgotPage = unescape(link.group(1));
        String page = get(forgotPage).bodyAsString();
        Matcher ret = RETURN.matcher(page);
        assertThat(ret.find()).as("the return URL carried to %s", forgotPage).isTrue();
        Matcher csrf = CSRF.matcher(page);
        assertThat(csrf.find()).isTrue();
        HttpResponse<Buffer> sent = post(
                "/password/forgot",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf.group(1))
                        .add("category", "mobile")
                        .add("login", phoneDigits)
                        .add("channel", "email")
                        .add("return", unescape(ret.group(1))));
        assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(303);
        return sent.getHeader("Location");
    }

    /** «Изменение пароля» as a temporary password forces it: where saving leads. */
    HttpResponse<Buffer> forcedChange(String changePage, String chosen) {
        return post(
                "/password/change",
                MultiMap.caseInsensitiveMultiMap()
                        .add("csrf", csrf(changePage))
                        .add("new_password", chosen)
                        .add("confirm_password", chosen)
                        .add("return", query(changePage).get("return")));
    }

    private String csrf(String page) {
        Matcher m = CSRF.matcher(get(page).bodyAsString());
        assertThat(m.find()).as("a CSRF token on %s", page).isTrue();
        return m.group(1);
    }

    /** An attribute's value as the pages' templates escape it. */
    static String unescape(String html) {
        return html.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    /** Follows one authorization from its URL to the client's callback: the callback's query. */
    Map<String, String> toCallback(String authorizeUrl) {
        HttpResponse<Buffer> r = get(authorizeUrl);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(302);
        String location = r.getHeader("Location");
        assertThat(location).startsWith(CALLBACK + "?");
        return query(location);
    }

    /** The token endpoint, as a confidential client with HTTP Basic (secret given) or a public one. */
    HttpResponse<Buffer> token(String client, String secret, MultiMap form) {
        var req = rig.http
                .request(HttpMethod.POST, rig.running.httpPort(), "127.0.0.1", "/oauth2/token")
                .followRedirects(false);
        if (secret != null) {
            req.putHeader(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8)));
        } else {
            form.add("client_id", client);
        }
        return Rig.await(req.sendForm(form));
    }

    static MultiMap codeForm(String code, String verifier) {
        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "authorization_code")
                .add("code", code)
                .add("redirect_uri", CALLBACK);
        if (verifier != null) {
            form.add("code_verifier", verifier);
        }
        return form;
    }

    static MultiMap refreshForm(String refreshToken) {
        return MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "refresh_token")
                .add("refresh_token", refreshToken);
    }

    /** A JWT's claims, unverified: the signature is the keys' tests' concern. */
    static JsonObject claims(String jwt) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = URI.create(url).getRawQuery();
        if (q != null) {
            for (String pair : q.split("&")) {
                String[] kv = pair.split("=", 2);
                out.put(
                        URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return out;
    }

    static String challenge(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
