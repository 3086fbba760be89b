package dev.kordon.config;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything Kordon reads from conf/kordon.yaml and KORDON_* variables, typed and checked. */
public record KordonConfig(
    boolean dev,
    Http http,
    Admin admin,
    Pg pg,
    Redis redis,
    Smtp smtp,
    String mailFrom,
    String smsProvider,
    String smsHttpUrl,
    String portalUrl,
    boolean cookieSecure,
    Jwt jwt,
    Hash hash,
    Tokens tokens,
    List<String> tariffs,
    Phone phone,
    int accountNumberMin,
    int accountNumberMax,
    Map<String, LoginKind> categories,
    byte[] secretKey,
    SmsCode smsCode,
    TempPassword tempPassword,
    Dispatch dispatch,
    Web web,
    Limits limits,
    Smpp smpp,
    Log log,
    Proxy proxy) {

  public enum LoginKind { PHONE, ACCOUNT_NUMBER }

  public enum RedisMode { STANDALONE, CLUSTER, SENTINEL }

  public enum StartTls { REQUIRED, OPTIONAL, DISABLED }

  /**
   * {@code drainDelay}: after SIGTERM, how long readiness answers 503 while the port still serves,
   * so load balancers stop sending before the listener closes; {@code shutdownGrace}: then how long
   * in-flight requests may take. {@code ipv6Prefix}: the block length by which an IPv6 client is
   * counted in per-IP throttles.
   */
  public record Http(String host, int port, int instances, int bodyLimit, Duration drainDelay, Duration shutdownGrace,
      List<String> trustedProxies, Duration idleTimeout, Duration headerTimeout, boolean h2c, int ipv6Prefix) {}

  /**
   * The admin port. {@code importLimit}: bytes one CSV import may send (read as they arrive, never
   * held whole); {@code importRows}: rows after its header. Past either the import stops with what it
   * saved. {@code consoleSessionTtl}: how long an operator console sign-in lasts;
   * {@code consoleFailures} wrong admin tokens per client per {@code consoleFailureWindow} before the
   * console's sign-in answers 429.
   */
  public record Admin(String host, int port, String token, int importLimit, int importRows, Duration consoleSessionTtl,
      int consoleFailures, Duration consoleFailureWindow) {}

  public record Pg(String url, int poolSize, int waitQueue, Duration connectTimeout) {}

  /** {@code commandTimeout}: the deadline of every Redis command; past it the request answers 503. */
  public record Redis(RedisMode mode, List<String> urls, String masterName, int poolSize, int waitQueue, String keyPrefix,
      Duration commandTimeout) {}

  public record Smtp(String host, int port, String user, String password, StartTls startTls) {}

  public record Jwt(String issuer, String audience, Path keysDir, Duration leeway) {}

  public record Hash(int memoryKib, int iterations, int parallelism, int workers, int queue, Duration maxWait,
      int shedRate, Duration retryAfter) {
    /** OWASP's smallest Argon2id line is m=7 MiB (with t=5); nothing weaker is accepted. */
    public static final int MIN_MEMORY_KIB = 7168;
    /** The most each parameter may be; hash-timing holds what it times to the same bounds. */
    public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    public static final int MAX_ITERATIONS = 100;
    public static final int MAX_PARALLELISM = 64;
  }

  /** {@code verifyCache}: how many verified access tokens, and how many browser sessions, one instance keeps; 0 = none. */
  public record Tokens(Duration accessTtl, Duration refreshIdle, Duration refreshAbsolute, Duration changeTtl,
      int verifyCache) {}

  /** Every throttle and cap, in one place (conf/kordon.yaml sections login, recovery, sending, sms-code). */
  public record Limits(
      int loginDelayAfter, Duration loginDelayBase, Duration loginDelayMax, int loginLockAfter, Duration loginLockFor,
      int loginPerIp, Duration loginIpWindow, int loginPerAccountIp, Duration loginAccountIpWindow,
      int smsPerDay, int smsMaxFailures, int recoveryPerHour, int recoveryPerDay, int sendPerIpHour, int smsPerMinute) {}

  public record Smpp(String host, int port, String systemId, String password, String sourceAddr) {}

  public record Web(Duration sessionTtl, List<String> returnOrigins) {}

  public record SmsCode(Duration ttl, int maxTries, Duration resendAfter, int perHour) {}

  public record TempPassword(Duration ttl, int length) {}

  public record Dispatch(Duration retryBase, Duration retryMax, Duration giveUpAfter, Duration claimAfter,
      Duration poll, Duration sendTimeout) {}

  public record Phone(int countryCode, String region, List<String> operatorCodes) {}

  /**
   * Log levels: {@code level} for every logger, {@code levels} for single loggers (each name covers
   * the loggers below it), as trace, debug, info, warn, error or off. Read before anything else
   * starts, dev mode's servers included. {@code access}: one line per request (the access log).
   */
  public record Log(String level, Map<String, String> levels, boolean access) {
    private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    public static Log from(ConfigTree c) {
      String root = c.string("log.level").toLowerCase(java.util.Locale.ROOT);
      if (!LEVELS.contains(root)) {
        throw c.error("log.level", "one of " + LEVELS);
      }
      Map<String, String> levels = new LinkedHashMap<>();
      for (String entry : c.list("log.levels")) {
        String[] parts = entry.split("=", 2);
        String level = parts.length == 2 ? parts[1].trim().toLowerCase(java.util.Locale.ROOT) : "";
        if (parts[0].isBlank() || !LEVELS.contains(level)) {
          throw c.error("log.levels", "logger=level entries such as io.netty=warn, the level one of " + LEVELS);
        }
        levels.put(parts[0].trim(), level);
      }
      return new Log(root, java.util.Collections.unmodifiableMap(levels), c.bool("log.access"));
    }
  }

  /**
   * The portal routes Kordon serves itself, to signed-in users only: each path prefix goes to one
   * upstream origin, the path unchanged. {@code timeout}: the longest the upstream may stay silent
   * (before its answer's headers, and between two pieces of its body), past it 504;
   * {@code connectTimeout}: the longest wait for a connection to it.
   */
  public record Proxy(List<Route> routes, Duration timeout, Duration connectTimeout) {
    /**
     * Kordon's own paths: a prefix that starts with one of them, or lies above one, is refused, so a
     * route can never shadow the pages, the API, the checks or the assets.
     */
    public static final List<String> RESERVED = List.of("/login", "/register", "/logout", "/password", "/static",
        "/api", "/auth", "/health", "/metrics", "/admin", "/dev", "/.well-known", "/openapi.yaml");
    private static final java.util.regex.Pattern PREFIX = java.util.regex.Pattern.compile("(/[A-Za-z0-9._~-]+)+");
    private static final String EXPECTED = "prefix=URL entries such as /portal=http://portal:3000: the prefix a path of "
        + "its own (not /, not starting with any of " + RESERVED + ", not above one), the URL an http(s) origin without "
        + "path, query or credentials";

    /** {@code host} and {@code port} of the upstream; {@code ssl} for https. */
    public record Route(String prefix, String scheme, String host, int port) {
      public boolean ssl() {
        return "https".equals(scheme);
      }

      public String origin() {
        return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
      }
    }

    static Proxy from(ConfigTree c) {
      List<Route> routes = new ArrayList<>();
      for (String entry : c.list("proxy.routes")) {
        String[] parts = entry.split("=", 2);
        String prefix = parts[0].trim();
        while (prefix.length() > 1 && prefix.endsWith("/")) {
          prefix = prefix.substring(0, prefix.length() - 1);
        }
        Route route = parts.length == 2 && allowedPrefix(prefix) ? route(prefix, parts[1].trim()) : null;
        String p = prefix;
        if (route == null || routes.stream().anyMatch(r -> r.prefix().equals(p))) {
          throw c.error("proxy.routes", EXPECTED + ", each prefix once");
        }
        routes.add(route);
      }
      // The longest prefix first: /portal/admin is asked before /portal.
      routes.sort(java.util.Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
      return new Proxy(List.copyOf(routes), c.positiveDuration("proxy.timeout"),
          c.positiveDuration("proxy.connect-timeout"));
    }

    static boolean allowedPrefix(String prefix) {
      if (!PREFIX.matcher(prefix).matches() || prefix.contains("/./") || prefix.contains("/../")
          || prefix.endsWith("/.") || prefix.endsWith("/..")) {
        return false;
      }
      for (String own : RESERVED) {
        // Matched as text: Kordon routes /login* too, so /loginfo would reach its form handling first.
        if (prefix.startsWith(own) || own.startsWith(prefix + "/")) {
          return false;
        }
      }
      return true;
    }

    private static Route route(String prefix, String url) {
      try {
        java.net.URI u = new java.net.URI(url);
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || u.getRawUserInfo() != null
            || u.getRawQuery() != null || u.getRawFragment() != null || !(path.isEmpty() || path.equals("/"))) {
          return null;
        }
        String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
        int port = u.getPort() != -1 ? u.getPort() : scheme.equals("https") ? 443 : 80;
        return port > 65535 ? null : new Route(prefix, scheme, host, port);
      } catch (java.net.URISyntaxException e) {
        return null;
      }
    }
  }

  public static KordonConfig from(ConfigTree c) {
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
    Admin admin = new Admin(c.nonEmpty("admin.host"), c.integer("admin.port", 0, 65535), adminToken,
        c.integer("admin.import-limit", 1024, 1 << 30), c.integer("admin.import-rows", 1, 10_000_000),
        c.positiveDuration("admin.console-session-ttl"), c.integer("admin.console-failures", 1, 1000),
        c.positiveDuration("admin.console-failure-window"));
    String pgUrl = c.nonEmpty("pg.url");
    if (!pgUrl.startsWith("postgresql://") && !pgUrl.startsWith("postgres://")) {
      throw c.error("pg.url", "postgresql://user:pass@host:port/db");
    }
    Pg pg = new Pg(pgUrl, c.integer("pg.pool-size", 1, 1000), c.integer("pg.wait-queue", 0, 100_000),
        c.positiveDuration("pg.connect-timeout"));
    List<String> redisUrls = c.list("redis.url");
    if (redisUrls.isEmpty() || redisUrls.stream().anyMatch(u -> !u.startsWith("redis://") && !u.startsWith("rediss://"))) {
      throw c.error("redis.url", "redis://host:port (comma-separated for cluster and sentinel)");
    }
    Redis redis = new Redis(c.choice("redis.mode", RedisMode.class), redisUrls, c.string("redis.master-name"),
        c.integer("redis.pool-size", 1, 1000), c.integer("redis.wait-queue", 1, 100_000), c.nonEmpty("redis.key-prefix"),
        c.positiveDuration("redis.command-timeout"));
    Smtp smtp = new Smtp(c.string("smtp.host"), c.integer("smtp.port", 1, 65535), c.string("smtp.user"),
        c.string("smtp.password"), c.choice("smtp.starttls", StartTls.class));
    String smsProvider = c.string("sms.provider");
    if (!List.of("log", "http", "smpp").contains(smsProvider)) {
      throw c.error("sms.provider", "one of [log, http, smpp]");
    }
    String keysDir = c.string("jwt.keys-dir");
    if (!dev && keysDir.isEmpty()) {
      throw c.error("jwt.keys-dir", "a directory of PEM signing keys (dev mode generates one)");
    }
    Jwt jwt = new Jwt(c.nonEmpty("jwt.issuer"), c.nonEmpty("jwt.audience"),
        keysDir.isEmpty() ? null : Path.of(keysDir), c.duration("jwt.leeway"));
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
    Tokens tokens = new Tokens(c.positiveDuration("tokens.access-ttl"), c.positiveDuration("tokens.refresh-idle"),
        c.positiveDuration("tokens.refresh-absolute"), c.positiveDuration("tokens.change-ttl"),
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
    byte[] secret = secretKey(c, dev);
    SmsCode smsCode = new SmsCode(c.positiveDuration("sms-code.ttl"), c.integer("sms-code.max-tries", 1, 10),
        c.duration("sms-code.resend-after"), c.integer("sms-code.per-hour", 1, 1000));
    TempPassword temp = new TempPassword(c.positiveDuration("temp-password.ttl"),
        c.integer("temp-password.length", 8, 64));
    Dispatch dispatch = new Dispatch(c.positiveDuration("dispatch.retry-base"), c.positiveDuration("dispatch.retry-max"),
        c.positiveDuration("dispatch.give-up-after"), c.positiveDuration("dispatch.claim-after"),
        c.positiveDuration("dispatch.poll"), c.positiveDuration("dispatch.send-timeout"));
    if (dispatch.sendTimeout().compareTo(dispatch.claimAfter()) >= 0) {
      throw c.error("dispatch.send-timeout", "shorter than dispatch.claim-after, or a slow send is made twice");
    }
    if ("http".equals(smsProvider) && !c.string("sms.http.url").matches("https?://.+")) {
      throw c.error("sms.http.url", "an http(s) URL when sms.provider is http");
    }
    return new KordonConfig(dev, http, admin, pg, redis, smtp, c.string("mail.from"), smsProvider,
        c.string("sms.http.url"), c.nonEmpty("portal.url"), c.bool("cookie.secure"), jwt, hash, tokens,
        List.copyOf(tariffs), phone, min, max, java.util.Collections.unmodifiableMap(categories), secret, smsCode,
        temp, dispatch, web(c), limits(c), smpp(c, smsProvider), Log.from(c), Proxy.from(c));
  }

  private static Smpp smpp(ConfigTree c, String provider) {
    Smpp smpp = new Smpp(c.string("sms.smpp.host"), c.integer("sms.smpp.port", 1, 65535), c.string("sms.smpp.system-id"),
        c.string("sms.smpp.password"), c.nonEmpty("sms.smpp.source-addr"));
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
        throw c.error("web.return-origins", "origins such as https://portal.example.by (scheme and host, no path)");
      }
    }
    return new Web(c.positiveDuration("cookie.session-ttl"), origins);
  }

  private static byte[] secretKey(ConfigTree c, boolean dev) {
    String raw = c.string("secrets.key");
    if (raw.isEmpty() && dev) {
      // Dev mode only: a key for this process; codes and queued mail die with it.
      byte[] key = new byte[32];
      new java.security.SecureRandom().nextBytes(key);
      return key;
    }
    try {
      byte[] key = java.util.Base64.getDecoder().decode(raw);
      if (key.length >= 32) {
        return key;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw c.error("secrets.key", "base64 of at least 32 random bytes (openssl rand -base64 32)");
  }

  /** The categories whose logins are phone numbers, in the configured order. */
  public List<String> phoneCategories() {
    return categories.entrySet().stream().filter(e -> e.getValue() == LoginKind.PHONE)
        .map(Map.Entry::getKey).toList();
  }

  /** HTTP verticle instances on the public port: http.instances, or one per event loop. */
  public int httpInstances() {
    return http.instances() > 0 ? http.instances() : io.vertx.core.VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
  }

  public int hashWorkers() {
    return hash.workers() > 0 ? hash.workers() : Runtime.getRuntime().availableProcessors();
  }

  /**
   * The most hash jobs that may wait whatever {@code hash.max-wait} allows; 0 (the default) leaves
   * admission to the time bound alone, which follows the measured hash time (docs/benchmarks.md).
   */
  public int hashQueue() {
    return hash.queue();
  }
}
