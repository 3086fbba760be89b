package dev.kordon.config;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.kordon.config.KordonConfig.Admin;
import dev.kordon.config.KordonConfig.Dispatch;
import dev.kordon.config.KordonConfig.Hash;
import dev.kordon.config.KordonConfig.Http;
import dev.kordon.config.KordonConfig.Jwt;
import dev.kordon.config.KordonConfig.Limits;
import dev.kordon.config.KordonConfig.Log;
import dev.kordon.config.KordonConfig.LoginKind;
import dev.kordon.config.KordonConfig.Mfa;
import dev.kordon.config.KordonConfig.Pg;
import dev.kordon.config.KordonConfig.Phone;
import dev.kordon.config.KordonConfig.Redis;
import dev.kordon.config.KordonConfig.RedisMode;
import dev.kordon.config.KordonConfig.SimSwapEvents;
import dev.kordon.config.KordonConfig.Smpp;
import dev.kordon.config.KordonConfig.SmsCode;
import dev.kordon.config.KordonConfig.Smtp;
import dev.kordon.config.KordonConfig.StartTls;
import dev.kordon.config.KordonConfig.TempPassword;
import dev.kordon.config.KordonConfig.Tokens;
import dev.kordon.config.KordonConfig.Web;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link KordonConfig} from a {@link ConfigTree}: each key typed, each value and each rule
 * between keys checked, the first fault thrown as a {@link ConfigException}. {@link KordonConfig}
 * says what the settings are; this says what values they may take.
 */
final class ConfigReader {
    private static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    private ConfigReader() {}

