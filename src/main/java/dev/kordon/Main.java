package dev.kordon;

import dev.kordon.admin.AdminFlow;
import dev.kordon.admin.ConsoleAccess;
import dev.kordon.api.AdminApi;
import dev.kordon.api.OperatorsApi;
import dev.kordon.api.PublicApi;
import dev.kordon.bus.LocalCodec;
import dev.kordon.config.ConfigException;
import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import dev.kordon.console.ConsoleClients;
import dev.kordon.console.ConsoleDeadLetters;
import dev.kordon.console.ConsoleRoutes;
import dev.kordon.credential.CredentialVerticle;
import dev.kordon.credential.Credentials;
import dev.kordon.credential.HashQueue;
import dev.kordon.credential.PasswordHasher;
import dev.kordon.credential.PasswordPolicy;
import dev.kordon.dev.DevMode;
import dev.kordon.dispatch.BackchannelVerticle;
import dev.kordon.dispatch.MailVerticle;
import dev.kordon.dispatch.OutboxVerticle;
import dev.kordon.dispatch.SmsVerticle;
import dev.kordon.flow.Flows;
import dev.kordon.gate.PortalProxy;
import dev.kordon.gate.SignedIn;
import dev.kordon.gate.VerifyRoutes;
import dev.kordon.keys.SigningKeys;
import dev.kordon.oidc.OidcRoutes;
import dev.kordon.ops.Drain;
import dev.kordon.ops.HeapSettings;
import dev.kordon.ops.Logging;
import dev.kordon.ops.Metrics;
import dev.kordon.page.PageParts;
import dev.kordon.page.PageRoutes;
import dev.kordon.server.AdminVerticle;
import dev.kordon.server.ClientIp;
import dev.kordon.server.Edge;
import dev.kordon.server.Faults;
import dev.kordon.server.HttpVerticle;
import dev.kordon.server.Mount;
import dev.kordon.server.Readiness;
import dev.kordon.step.StepFlows;
import dev.kordon.store.Postgres;
import dev.kordon.store.RedisStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up in one sequence: configuration → migrations → clients → keys → flows → verticles
 * (credentials first, then the HTTP ports). {@link #start} is also what the tests run.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        // Before the first logger exists: every line goes out through Logback, JSON unless in dev mode.
        Logging.install();
        if (Cli.isCommand(args)) {
            System.exit(Cli.run(args, System.getenv(), System.out, System.err));
            return;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        long t0 = System.nanoTime();
        Path confFile = Cli.conf(args);
        DevMode dev = null;
        KordonConfig config;
        SigningKeys keys;
        try {
            ConfigTree tree = ConfigTree.load(confFile, System.getenv());
            // Before dev mode's servers start, so that their lines follow the configured levels too.
            KordonConfig.Log levels = KordonConfig.Log.from(tree);
            Logging.configure(
                    tree.bool("dev") ? Logging.Format.TEXT : Logging.Format.JSON, levels.level(), levels.levels());
            if (tree.bool("dev")) {
                dev = DevMode.start();
                tree = dev.apply(tree);
            }
            config = KordonConfig.from(tree);
            keys = dev != null
                    ? dev.signingKeys()
                    : SigningKeys.load(config.jwt().keysDir());
        } catch (ConfigException | java.io.IOException | java.security.GeneralSecurityException e) {
            // A key refused (an RSA key under 2048 bits, a curve other than P-256) names its file.
            log.error("kordon: cannot start: "
                    + (e instanceof java.io.IOException ? "reading the signing keys: " + e : e.getMessage()));
            System.exit(2);
            return;
        }
        Metrics metrics = new Metrics();
        Vertx vertx = metrics.newVertx(new VertxOptions().setPreferNativeTransport(true));
        Running running;
        try {
            running = start(vertx, metrics, config, keys, dev)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            // A driver's message may quote the URL it was given, password and all.
            log.error("kordon: cannot start: " + Cli.rootMessage(e));
            vertx.close();
            if (dev != null) {
                dev.stop();
            }
            System.exit(1);
            return;
        }
        // From here a SIGTERM drains, even while dev mode still seeds its demo accounts.
        DevMode devStack = dev;
        Logging.holdAtExit();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            drainAndStop(running, config.http(), log);
                            if (devStack != null) {
                                devStack.stop();
                            }
                            Logging.release();
                        },
                        "kordon-shutdown"));
        if (dev != null) {
            dev.seed(config, running.wiring().subscribers(), running.wiring().browserSessions(), running.credentials())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
        }
        List<String> heap = HeapSettings.apply();
        if (!heap.isEmpty()) {
            log.info(
                    "heap fitted to what is live (" + String.join(", ", heap) + "); JVM flags set by the operator win");
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        log.info("Kordon ready in " + ms + " ms: http://localhost:" + running.httpPort() + " (admin port "
                + running.adminPort() + "), " + running.hashParameters());
        if (dev != null) {
            dev.printBanner(running.httpPort(), running.adminPort());
        }
    }

    /**
     * SIGTERM: readiness answers 503 while the port serves on for http.drain-delay (load balancers
     * take the instance out meanwhile), then the ports close and requests in flight get up to
     * http.shutdown-grace.
     */
    public static void drainAndStop(Running running, KordonConfig.Http http, Logger log) {
        long t0 = System.nanoTime();
        running.drain().start();
        log.info("SIGTERM: draining: /health/ready answers 503; the port serves "
                + http.drainDelay().toMillis() + " ms more, then requests in flight get up to "
                + http.shutdownGrace().toMillis() + " ms");
        try {
            // Vert.x's timer, waited for here: the stop below must start outside Vert.x, as it closes it.
            running.vertx()
                    .timer(http.drainDelay().toMillis(), TimeUnit.MILLISECONDS)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(http.drainDelay().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            log.info("drain: closing the ports, finishing requests in flight");
            running.stop()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(http.shutdownGrace().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            log.info("stopped " + (System.nanoTime() - t0) / 1_000_000 + " ms after SIGTERM");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("stopped: the drain was interrupted");
        } catch (Exception e) {
            log.warn("stopped, but not cleanly: " + e);
        }
    }

    /** A started Kordon: its ports, its object graph, its drain. */
    public record Running(
            Vertx vertx,
            Wiring wiring,
            Drain drain,
            Credentials credentials,
            int httpPort,
            int adminPort,
            String hashParameters,
            List<String> httpDeployments) {

        /**
         * Graceful stop: the HTTP servers go first and finish what is in flight (up to the grace
         * period) while credentials and clients still serve them; then the other verticles finish
         * their work, then the Redis client closes with nothing left writing to it, then the rest.
         */
        public Future<Void> stop() {
            List<Future<Void>> servers =
                    httpDeployments.stream().map(vertx::undeploy).toList();
            return Future.join(servers)
                    .transform(ar -> Future.join(
                            vertx.deploymentIDs().stream().map(vertx::undeploy).toList()))
                    .transform(ar -> wiring.verifiedTokens().close())
                    .transform(ar -> wiring.redis().close())
                    .transform(ar -> vertx.close());
        }
    }

    /**
     * Starts Kordon on {@code vertx}, which reports into {@code metrics} ({@link Metrics#newVertx});
     * {@code dev} is the dev-mode stack, null everywhere else.
     */
    public static Future<Running> start(
            Vertx vertx, Metrics metrics, KordonConfig config, SigningKeys keys, DevMode dev) {
        // Port 0 means any free port. A negative port makes Vert.x bind one random port that all the
        // verticle's instances share; a port picked ahead and bound later could meanwhile become the
        // local end of a Redis or Postgres connection opened during start ("Address already in use").
        int httpPort = config.http().port() == 0 ? -1 : config.http().port();
        int adminPort = config.admin().port() == 0 ? -2 : config.admin().port();
        List<HttpVerticle> publicSide = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<AdminVerticle> adminSide = new java.util.concurrent.CopyOnWriteArrayList<>();
        // Before any verticle sends: Kordon's typed messages go through the one local codec.
        LocalCodec.register(vertx.eventBus());
        return vertx.executeBlocking(() -> Migrations.apply(config.pg()), false)
                .compose(v -> OpenAPIContract.from(vertx, "openapi.yaml"))
                .compose(contract -> {
                    Pool pg = Postgres.pool(vertx, config.pg());
                    RedisStore redis = RedisStore.create(vertx, config.redis());
                    Wiring wiring = new Wiring(
                            new Wiring.Clients(vertx, config, pg, redis, metrics),
                            keys,
                            config.tokens().verifyCache());
                    PasswordHasher hasher = new PasswordHasher(
                            config.hash().memoryKib(),
                            config.hash().iterations(),
                            config.hash().parallelism());
                    HashQueue hashPlaces = metrics.hashQueue(
                            config.hashWorkers(),
                            config.hashQueue(),
                            config.hash().maxWait());
                    Credentials credentials = new Credentials(
                            vertx, config.hash().retryAfter(), hashPlaces, new PasswordPolicy(wiring.phones()));
                    Flows flows = wiring.flows(credentials);
                    StepFlows stepFlows = wiring.stepFlows();
                    AdminFlow admin = wiring.admin();
                    Drain drain = new Drain();
                    Edge edge = new Edge(
                            config,
                            contract,
                            new ClientIp(config.http().trustedProxies()),
                            new Readiness(pg, redis, drain),
                            new Faults(metrics::internalError));
                    PageParts pageParts = new PageParts(
                            wiring.templates(),
                            wiring.secrets(),
                            wiring.subscribers().logins(),
                            wiring.browserSessions(),
                            stepFlows);
                    ConsoleAccess console = wiring.console(credentials);

                    // One for all instances: it says once at start whether OpenID Connect is on.
                    OidcRoutes oidc = new OidcRoutes(edge, wiring.oidc());
                    int instances = config.httpInstances();
                    long sendTimeout = config.dispatch().sendTimeout().toMillis();
                    // The outbox reader gets its own Redis connections: its polling never queues behind sign-ins.
                    RedisStore dispatchRedis = RedisStore.create(vertx, config.redis());
                    return wiring.storeConfiguredClients(vertx.fileSystem())
                            .compose(v -> vertx.deployVerticle(
                                    () -> new CredentialVerticle(hasher, config.hashWorkers(), hashPlaces),
                                    new DeploymentOptions()))
                            .compose(id -> vertx.deployVerticle(
                                    new MailVerticle(config.smtp(), config.mailFrom(), sendTimeout)))
                            .compose(id -> vertx.deployVerticle(
                                    new SmsVerticle(config, wiring.phones(), dev == null ? null : dev::recordSms)))
                            .compose(id -> vertx.deployVerticle(
                                    new BackchannelVerticle(config.jwt().issuer(), wiring.idTokens(), sendTimeout)))
                            .compose(id -> vertx.deployVerticle(new OutboxVerticle(
                                    dispatchRedis, wiring.secrets(), config.dispatch(), metrics, wiring.audit())))
                            .compose(id -> vertx.deployVerticle(
                                    () -> {
                                        PageRoutes pages = new PageRoutes(edge, flows, pageParts);
                                        SignedIn signedIn = new SignedIn(
                                                flows.sessions(),
                                                pages,
                                                config.proxy().aal2Prefixes());
                                        return added(
                                                publicSide,
                                                new HttpVerticle(
                                                        edge,
                                                        new HttpVerticle.Parts(
                                                                new VerifyRoutes(signedIn),
                                                                pages,
                                                                new PublicApi(edge, flows, stepFlows)
                                                                        .then(oidc.through(
                                                                                pages::signedIn,
                                                                                pages::failurePage,
                                                                                pages::signOut)),
                                                                dev == null
                                                                        ? Mount.NONE
                                                                        : (router, v) -> dev.routes(router),
                                                                PortalProxy.routes(edge, signedIn, pages)),
                                                        httpPort));
                                    },
                                    new DeploymentOptions().setInstances(instances)))
                            .compose(httpId -> vertx.deployVerticle(
                                            () -> added(
                                                    adminSide,
                                                    new AdminVerticle(
                                                            edge,
                                                            new AdminVerticle.Parts(
                                                                    adminApi(edge, wiring, admin, credentials),
                                                                    consoleMount(
                                                                            edge, wiring, admin, console, pageParts)),
                                                            metrics,
                                                            adminPort)),
                                            new DeploymentOptions())
                                    .map(adminId -> new Running(
                                            vertx,
                                            wiring,
                                            drain,
                                            credentials,
                                            publicSide.get(0).port(),
                                            adminSide.get(0).port(),
                                            hasher.parameters(),
                                            List.of(httpId, adminId))));
                });
    }

    /** The admin API: accounts, clients and the network's SIM swap events, then the named operators. */
    private static Mount adminApi(Edge edge, Wiring wiring, AdminFlow admin, Credentials credentials) {
        return new AdminApi(edge, admin, wiring.credentials(), wiring.oidcClients(), wiring.swapEvents())
                .then(new OperatorsApi(edge, wiring.operators(credentials::hash)));
    }

    /** The console's own routes first: their session and CSRF checks stand in front of the other pages. */
    private static Mount consoleMount(
            Edge edge, Wiring wiring, AdminFlow admin, ConsoleAccess access, PageParts parts) {
        return new ConsoleRoutes(edge, admin, wiring.credentials(), access, parts)
                .then(new ConsoleDeadLetters(edge, wiring.deadLetters(), wiring.audit(), parts))
                .then(new ConsoleClients(edge, wiring.oidcClients(), parts));
    }

    private static <V> V added(List<V> started, V verticle) {
        started.add(verticle);
        return verticle;
    }
}
