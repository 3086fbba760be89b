package dev.kordon.flow;

import dev.kordon.account.Account;
import dev.kordon.account.AccountRepository;
import dev.kordon.answer.Profile;
import dev.kordon.answer.TokenPair;
import dev.kordon.guard.DenyList;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import dev.kordon.token.AccountEpoch;
import dev.kordon.token.Assurance;
import dev.kordon.token.RefreshTokens;
import dev.kordon.token.TokenService;
import dev.kordon.token.VerifiedTokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a signed-in client does with its tokens: refresh them, read who it is, sign out; and the
 * check of a change token.
 */
public final class SessionFlow {
    private static final Logger LOG = LoggerFactory.getLogger(SessionFlow.class);

    private final TokenService tokens;
    private final RefreshTokens refresh;
    private final AccountRepository accounts;
    private final dev.kordon.audit.Audit audit;
    private final VerifiedTokens verified;
    private final AccountEpoch epoch;
    private final DenyList denied;
    private final SignIn signIn;
    private final dev.kordon.client.Backchannel backchannel;

    public SessionFlow(
            AccountRepository accounts, Grants grants, DenyList denied, dev.kordon.audit.Audit audit, SignIn signIn) {
        this.audit = audit;
        this.verified = grants.verified();
        this.epoch = grants.epoch();
        this.tokens = grants.tokens();
        this.refresh = grants.refresh();
        this.backchannel = grants.backchannel();
        this.accounts = accounts;
        this.denied = denied;
        this.signIn = signIn;
    }

    /** The OpenID Connect clients to tell when a browser session ends. */
    public dev.kordon.client.Backchannel backchannel() {
        return backchannel;
    }

    /** The public keys that verify the access tokens checked here, for resource servers to check them too. */
    public JsonObject jwks() {
        return tokens.jwks();
    }

    /** A new pair for a refresh token; the account must still be allowed to sign in. */
    public Future<TokenPair> refresh(String presented) {
        if (presented == null || presented.isBlank()) {
            return Future.failedFuture(
                    FlowException.invalid(java.util.Map.of("refresh_token", Text.of("field.required"))));
        }
        // The new access token counts from before the rotation: one racing endAll is then refused.
        long rotatedAt = System.currentTimeMillis();
        return rotate(presented)
                .compose(rt -> accounts.findById(rt.account())
                        .compose(found -> signIn.renewed(found.orElse(null), rt, rotatedAt)));
    }

    /**
     * The next token of a refresh token's family; a token used before ends its family, is audited and
     * is {@code invalid_grant}, on whichever channel it came back.
     */
    public Future<RefreshTokens.Issued> rotate(String presented) {
        return refresh.rotate(presented).recover(err -> {
            if (err instanceof RefreshTokens.Reuse reuse) {
                LOG.warn("refresh token reuse: family revoked, account " + reuse.account);
                audit.record(
                        dev.kordon.audit.Audit.REFRESH_REUSE,
                        reuse.account,
                        null,
                        null,
                        null,
                        new JsonObject().put("family_revoked", true));
                return Future.failedFuture(new FlowException(Failure.INVALID_GRANT));
            }
            return Future.failedFuture(err);
        });
    }

    /**
     * The claims of a live access token: valid signature and claims, not signed out, and issued at or
     * after the account's epoch. A token verified before is taken from the cache, which never holds
     * one past its revocation: a raised epoch evicts the account here and, announced, everywhere.
     */
    public Future<JsonObject> authenticate(String bearer) {
        JsonObject cached = verified.get(bearer);
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        // Taken before the checks: a revocation heard while they run keeps the token out of the cache.
        long since = verified.epoch();
        return tokens.verify(bearer, TokenService.ACCESS)
                .recover(err -> Future.failedFuture(new FlowException(Failure.UNAUTHORIZED)))
                .compose(claims -> {
                    UUID account = UUID.fromString(claims.getString("sub"));
                    // Sent together: both keys sit under the account's hash tag, so this costs one round trip of time.
                    Future<Boolean> isDenied = denied.denied(account, claims.getString("jti"), claims.getString("sid"));
                    Future<io.vertx.redis.client.Response> accountEpoch = epoch.read(account);
                    return Future.all(isDenied, accountEpoch).compose(both -> {
                        if (isDenied.result()
                                || AccountEpoch.predates(AccountEpoch.issuedMs(claims), accountEpoch.result())) {
                            return Future.failedFuture(new FlowException(Failure.UNAUTHORIZED));
                        }
                        verified.put(bearer, claims, since);
                        return Future.succeededFuture(claims);
                    });
                });
    }