    static KordonConfig read(ConfigTree c) {
        boolean dev = c.bool("dev");
        String httpHost = c.string("http.host");
        Http http = new Http(
                // Unset, dev mode stays on this machine: /dev/outbox and the dev admin token are no one else's.
                httpHost.isEmpty() ? (dev ? "127.0.0.1" : "0.0.0.0") : httpHost,
                c.integer("http.port", 0, 65535),
                c.integer("http.instances", 0, 256),
                c.integer("http.body-limit", 1024, 1 << 20),
                c.duration("http.drain-delay"),
                c.duration("http.shutdown-grace"),
                c.list("http.trusted-proxies"),
                c.positiveDuration("http.idle-timeout"),
                c.positiveDuration("http.header-timeout"),
                c.bool("http.h2c"),
                c.integer("http.ipv6-prefix", 32, 128));
        String adminToken = c.string("admin.token");
        if (!dev && adminToken.length() < 24) {
            throw c.error("admin.token", "a secret of at least 24 characters (dev mode excepted)");
        }
        Admin admin = new Admin(
                c.nonEmpty("admin.host"),
                c.integer("admin.port", 0, 65535),
                adminToken,
                c.integer("admin.import-limit", 1024, 1 << 30),
                c.integer("admin.import-rows", 1, 10_000_000),
                c.positiveDuration("admin.console-session-ttl"),
                c.integer("admin.console-failures", 1, 1000),
                c.positiveDuration("admin.console-failure-window"));
        String pgUrl = c.nonEmpty("pg.url");
        if (!pgUrl.startsWith("postgresql://") && !pgUrl.startsWith("postgres://")) {
            throw c.error("pg.url", "postgresql://user:pass@host:port/db");
        }
        Pg pg = new Pg(
                pgUrl,
                c.integer("pg.pool-size", 1, 1000),
                c.integer("pg.wait-queue", 0, 100_000),
                c.positiveDuration("pg.connect-timeout"),
                c.positiveDuration("pg.query-timeout"));
        List<String> redisUrls = c.list("redis.url");
        if (redisUrls.isEmpty()
                || redisUrls.stream().anyMatch(u -> !u.startsWith("redis://") && !u.startsWith("rediss://"))) {
            throw c.error("redis.url", "redis://host:port (comma-separated for cluster and sentinel)");
        }
        Redis redis = new Redis(
                c.choice("redis.mode", RedisMode.class),
                redisUrls,
                c.string("redis.master-name"),
                c.integer("redis.pool-size", 1, 1000),
                c.integer("redis.wait-queue", 1, 100_000),
                c.nonEmpty("redis.key-prefix"),
                c.positiveDuration("redis.command-timeout"));
        Smtp smtp = new Smtp(
                c.string("smtp.host"),
                c.integer("smtp.port", 1, 65535),
                c.string("smtp.user"),
                c.string("smtp.password"),
                c.choice("smtp.starttls", StartTls.class));
        String smsProvider = c.string("sms.provider");
        if (!List.of("log", "http", "smpp").contains(smsProvider)) {
            throw c.error("sms.provider", "one of [log, http, smpp]");
        }
        String keysDir = c.string("jwt.keys-dir");
        if (!dev && keysDir.isEmpty()) {
            throw c.error("jwt.keys-dir", "a directory of PEM signing keys (dev mode generates one)");
        }
        Jwt jwt = new Jwt(
                c.nonEmpty("jwt.issuer"),
                c.nonEmpty("jwt.audience"),
                keysDir.isEmpty() ? null : Path.of(keysDir),
                c.duration("jwt.leeway"));
        if (jwt.leeway().toSeconds() > 60) {
            throw c.error("jwt.leeway", "at most 60s");
        }
        Hash hash = new Hash(
                c.integer("hash.memory-kib", Hash.MIN_MEMORY_KIB, Hash.MAX_MEMORY_KIB),
                c.integer("hash.iterations", 1, Hash.MAX_ITERATIONS),
                c.integer("hash.parallelism", 1, Hash.MAX_PARALLELISM),
                c.integer("hash.workers", 0, 1024),
                c.integer("hash.queue", 0, 100_000),
                c.positiveDuration("hash.max-wait"),
                c.integer("hash.shed-rate", 0, 1_000_000),
                c.positiveDuration("hash.retry-after"));
        Tokens tokens = new Tokens(
                c.positiveDuration("tokens.access-ttl"),
                c.positiveDuration("tokens.refresh-idle"),
                c.positiveDuration("tokens.refresh-absolute"),
                c.positiveDuration("tokens.change-ttl"),
                c.integer("tokens.verify-cache", 0, 10_000_000));
        if (tokens.refreshIdle().compareTo(tokens.refreshAbsolute()) > 0) {
            throw c.error("tokens.refresh-idle", "no longer than tokens.refresh-absolute");
        }
        List<String> codes = c.list("phone.operator-codes");
        if (codes.isEmpty() || codes.stream().anyMatch(s -> !s.matches("\\d{2}"))) {
            throw c.error("phone.operator-codes", "a list of two-digit operator codes");
        }
        Phone phone = new Phone(c.integer("phone.country-code", 1, 999), c.nonEmpty("phone.region"), codes);
        PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
        if (phones.getCountryCodeForRegion(phone.region()) != phone.countryCode()
                || phones.getExampleNumberForType(phone.region(), PhoneNumberUtil.PhoneNumberType.MOBILE) == null) {
            throw c.error("phone.region", "the two-letter region of phone.country-code, as libphonenumber names it");
        }
        int min = c.integer("account-number.min-digits", 1, 64);
        int max = c.integer("account-number.max-digits", min, 64);
        Map<String, LoginKind> categories = new LinkedHashMap<>();
        for (String name : c.children("categories")) {
            if (!name.matches("[a-z][a-z0-9-]{0,31}")) {
                throw c.error("categories." + name, "a category name of lower-case letters, digits and dashes");
            }
            categories.put(name, c.choice("categories." + name + ".login", LoginKind.class));
        }
        if (categories.isEmpty()) {
            throw c.error("categories", "at least one category");
        }
        List<String> tariffs = new ArrayList<>(c.list("accounts.tariffs"));
        List<byte[]> secrets = SecretKeysReader.read(c, dev);
        SmsCode smsCode = new SmsCode(
                c.positiveDuration("sms-code.ttl"),
                c.integer("sms-code.max-tries", 1, 10),
                c.duration("sms-code.resend-after"),
                c.integer("sms-code.per-hour", 1, 1000));
        TempPassword temp =
                new TempPassword(c.positiveDuration("temp-password.ttl"), c.integer("temp-password.length", 8, 64));
        Dispatch dispatch = new Dispatch(
                c.positiveDuration("dispatch.retry-base"),
                c.positiveDuration("dispatch.retry-max"),
                c.positiveDuration("dispatch.give-up-after"),
                c.positiveDuration("dispatch.claim-after"),
                c.positiveDuration("dispatch.poll"),
                c.positiveDuration("dispatch.send-timeout"),
                c.integer("dispatch.replica-acks", 0, 16),
                c.positiveDuration("dispatch.replica-wait"));
        if (dispatch.sendTimeout().compareTo(dispatch.claimAfter()) >= 0) {
            throw c.error("dispatch.send-timeout", "shorter than dispatch.claim-after, or a slow send is made twice");
        }
        if (dev && dispatch.replicaAcks() > 0) {
            throw c.error(
                    "dispatch.replica-acks", "0 in dev mode: its Redis has no replica, every message would be refused");
        }
        if ("http".equals(smsProvider) && !c.string("sms.http.url").matches("https?://.+")) {
            throw c.error("sms.http.url", "an http(s) URL when sms.provider is http");
        }
        return new KordonConfig(
                dev,
                http,
                admin,
                pg,
                redis,
                smtp,
                c.string("mail.from"),
                smsProvider,
                c.string("sms.http.url"),
                c.nonEmpty("portal.url"),
                c.bool("cookie.secure"),
                jwt,
                hash,
                tokens,
                List.copyOf(tariffs),
                phone,
                min,
                max,
                java.util.Collections.unmodifiableMap(categories),
                secrets,
                smsCode,
                temp,
                dispatch,
                web(c),
                limits(c),
                smpp(c, smsProvider),
                log(c),
                ProxyRoutesReader.proxy(c),
                mfa(c),
                c.entries("oidc.clients"),
                SimSwapReader.read(c),
                simSwapEvents(c));
    }

