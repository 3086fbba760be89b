package dev.kordon.dev;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.kordon.account.PhoneFormat;
import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import dev.kordon.credential.Credentials;
import dev.kordon.flow.Subscribers;
import dev.kordon.keys.SigningKeys;
import dev.kordon.token.BrowserSessions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * Dev mode: real Postgres, Redis and an SMTP sink started inside the process, demo accounts, and
 * {@code /dev/outbox} to read what Kordon sent. Nothing here runs unless {@code dev: true}, and only
 * through {@link DevMode#start}, which first makes sure the embedded servers are there.
 */
public final class DevStack implements DevMode {
    private static final Logger LOG = LoggerFactory.getLogger(DevStack.class);

    public static final String DEMO_PASSWORD = "Kordon-demo-2026";
    /** The demo numbers' subscriber digits; their operator codes and country code are the configured ones. */
    private static final long DEMO_SUBSCRIBER = 1234567;

    public static final String TARIFF = "SIP-соединение";
    public static final String ADMIN_TOKEN = "dev-admin-token";

    private final EmbeddedPostgres postgres;
    private final Path postgresLog;
    private final RedisServer redis;
    private final int redisPort;
    private final GreenMail smtp;
    private final SigningKeys keys;
    private final SimSwapStandIn simSwap;
    private final List<JsonObject> sms = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile BrowserSessions sessions;
    private int extraAccounts;
    private volatile String demoCategory;
    private volatile String demoPhone;
    private volatile String newPhone;

    /** The embedded servers, started: Postgres with its log file, Redis on its port, the SMTP sink. */
    private record Servers(
            EmbeddedPostgres postgres, Path postgresLog, RedisServer redis, int redisPort, GreenMail smtp) {}

    private DevStack(Servers servers, SigningKeys keys) throws IOException {
        this.postgresLog = servers.postgresLog();
        this.postgres = servers.postgres();
        this.redis = servers.redis();
        this.redisPort = servers.redisPort();
        this.smtp = servers.smtp();
        this.keys = keys;
        this.simSwap = SimSwapStandIn.create();
    }

    public static DevStack start() throws IOException, GeneralSecurityException {
        LOG.info("dev mode: starting embedded Postgres, Redis and SMTP sink");
        // initdb's and the server's own output (some 40 lines) goes to a file; the console keeps Kordon's.
        // The library's own narration at info is quieted by log.levels (io.zonky.test.db.postgres=warn).
        Path pgLog = Files.createTempFile("kordon-dev-postgres-", ".log");
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(pgLog.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(pgLog.toFile()))
                .start();
        int redisPort = freePort();
        RedisServer redis = RedisServer.newRedisServer()
                .port(redisPort)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        redis.start();
        GreenMail smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        LOG.info("dev mode: Postgres on 127.0.0.1:" + pg.getPort() + " (its own log in " + pgLog
                + "), Redis on 127.0.0.1:" + redisPort + ", SMTP sink on 127.0.0.1:"
                + smtp.getSmtp().getPort());
        SigningKeys keys = SigningKeys.generate("dev-" + System.currentTimeMillis());
        LOG.info("dev mode: generated an ephemeral ES256 signing key (kid "
                + keys.signer().kid() + "); tokens die with this process");
        return new DevStack(new Servers(pg, pgLog, redis, redisPort, smtp), keys);
    }

    /** Points the configuration at the embedded servers and relaxes what only HTTPS needs. */
    @Override
    public ConfigTree apply(ConfigTree tree) {
        extraAccounts = tree.integer("dev-accounts", 0, 100_000);
        ConfigTree t = tree.with(
                        "pg.url", "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres")
                .with("redis.mode", "standalone")
                .with("redis.url", List.of("redis://127.0.0.1:" + redisPort))
                .with("smtp.host", "127.0.0.1")
                .with("smtp.port", smtp.getSmtp().getPort())
                .with("smtp.starttls", "disabled")
                .with("smtp.user", "")
                .with("smtp.password", "")
                .with("sms.provider", "log")
                .with("cookie.secure", false);
        if (t.string("portal.url").equals("https://my.example.by/") && t.integer("http.port", 0, 65535) != 0) {
            // No operator portal locally: «В меню» and the mail's link lead to a stand-in page.
            t = t.with("portal.url", "http://localhost:" + t.integer("http.port", 0, 65535) + "/dev/portal");
        }
        if (t.string("admin.token").isEmpty()) {
            t = t.with("admin.token", ADMIN_TOKEN);
        }
        return simSwap.apply(t);
    }

    @Override
    public SigningKeys signingKeys() {
        return keys;
    }

    /**
     * One account with a password, one new account without (its first password comes by recovery),
     * in the first category that signs in by phone, on the first and second operator codes.
     */
    @Override
    public Future<Void> seed(
            KordonConfig config, Subscribers subscribers, BrowserSessions sessions, Credentials credentials) {
        this.sessions = sessions;
        List<String> phoneCategories = config.phoneCategories();
        if (phoneCategories.isEmpty()) {
            LOG.info("dev mode: no category signs in by phone, so there are no demo accounts");
            return Future.succeededFuture();
        }
        String category = phoneCategories.get(0);
        PhoneFormat phones = subscribers.logins().phones();
        List<String> codes = phones.operatorCodes();
        String loadCode = codes.get(codes.size() - 1);
        demoCategory = category;
        demoPhone = phones.canonical(codes.get(0) + subscriber(phones, DEMO_SUBSCRIBER));
        newPhone = phones.canonical(codes.get(1 % codes.size()) + subscriber(phones, DEMO_SUBSCRIBER));
        return subscribers
                .accounts()
                .upsert(category, demoPhone, TARIFF, "demo@example.by", "subscriber", "active")
                .compose(up -> credentials
                        .hash(DEMO_PASSWORD)
                        .compose(hash ->
                                subscribers.accounts().setHash(up.account().id(), hash)))
                .compose(v -> subscribers
                        .accounts()
                        .upsert(category, newPhone, TARIFF, "new@example.by", "subscriber", "active"))
                .compose(v -> extraAccounts == 0
                        ? Future.succeededFuture()
                        : credentials.hash(DEMO_PASSWORD).compose(hash -> {
                            // One hash for all of them: same password, and seeding stays quick.
                            Future<Void> chain = Future.succeededFuture();
                            for (int i = 0; i < extraAccounts; i++) {
                                String phone = phones.canonical(loadCode + subscriber(phones, i));
                                chain = chain.compose(x -> subscribers
                                                .accounts()
                                                .upsert(
                                                        category,
                                                        phone,
                                                        TARIFF,
                                                        "load@example.by",
                                                        "subscriber",
                                                        "active"))
                                        .compose(up -> subscribers
                                                .accounts()
                                                .setHash(up.account().id(), hash));
                            }
                            return chain.onSuccess(x -> LOG.info("dev mode: " + extraAccounts + " more accounts from "
                                    + phones.canonical(loadCode + subscriber(phones, 0))));
                        }))
                .mapEmpty();
    }

    /** The demo account with a password, once {@link #seed} has made it. */
    public String demoPhone() {
        return demoPhone;
    }

    /** The demo account without a password, once {@link #seed} has made it. */
    public String newPhone() {
        return newPhone;
    }

    /** {@code n} as subscriber digits: zero-padded to the number format's length. */
    private static String subscriber(PhoneFormat phones, long n) {
        int width = phones.subscriberDigits();
        return String.format("%0" + width + "d", n % (long) Math.pow(10, width));
    }

    /** The log provider hands dev mode each SMS it "sent", text included, for /dev/outbox only. */
    @Override
    public void recordSms(JsonObject message) {
        sms.add(message.copy());
    }

    @Override
    public void routes(Router router) {
        simSwap.routes(router);
        // A stand-in for the operator's portal: shows who the browser session belongs to.
        router.get("/dev/portal").handler(ctx -> {
            var cookie = ctx.request().getCookie("kordon-session");
            Future<JsonObject> who = cookie == null || sessions == null
                    ? Future.failedFuture("none")
                    : sessions.lookup(cookie.getValue());
            who.onComplete(ar -> {
                String body = ar.succeeded()
                        ? "<p>Вы вошли как <b>" + escape(ar.result().getString("login")) + "</b> ("
                                + escape(ar.result().getString("role"))
                                + "). Так портал оператора узнаёт пользователя через <code>/auth/verify</code>.</p>"
                                + "<form method=\"get\" action=\"/password/change\"><button class=\"button ghost\">Изменить пароль</button></form>"
                        : "<p>Вход не выполнен.</p>";
                ctx.response()
                        .putHeader("Content-Type", "text/html; charset=utf-8")
                        .end("<!DOCTYPE html><html lang=\"ru\"><head>"
                                + "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                                + "<title>Личный кабинет (dev)</title><link rel=\"stylesheet\" href=\"/static/kordon.css\"></head><body>"
                                + "<main class=\"card\"><h1>Личный кабинет</h1><p class=\"note\">Dev mode: здесь был бы портал оператора.</p>"
                                + body + "<p><a href=\"/login\">/login</a></p></main></body></html>");
            });
        });
        router.get("/dev/outbox").handler(ctx -> {
            JsonArray mails = new JsonArray();
            for (MimeMessage m : smtp.getReceivedMessages()) {
                try {
                    JsonArray to = new JsonArray();
                    for (Address a : m.getAllRecipients()) {
                        to.add(a.toString());
                    }
                    mails.add(new JsonObject()
                            .put("from", m.getFrom() == null ? null : m.getFrom()[0].toString())
                            .put("to", to)
                            .put("subject", m.getSubject())
                            .put(
                                    "received_at",
                                    m.getReceivedDate() == null
                                            ? null
                                            : m.getReceivedDate().toInstant().toString())
                            .put("text", part(m.getContent(), "text/plain"))
                            .put("html", part(m.getContent(), "text/html")));
                } catch (Exception e) {
                    mails.add(new JsonObject().put("error", "unreadable message"));
                }
            }
            ctx.response()
                    .putHeader("Content-Type", "application/json; charset=utf-8")
                    .putHeader("Cache-Control", "no-store")
                    .end(new JsonObject()
                            .put("mail", mails)
                            .put("sms", new JsonArray(List.copyOf(sms)))
                            .encodePrettily());
        });
    }

    /** The decoded text of the first part of a type, from a message read back by the sink. */
    public static String part(Object content, String type) throws Exception {
        if (content instanceof String text) {
            return "text/plain".equals(type) ? text : null;
        }
        if (content instanceof jakarta.mail.Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                jakarta.mail.BodyPart p = multipart.getBodyPart(i);
                if (p.isMimeType(type)) {
                    return String.valueOf(p.getContent());
                }
                String nested = part(p.getContent(), type);
                if (nested != null) {
                    return nested;
                }
            }
        }
        return null;
    }

    @Override
    public void printBanner(int httpPort, int adminPort) {
        String base = "http://localhost:" + httpPort;
        simSwap.ports(httpPort, adminPort);
        // The demo password is printed on purpose: it is the dev stack's, known from the README.
        LOG.info(String.join(
                System.lineSeparator(),
                "",
                "  Kordon is running in DEV MODE (embedded Postgres, Redis, SMTP sink; not for production)",
                "    Sign in:     " + base + "/login",
                "    API:         " + base + "/api/v1/login/password",
                "    JWKS:        " + base + "/.well-known/jwks.json",
                "    Outbox:      " + base + "/dev/outbox",
                "    SIM swap:    POST " + base + "/dev/sim-swap {\"phoneNumber\":\"…\"}   (the network's event)",
                "    Admin API:   http://localhost:" + adminPort + "/admin/v1/accounts/{category}/{login}"
                        + "   (Authorization: Bearer " + ADMIN_TOKEN + ")",
                "    Console:     http://localhost:" + adminPort + "/console/   (sign in with the admin token above)",
                demoPhone == null
                        ? "  No demo logins: no category signs in by phone."
                        : String.join(
                                System.lineSeparator(),
                                "  Demo logins (category " + demoCategory + ", tariff " + TARIFF + "):",
                                "    " + demoPhone + "  password " + DEMO_PASSWORD,
                                "    " + newPhone
                                        + "  new account, no password yet (first password via «Забыли пароль?»)"),
                ""));
    }

    /** Where initdb and the embedded Postgres server write their output. */
    public Path postgresLog() {
        return postgresLog;
    }

    @Override
    public void stop() {
        simSwap.stop();
        try {
            smtp.stop();
        } catch (RuntimeException ignored) {
            // best effort on the way out
        }
        try {
            redis.stop();
        } catch (IOException | RuntimeException ignored) {
            // best effort on the way out
        }
        try {
            postgres.close();
        } catch (IOException ignored) {
            // best effort on the way out
        }
    }

    private static String escape(String s) {
        // FreeMarker's, as the pages' templates escape: & < > " and '.
        return s == null ? "" : freemarker.template.utility.StringUtil.XHTMLEnc(s);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