    /**
     * The claims of a change token (the forced change after a temporary password). Not cached and no
     * epoch: its Redis half ({@link dev.kordon.guard.ChangeTokens}) is spent at the change it allows.
     */
    public Future<JsonObject> changeClaims(String bearer) {
        return tokens.verify(bearer, TokenService.CHANGE)
                .recover(err -> Future.failedFuture(new FlowException(Failure.UNAUTHORIZED)));
    }

    public Future<Profile> me(String bearer) {
        return authenticate(bearer)
                .compose(claims -> accounts.findById(UUID.fromString(claims.getString("sub")))
                        .compose(found -> found.filter(Account::active)
                                .map(a -> Future.succeededFuture(new Profile(
                                        a.id().toString(),
                                        a.category(),
                                        a.login(),
                                        a.role(),
                                        a.tariff(),
                                        claims.getJsonArray("amr", new JsonArray())
                                                .getList(),
                                        Assurance.of(claims))))
                                .orElseGet(() -> Future.failedFuture(new FlowException(Failure.UNAUTHORIZED)))));
    }

    /**
     * Ends the session: the access token is denied until it would expire, its family is revoked. The
     * token is also forgotten here and then announced to the other instances; the answer waits until
     * Redis took both the denial and the announcement.
     */
    public Future<Void> logout(String bearer) {
        return authenticate(bearer).compose(claims -> {
            UUID account = UUID.fromString(claims.getString("sub"));
            String jti = claims.getString("jti");
            long expMs = claims.getLong("exp") * 1000;
            Future<?> deny = endToken(account, jti, expMs);
            String sid = claims.getString("sid");
            Future<?> revoke = sid == null ? Future.succeededFuture() : refresh.revokeFamily(account, sid);
            return Future.all(deny, revoke).mapEmpty();
        });
    }

    /**
     * Ends one access token of the account ({@code jti}, expiring at {@code expMs}): denied until it
     * would expire, forgotten here, then announced to the other instances.
     */
    public Future<Void> endToken(UUID account, String jti, long expMs) {
        long ttlMs = Math.max(1000, expMs - System.currentTimeMillis() + 60_000);
        // Announced only after the denial is stored: an instance that hears of it and checks again must see it.
        return denied.deny(account, jti, ttlMs)
                .compose(r -> {
                    verified.evictToken(jti);
                    return verified.announceToken(jti, expMs);
                })
                .mapEmpty();
    }

    /**
     * Ends one refresh family and, with it, the access tokens issued from it: they are denied by the
     * family for as long as one could live, then dropped from every instance's cache. False when the
     * account has no such family.
     */
    public Future<Boolean> endFamily(UUID account, String family) {
        return refresh.end(account, family).compose(found -> {
            if (!found) {
                return Future.succeededFuture(false);
            }
            long liveMs = tokens.accessTtlSeconds() * 1000 + 60_000;
            return denied.denyFamily(account, family, liveMs)
                    .compose(v -> {
                        verified.evictAccount(account);
                        return verified.announceAccount(account, System.currentTimeMillis() + liveMs);
                    })
                    .map(true);
        });
    }

    /**
     * Ends every credential of the account (password changed, disabled, role changed). The refresh
     * families go first, so a rotation racing this either fails or yields a token older than the
     * epoch; then the epoch is raised, so any instance that checks again refuses what was issued
     * before; then the account's tokens leave this instance's cache and the other instances are told
     * to drop theirs. The cache's own counter keeps a check that read the old epoch from storing
     * what it found. Last, the OpenID Connect clients the person signed in to are sent a logout token.
     */
    public Future<Void> endAll(UUID account) {
        return refresh.revokeAll(account)
                .compose(n -> epoch.raise(account))
                .compose(at -> {
                    verified.evictAccount(account);
                    // Cached entries end with their token: announcing past that is pointless.
                    return verified.announceAccount(
                            account, System.currentTimeMillis() + tokens.accessTtlSeconds() * 1000 + 60_000);
                })
                .compose(v -> backchannel.accountEnded(account))
                .mapEmpty();
    }
}