    /** The event endpoint's secret is read once, here, at start; the error names the file, never its content. */
    private static SimSwapEvents simSwapEvents(ConfigTree c) {
        String file = c.string("sim-swap.events.secret-file");
        if (file.isEmpty()) {
            return new SimSwapEvents(new byte[0]);
        }
        String secret;
        try {
            secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw c.error("sim-swap.events.secret-file", "a readable file holding the events' bearer secret");
        }
        if (secret.length() < 24) {
            throw c.error("sim-swap.events.secret-file", "a file holding a secret of at least 24 characters");
        }
        return new SimSwapEvents(secret.getBytes(StandardCharsets.UTF_8));
    }

    private static Mfa mfa(ConfigTree c) {
        List<String> roles = c.list("mfa.required-roles");
        for (String role : roles) {
            if (!List.of("subscriber", "administrator", "supervisor").contains(role)) {
                throw c.error("mfa.required-roles", "roles of subscriber, administrator, supervisor");
            }
        }
        return new Mfa(
                List.copyOf(roles),
                c.positiveDuration("mfa.step-ttl"),
                c.integer("mfa.step-tries", 1, 10),
                c.nonEmpty("mfa.issuer-name"));
    }

    static Log log(ConfigTree c) {
        String root = c.string("log.level").toLowerCase(java.util.Locale.ROOT);
        if (!LOG_LEVELS.contains(root)) {
            throw c.error("log.level", "one of " + LOG_LEVELS);
        }
        Map<String, String> levels = new LinkedHashMap<>();
        for (String entry : c.list("log.levels")) {
            String[] parts = entry.split("=", 2);
            String level = parts.length == 2 ? parts[1].trim().toLowerCase(java.util.Locale.ROOT) : "";
            if (parts[0].isBlank() || !LOG_LEVELS.contains(level)) {
                throw c.error(
                        "log.levels", "logger=level entries such as io.netty=warn, the level one of " + LOG_LEVELS);
            }
            levels.put(parts[0].trim(), level);
        }
        return new Log(root, java.util.Collections.unmodifiableMap(levels), c.bool("log.access"));
    }

    private static Smpp smpp(ConfigTree c, String provider) {
        Smpp smpp = new Smpp(
                c.string("sms.smpp.host"),
                c.integer("sms.smpp.port", 1, 65535),
                c.string("sms.smpp.system-id"),
                c.string("sms.smpp.password"),
                c.nonEmpty("sms.smpp.source-addr"));
        if ("smpp".equals(provider) && (smpp.host().isEmpty() || smpp.systemId().isEmpty())) {
            throw c.error("sms.smpp.host", "the SMSC's host and sms.smpp.system-id when sms.provider is smpp");
        }
        return smpp;
    }

    private static Limits limits(ConfigTree c) {
        return new Limits(
                c.integer("login.delay-after", 1, 100),
                c.positiveDuration("login.delay-base"),
                c.positiveDuration("login.delay-max"),
                // The seed's operator wants a lock, but never later than the hundredth failure.
                c.integer("login.lock-after", 1, 100),
                c.positiveDuration("login.lock-for"),
                c.integer("login.per-ip", 1, 1_000_000),
                c.positiveDuration("login.ip-window"),
                c.integer("login.per-account-ip", 1, 1_000_000),
                c.positiveDuration("login.account-ip-window"),
                c.integer("sms-code.per-day", 1, 10_000),
                c.integer("sms-code.max-failures", 1, 10_000),
                c.integer("recovery.per-hour", 1, 10_000),
                c.integer("recovery.per-day", 1, 10_000),
                c.integer("sending.per-ip-hour", 1, 1_000_000),
                c.integer("sending.sms-per-minute", 1, 10_000_000));
    }

    private static Web web(ConfigTree c) {
        List<String> origins = c.list("web.return-origins");
        for (String o : origins) {
            if (!o.matches("https?://[^/?#]+")) {
                throw c.error(
                        "web.return-origins", "origins such as https://portal.example.by (scheme and host, no path)");
            }
        }
        return new Web(c.positiveDuration("cookie.session-ttl"), origins);
    }
}
