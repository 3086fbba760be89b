package dev.kordon;

import dev.kordon.account.AccountRepository;
import dev.kordon.account.LoginParser;
import dev.kordon.account.PhoneFormat;
import dev.kordon.admin.AccountCredentials;
import dev.kordon.admin.AdminFlow;
import dev.kordon.admin.ConsoleAccess;
import dev.kordon.audit.Audit;
import dev.kordon.client.Backchannel;
import dev.kordon.client.ClientAdmin;
import dev.kordon.client.ClientRegistry;
import dev.kordon.client.ConfiguredClients;
import dev.kordon.config.KordonConfig;
import dev.kordon.credential.Credentials;
import dev.kordon.dispatch.DeadLetters;
import dev.kordon.dispatch.Letters;
import dev.kordon.dispatch.Outbox;
import dev.kordon.flow.Flows;
import dev.kordon.flow.Grants;
import dev.kordon.flow.Guards;
import dev.kordon.flow.Notices;
import dev.kordon.flow.PasswordChangeFlow;
import dev.kordon.flow.PasswordLoginFlow;
import dev.kordon.flow.RecoveryFlow;
import dev.kordon.flow.SessionFlow;
import dev.kordon.flow.SignIn;
import dev.kordon.flow.SmsGuards;
import dev.kordon.flow.SmsLoginFlow;
import dev.kordon.flow.Subscribers;
import dev.kordon.guard.ChangeTokens;
import dev.kordon.guard.DenyList;
import dev.kordon.guard.Secrets;
import dev.kordon.guard.SmsCodes;
import dev.kordon.guard.TempPasswords;
import dev.kordon.guard.Throttles;
import dev.kordon.keys.IdTokens;
import dev.kordon.keys.SigningKeys;
import dev.kordon.mfa.Passkeys;
import dev.kordon.mfa.SecondFactors;
import dev.kordon.mfa.StepTokens;
import dev.kordon.mfa.Steps;
import dev.kordon.mfa.TotpCheck;
import dev.kordon.oauth.AuthorizationCodes;
import dev.kordon.oidc.OidcParts;
import dev.kordon.operator.OperatorAdmin;
import dev.kordon.operator.OperatorParts;
import dev.kordon.operator.OperatorSignIn;
import dev.kordon.operator.Operators;
import dev.kordon.ops.Metrics;
import dev.kordon.render.Templates;
import dev.kordon.simswap.SimSwapCheck;
import dev.kordon.simswap.SwapEvents;
import dev.kordon.simswap.SwapMarks;
import dev.kordon.step.PasskeyStepFlow;
import dev.kordon.step.SecondStepFlow;
import dev.kordon.step.SecurityFlow;
import dev.kordon.step.StepFlows;
import dev.kordon.store.Database;
import dev.kordon.store.RedisStore;
import dev.kordon.token.AccountEpoch;
import dev.kordon.token.BrowserSessions;
import dev.kordon.token.RefreshTokens;
import dev.kordon.token.TokenService;
import dev.kordon.token.VerifiedTokens;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;

/**
 * Kordon's object graph, built in this one place from its clients: the stores, guards, grants and
 * flows. The server ({@link Main#start}) and the command line ({@link Cli}) both build through it;
 * dev mode and the tests reach what they seed or look into from here.
 */
public final class Wiring {
    /** What the graph is built from: the clients and the settings. */
    record Clients(Vertx vertx, KordonConfig config, Pool pg, RedisStore redis, Metrics metrics) {}

    private final Clients clients;
    private final Database db;
    private final Secrets secrets;
    private final PhoneFormat phones;
    private final Templates templates;
    private final Audit audit;
    private final SmsCodes smsCodes;
    private final SimSwapCheck simSwap;
    private final Subscribers subscribers;
    private final Grants grants;
    private final Guards guards;
    private final Notices notices;
    private final SignIn signIn;
    private final SessionFlow sessions;
    private final AdminFlow admin;
    private final AccountCredentials credentials;
    private final DeadLetters deadLetters;
    private final ClientAdmin oidcClients;
    private final IdTokens idTokens;
    private final Steps steps;

