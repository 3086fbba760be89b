package dev.kordon.web;

import dev.kordon.account.AccountRepository;
import dev.kordon.account.LoginParser;
import dev.kordon.audit.Audit;
import dev.kordon.config.KordonConfig;
import dev.kordon.flow.PasswordChangeFlow;
import dev.kordon.flow.PasswordLoginFlow;
import dev.kordon.flow.RecoveryFlow;
import dev.kordon.flow.SessionFlow;
import dev.kordon.flow.SmsLoginFlow;
import dev.kordon.guard.Secrets;
import dev.kordon.guard.Throttles;
import dev.kordon.ops.Drain;
import dev.kordon.render.Templates;
import dev.kordon.store.RedisStore;
import dev.kordon.token.BrowserSessions;
import dev.kordon.token.TokenService;
import dev.kordon.token.VerifiedTokens;
import dev.kordon.web.ClientIp;
import io.vertx.ext.web.Router;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.sqlclient.Pool;
import java.util.function.Consumer;

/** What the verticles share, built once by {@link Main}; all of it is safe across event loops. */
public record Services(
    KordonConfig config,
    Pool pg,
    RedisStore redis,
    AccountRepository accounts,
    LoginParser logins,
    TokenService tokens,
    VerifiedTokens verifiedTokens,
    PasswordLoginFlow passwordLogin,
    SessionFlow sessions,
    SmsLoginFlow smsLogin,
    RecoveryFlow recovery,
    PasswordChangeFlow passwordChange,
    BrowserSessions browserSessions,
    Templates templates,
    Secrets secrets,
    Throttles throttles,
    Audit audit,
    ClientIp clientIp,
    OpenAPIContract contract,
    Consumer<Router> devRoutes,
    Drain drain) {}
