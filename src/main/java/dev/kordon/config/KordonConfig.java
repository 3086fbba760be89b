package dev.kordon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything Kordon reads from conf/kordon.yaml and KORDON_* variables, typed and checked.
 * {@code oidcClients}: the OpenID Connect clients of the configuration, each as written, in RFC 7591's
 * names; they are checked, and their secret files read, where they are stored at start.
 */
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
        List<byte[]> secretKeys,
        SmsCode smsCode,
        TempPassword tempPassword,
        Dispatch dispatch,
        Web web,
        Limits limits,
        Smpp smpp,
        Log log,
        Proxy proxy,
        Mfa mfa,
        List<Map<String, Object>> oidcClients,
        SimSwap simSwap,
        SimSwapEvents simSwapEvents) {

    public enum LoginKind {
        PHONE,
        ACCOUNT_NUMBER
    }

    public enum RedisMode {
        STANDALONE,
        CLUSTER,
        SENTINEL
    }

    public enum StartTls {
        REQUIRED,
        OPTIONAL,
        DISABLED
    }

    /**
     * {@code drainDelay}: after SIGTERM, how long readiness answers 503 while the port still serves,
     * so load balancers stop sending before the listener closes; {@code shutdownGrace}: then how long
     * in-flight requests may take. {@code ipv6Prefix}: the block length by which an IPv6 client is
     * counted in per-IP throttles.
     */
    public record Http(
            String host,
            int port,
            int instances,
            int bodyLimit,
            Duration drainDelay,
            Duration shutdownGrace,
            List<String> trustedProxies,
            Duration idleTimeout,
            Duration headerTimeout,
            boolean h2c,
            int ipv6Prefix) {}

    /**
     * The admin port. {@code importLimit}: bytes one CSV import may send (read as they arrive, never
     * held whole); {@code importRows}: rows after its header. Past either the import stops with what it
     * saved. {@code consoleSessionTtl}: how long an operator console sign-in lasts;
     * {@code consoleFailures} wrong admin tokens per client per {@code consoleFailureWindow} before the
     * console's sign-in answers 429.
     */
    public record Admin(
            String host,
            int port,
            String token,
            int importLimit,
            int importRows,
            Duration consoleSessionTtl,
            int consoleFailures,
            Duration consoleFailureWindow) {}

    /** {@code queryTimeout}: the longest any answer waits on Postgres; past it the request answers 503. */
    public record Pg(String url, int poolSize, int waitQueue, Duration connectTimeout, Duration queryTimeout) {}

    /** {@code commandTimeout}: the deadline of every Redis command; past it the request answers 503. */
    public record Redis(
            RedisMode mode,
            List<String> urls,
            String masterName,
            int poolSize,
            int waitQueue,
            String keyPrefix,
            Duration commandTimeout) {}

    public record Smtp(String host, int port, String user, String password, StartTls startTls) {}

    public record Jwt(String issuer, String audience, Path keysDir, Duration leeway) {}

    public record Hash(
            int memoryKib,
            int iterations,
            int parallelism,
            int workers,
            int queue,
            Duration maxWait,
            int shedRate,
            Duration retryAfter) {
        /** OWASP's smallest Argon2id line is m=7 MiB (with t=5); nothing weaker is accepted. */
        public static final int MIN_MEMORY_KIB = 7168;
        /** The most each parameter may be; hash-timing holds what it times to the same bounds. */
        public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;

        public static final int MAX_ITERATIONS = 100;
        public static final int MAX_PARALLELISM = 64;
    }

    /** {@code verifyCache}: how many verified access tokens, and how many browser sessions, one instance keeps; 0 = none. */
    public record Tokens(
            Duration accessTtl, Duration refreshIdle, Duration refreshAbsolute, Duration changeTtl, int verifyCache) {}

    /** Every throttle and cap, in one place (conf/kordon.yaml sections login, recovery, sending, sms-code). */
    public record Limits(
            int loginDelayAfter,
            Duration loginDelayBase,
            Duration loginDelayMax,
            int loginLockAfter,
            Duration loginLockFor,
            int loginPerIp,
            Duration loginIpWindow,
            int loginPerAccountIp,
            Duration loginAccountIpWindow,
            int smsPerDay,
            int smsMaxFailures,
            int recoveryPerHour,
            int recoveryPerDay,
            int sendPerIpHour,
            int smsPerMinute) {}

    public record Smpp(String host, int port, String systemId, String password, String sourceAddr) {}

    public record Web(Duration sessionTtl, List<String> returnOrigins) {}

    /**
     * The second step: the roles that must take it, how long and how many wrong codes one step
     * may take, and the name authenticator apps show.
     */
    public record Mfa(List<String> requiredRoles, Duration stepTtl, int stepTries, String issuerName) {}

    /**
     * The CAMARA SIM Swap check before every SMS code; {@code url} empty: no check. The client
     * authenticates with the secret in {@code clientSecretFile} or, with {@code privateKeyFile}, a
     * private_key_jwt assertion. {@code allowOnError}: what an unanswered check means.
     */
    public record SimSwap(
            String url,
            String tokenUrl,
            String clientId,
            Path clientSecretFile,
            Path privateKeyFile,
            Duration maxAge,
            Duration timeout,
            Duration cacheTtl,
            boolean allowOnError,
            int breakerFailures,
            Duration breakerReset,
            int connections) {
        public boolean on() {
            return !url.isEmpty();
        }
    }

    /**
     * The network's SIM swap events ({@code sim-swap.events.*}): {@code secret}, the bearer secret of
     * the event endpoint as read from its file, empty when the endpoint is off. How long a swap
     * refuses SMS sign-in is the check's {@link SimSwap#maxAge}.
     */
    public record SimSwapEvents(byte[] secret) {
        public boolean on() {
            return secret.length > 0;
        }
    }

    public record SmsCode(Duration ttl, int maxTries, Duration resendAfter, int perHour) {}

    public record TempPassword(Duration ttl, int length) {}

    public record Dispatch(
            Duration retryBase,
            Duration retryMax,
            Duration giveUpAfter,
            Duration claimAfter,
            Duration poll,
            Duration sendTimeout,
            int replicaAcks,
            Duration replicaWait) {}

    public record Phone(int countryCode, String region, List<String> operatorCodes) {}

    /**
     * Log levels: {@code level} for every logger, {@code levels} for single loggers (each name covers
     * the loggers below it), as trace, debug, info, warn, error or off. Read before anything else
     * starts, dev mode's servers included. {@code access}: one line per request (the access log).
     */
    public record Log(String level, Map<String, String> levels, boolean access) {
        public static Log from(ConfigTree c) {
            return ConfigReader.log(c);
        }
    }

    /**
     * The portal routes Kordon serves itself, to signed-in users only: each path prefix goes to one
     * upstream origin, the path unchanged. {@code timeout}: the longest the upstream may stay silent
     * (before its answer's headers, and between two pieces of its body), past it 504;
     * {@code connectTimeout}: the longest wait for a connection to it. {@code aal2Prefixes}
     * ({@code edge.aal2-prefixes}): paths, for {@code /auth/verify} and these routes alike, that only a
     * sign-in with a second step (aal2) may reach.
     */
    public record Proxy(List<Route> routes, Duration timeout, Duration connectTimeout, List<String> aal2Prefixes) {
        /**
         * Kordon's own paths: a prefix that starts with one of them, or lies above one, is refused, so a
         * route can never shadow the pages, the API, the checks or the assets.
         */
        public static final List<String> RESERVED = List.of(
                "/login",
                "/register",
                "/logout",
                "/password",
                "/static",
                "/api",
                "/auth",
                "/health",
                "/metrics",
                "/admin",
                "/dev",
                "/.well-known",
                "/openapi.yaml");

        /** {@code host} and {@code port} of the upstream; {@code ssl} for https. */
        public record Route(String prefix, String scheme, String host, int port) {
            public boolean ssl() {
                return "https".equals(scheme);
            }

            public String origin() {
                return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
            }
        }
    }

    /** Reads and checks every setting; the first value Kordon cannot start with throws {@link ConfigException}. */
    public static KordonConfig from(ConfigTree c) {
        return ConfigReader.read(c);
    }

    /** The categories whose logins are phone numbers, in the configured order. */
    public List<String> phoneCategories() {
        return categories.entrySet().stream()
                .filter(e -> e.getValue() == LoginKind.PHONE)
                .map(Map.Entry::getKey)
                .toList();
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