    /** {@code verifyCache}: verified tokens kept per instance; the command line keeps none. */
    Wiring(Clients clients, SigningKeys keys, int verifyCache) {
        this.clients = clients;
        KordonConfig config = clients.config();
        RedisStore redis = clients.redis();
        Vertx vertx = clients.vertx();
        secrets = new Secrets(config.secretKeys());
        // One phone format for the parser, the pages, the letters, the SMS logs and the password rules.
        phones = new PhoneFormat(config.phone());
        templates = new Templates(vertx);
        db = new Database(clients.pg(), config.pg().queryTimeout());
        audit = new Audit(db, clients.metrics());
        smsCodes = new SmsCodes(redis, secrets, config.smsCode(), config.limits(), clients.metrics());
        simSwap = SimSwapCheck.create(vertx, config.simSwap(), new SwapMarks(redis, secrets), redis, clients.metrics());
        subscribers = new Subscribers(new LoginParser(config, phones), new AccountRepository(db));
        VerifiedTokens verified = VerifiedTokens.start(vertx, config.redis(), redis, verifyCache);
        // An epoch outlives whatever it ends: an access token (with the leeway) or a browser session.
        Duration accessLife = config.tokens().accessTtl().plus(config.jwt().leeway());
        AccountEpoch epoch = new AccountEpoch(
                redis,
                accessLife.compareTo(config.web().sessionTtl()) > 0
                        ? accessLife
                        : config.web().sessionTtl());
        Outbox outbox = new Outbox(
                vertx,
                redis,
                secrets,
                config.dispatch().replicaAcks(),
                config.dispatch().replicaWait());
        oidcClients = new ClientAdmin(new ClientRegistry(db, secrets), audit);
        grants = new Grants(
                new TokenService(
                        vertx, keys, config.jwt(), config.tokens().accessTtl().toSeconds()),
                new RefreshTokens(
                        redis, config.tokens().refreshIdle(), config.tokens().refreshAbsolute()),
                new BrowserSessions(redis, config.web().sessionTtl(), verified),
                verified,
                epoch,
                new Backchannel(
                        redis, oidcClients.registry(), outbox, config.tokens().refreshAbsolute()));
        ChangeTokens changeTokens = new ChangeTokens(redis, config.tokens().changeTtl());
        guards = new Guards(
                new Throttles(vertx, redis, config.limits(), config.http().ipv6Prefix(), clients.metrics()),
                new TempPasswords(redis, secrets, config.tempPassword()),
                changeTokens,
                new SecondFactors(db, secrets));
        notices = new Notices(audit, outbox, new Letters(templates, config, phones));
        steps = new Steps(
                config.mfa().requiredRoles(),
                guards.factors(),
                new StepTokens(redis, config.mfa().stepTtl(), config.mfa().stepTries()),
                new TotpCheck(redis),
                config.mfa().issuerName());
        signIn = new SignIn(config.tariffs(), grants, changeTokens, audit, steps);
        sessions = new SessionFlow(subscribers.accounts(), grants, new DenyList(redis), audit, signIn);
        admin = new AdminFlow(subscribers, guards.throttles(), audit, sessions, grants.browser());
        credentials = new AccountCredentials(admin, guards, notices, sessions, grants);
        deadLetters = new DeadLetters(redis, secrets, notices.outbox());
        idTokens = new IdTokens(keys);
    }

    /** The public port's flows; {@code credentials}, the hashing, is the server's alone. */
    Flows flows(Credentials credentials) {
        return new Flows(
                new PasswordLoginFlow(subscribers, credentials, guards, signIn, audit),
                new SmsLoginFlow(subscribers, new SmsGuards(smsCodes, guards.throttles(), simSwap), notices, signIn),
                new RecoveryFlow(subscribers, guards.temps(), guards.throttles(), notices, signIn),
                new PasswordChangeFlow(sessions, subscribers.accounts(), credentials, guards, notices),
                sessions,
                signIn);
    }

