package dev.kordon;

import dev.kordon.page.PageParts;
import dev.kordon.server.Edge;
import dev.kordon.account.AccountRepository;
import dev.kordon.account.LoginParser;
import dev.kordon.config.KordonConfig;
import dev.kordon.flow.Grants;
import dev.kordon.flow.Guards;
import dev.kordon.flow.Subscribers;
import dev.kordon.guard.Secrets;
import dev.kordon.guard.Throttles;
import dev.kordon.ops.Drain;
import dev.kordon.store.RedisStore;
import dev.kordon.token.BrowserSessions;
import dev.kordon.token.TokenService;
import dev.kordon.token.VerifiedTokens;
import io.vertx.sqlclient.Pool;

/**
 * What {@link dev.kordon.Main} built and a running instance keeps: what its stop closes, what dev
 * mode seeds through, what tests look into. The verticles get only their own parts.
 */
public record Services(Edge edge, Subscribers subscribers, Grants grants, Guards guards, PageParts pages) {
  public KordonConfig config() {
    return edge.config();
  }

  public Pool pg() {
    return edge.readiness().pg();
  }

  public RedisStore redis() {
    return edge.readiness().redis();
  }

  public Drain drain() {
    return edge.readiness().drain();
  }

  public AccountRepository accounts() {
    return subscribers.accounts();
  }

  public LoginParser logins() {
    return subscribers.logins();
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

  public Throttles throttles() {
    return guards.throttles();
  }

  public Secrets secrets() {
    return pages.secrets();
  }
}