    /** Who may use the console: a named operator after the second step, or the admin token as break-glass. */
    ConsoleAccess console(Credentials credentials) {
        OperatorParts parts = OperatorParts.of(
                db, clients.redis(), secrets, credentials, clients.config(), guards.throttles(), audit);
        return new ConsoleAccess(
                clients.config().admin(), parts.sessions(), guards.throttles(), audit, new OperatorSignIn(parts));
    }

    /** The console's named operators, managed; {@code hash}: a password's Argon2id hash, off the event loop. */
    public OperatorAdmin operators(java.util.function.Function<String, io.vertx.core.Future<String>> hash) {
        return new OperatorAdmin(new Operators(db, secrets), hash, audit);
    }

    /** The public port's second step after a password. */
    StepFlows stepFlows() {
        SecondStepFlow codes = new SecondStepFlow(steps, signIn, subscribers.accounts(), notices, guards.throttles());
        // The rp id and the one origin are the public address's: passkeys work only on Kordon's own pages.
        Passkeys passkeys = new Passkeys(
                guards.factors(),
                clients.redis(),
                Passkeys.RelyingParty.of(
                        clients.config().jwt().issuer(), clients.config().mfa().issuerName()));
        return new StepFlows(
                codes,
                new PasskeyStepFlow(codes, passkeys, notices),
                new SecurityFlow(steps, passkeys, subscribers.accounts(), notices));
    }

    public KordonConfig config() {
        return clients.config();
    }

    public Pool pg() {
        return clients.pg();
    }

    public RedisStore redis() {
        return clients.redis();
    }

    public Secrets secrets() {
        return secrets;
    }

    public PhoneFormat phones() {
        return phones;
    }

    public Templates templates() {
        return templates;
    }

    public Audit audit() {
        return audit;
    }

    public Subscribers subscribers() {
        return subscribers;
    }

    public AccountRepository accounts() {
        return subscribers.accounts();
    }

    public Grants grants() {
        return grants;
    }

    public TokenService tokens() {
        return grants.tokens();
    }

    public VerifiedTokens verifiedTokens() {
        return grants.verified();
    }

    public BrowserSessions browserSessions() {
        return grants.browser();
    }

    /** The SIM swap check before SMS codes, its settings and the marks of swapped numbers. */
    public SimSwapCheck simSwap() {
        return simSwap;
    }

    public Throttles throttles() {
        return guards.throttles();
    }

    public Notices notices() {
        return notices;
    }

    public AdminFlow admin() {
        return admin;
    }

    public AccountCredentials credentials() {
        return credentials;
    }

    /** The registered OpenID Connect clients, as the operator changes them; {@code registry()} reads them. */
    public ClientAdmin oidcClients() {
        return oidcClients;
    }

    /** What the OpenID Connect endpoints stand on: the clients, the codes, the keys and the grants. */
    public OidcParts oidc() {
        KordonConfig config = clients.config();
        return new OidcParts(
                config.jwt().issuer(),
                oidcClients.registry(),
                new AuthorizationCodes(clients.redis(), secrets),
                idTokens,
                subscribers.accounts(),
                signIn,
                sessions,
                grants.tokens(),
                grants.refresh(),
                clients.redis(),
                config.tokens().refreshAbsolute(),
                audit);
    }

    /**
     * Stores the clients of {@code oidc.clients}, once at start, before any port opens (so none is
     * ever asked for a configured client not yet stored): their secret files are read, every entry is
     * checked, and a bad one fails the start with a message naming it.
     */
    public io.vertx.core.Future<Void> storeConfiguredClients(io.vertx.core.file.FileSystem files) {
        return new ConfiguredClients(oidcClients).upsert(files, clients.config().oidcClients());
    }

    /** The OpenID Connect ID-token signer; {@link IdTokens#on()} is false without an RSA key. */
    public IdTokens idTokens() {
        return idTokens;
    }

    /** What the network's SIM swap events do to the accounts on a number (the admin port's endpoint). */
    public SwapEvents swapEvents() {
        return SwapWiring.events(this, smsCodes, sessions, clients.metrics());
    }

    /** The dead letters the console shows and sends again. */
    public DeadLetters deadLetters() {
        return deadLetters;
    }
}
