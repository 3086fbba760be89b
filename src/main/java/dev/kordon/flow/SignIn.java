package dev.kordon.flow;

import dev.kordon.account.Account;
import dev.kordon.answer.BrowserSession;
import dev.kordon.answer.ChangeRequired;
import dev.kordon.answer.Channel;
import dev.kordon.answer.PageAnswer;
import dev.kordon.answer.TokenPair;
import dev.kordon.audit.Audit;
import dev.kordon.guard.ChangeTokens;
import dev.kordon.mfa.Steps;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.token.BrowserSessions;
import dev.kordon.token.RefreshTokens;
import dev.kordon.token.TokenService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where every sign-in ends, whatever proved it (password, temporary password, SMS code). Here
 * alone it is decided who may sign in at all, a success is recorded, and the answer takes the
 * form its {@link Channel} needs: a token pair for the API, a browser session for the pages, a
 * change token when a temporary password was used. A refresh renews what was granted here.
 */
public final class SignIn {
    /** How a credential was proven: the audit's {@code method}, and the {@code amr} of what it grants. */
    public enum Method {
        /** The permanent password; only it opens a refresh family. */
        PASSWORD("pwd"),
        /** The e-mailed or texted temporary password: only the forced change follows. */
        TEMPORARY("temporary"),
        /** A code by SMS: one visit, no refresh token. */
        SMS("sms");

        private final String code;

        Method(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /**
     * A credential that held: the account it opens, how and from where it was proven, when it was
     * checked (what it grants counts from then, so a password change landing meanwhile refuses it),
     * what settles the attempt it was, and what settles it when a second step is still to come (the
     * failure count stays: only the second step's code clears it, see step/CodeGate).
     */
    public record Proof(
            Account account,
            Method method,
            String ip,
            long checkedAt,
            Supplier<Future<?>> settle,
            Supplier<Future<?>> settleBeforeStep) {
        public Proof(Account account, Method method, String ip, long checkedAt) {
            this(account, method, ip, checkedAt, Future::succeededFuture);
        }

        public Proof(Account account, Method method, String ip, long checkedAt, Supplier<Future<?>> settle) {
            this(account, method, ip, checkedAt, settle, settle);
        }
    }

    private final List<String> tariffs;
    private final TokenService tokens;
    private final RefreshTokens refresh;
    private final BrowserSessions browser;
    private final ChangeTokens changes;
    private final Audit audit;
    private final Steps steps;

    public SignIn(List<String> tariffs, Grants grants, ChangeTokens changes, Audit audit, Steps steps) {
        this.steps = steps;
        this.tariffs = tariffs;
        this.tokens = grants.tokens();
        this.refresh = grants.refresh();
        this.browser = grants.browser();
        this.changes = changes;
        this.audit = audit;
    }

    /**
     * Why {@code account} may not sign in: {@code unknown_login}, {@code disabled} or {@code tariff};
     * null when it may (active, on a tariff of the allow-list).
     */
    public String refusal(Account account) {
        if (account == null) {
            return "unknown_login";
        }
        if (!account.active()) {
            return "disabled";
        }
        return tariffs.contains(account.tariff()) ? null : "tariff";
    }

    public boolean eligible(Account account) {
        return refusal(account) == null;
    }

    /**
     * A password or an SMS code held for an eligible account: the success is recorded, the attempt
     * settled, and the channel gets its grant.
     */
    public <A> Future<A> granted(Proof proof, Channel<A> channel) {
        if (proof.method() == Method.SMS && steps.requiredFor(proof.account().role())) {
            // mfa.required-roles: an SMS code alone never opens such an account (the SMS flow refuses first).
            return Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS));
        }
        if (proof.method() != Method.PASSWORD) {
            return finished(proof, List.of(proof.method().code()), channel);
        }
        return steps.needed(proof.account())
                .compose(methods -> methods == null
                        ? finished(proof, List.of(proof.method().code()), channel)
                        : proof.settleBeforeStep()
                                .get()
                                .compose(v -> steps.start(proof.account().id(), proved(proof), methods))
                                .map(channel::answer));
    }

    /** The second step held after {@code proof}: the grant, with both factors in its {@code amr}. */
    public <A> Future<A> stepped(Proof proof, List<String> amr, Channel<A> channel) {
        return finished(proof, amr, channel);
    }

    /** Whether the role alone demands a second step; see {@link Steps#requiredFor}. */
    public boolean stepRequiredFor(Account account) {
        return steps.requiredFor(account.role());
    }

    private <A> Future<A> finished(Proof proof, List<String> amr, Channel<A> channel) {
        recorded(proof, amr);
        return proof.settle()
                .get()
                .compose(v -> grant(proof, amr, channel == Channel.PAGE))
                .map(channel::answer);
    }

    /**
     * A temporary password held for an eligible account: the success is recorded and the change
     * token follows, on every channel, with the temporary password's hash kept beside it for the
     * policy check; the attempt is settled once the token is stored.
     */
    public <A> Future<A> changeDue(Proof proof, String tempHash, Channel<A> channel) {
        recorded(proof, List.of(proof.method().code()));
        Account a = proof.account();
        TokenService.Issued change = tokens.issueChange(a, changes.ttl().toSeconds());
        return changes.issue(a.id(), change.jti(), tempHash)
                .compose(v -> proof.settle().get())
                .map(v -> channel.answer(new ChangeRequired(change.token(), change.expiresIn())));
    }

    /**
     * The forced change ends the temporary-password visit signed in, so «В меню» leads straight in.
     * The session counts from now: the change ended everything issued before it.
     */
    public Future<BrowserSession> changed(Account account) {
        return session(account, List.of(Method.PASSWORD.code()), System.currentTimeMillis());
    }

    /**
     * As {@link #changed}, but an account that takes a second step gets its step token instead: the
     * new password is its first step.
     */
    public Future<PageAnswer> changedOrStep(Account account, String ip) {
        Proof proof = new Proof(account, Method.PASSWORD, ip, System.currentTimeMillis());
        return steps.needed(account)
                .compose(methods -> methods == null
                        ? changed(account).map(s -> (PageAnswer) s)
                        : steps.start(account.id(), proved(proof), methods).map(s -> (PageAnswer) s));
    }

    /**
     * The new pair for a rotated refresh token, counting from {@code rotatedAt}, if the account may
     * still sign in; otherwise the family ends here and the grant is refused. It says what the sign-in
     * that opened the family said (its amr, and so its acr).
     */
    public Future<TokenPair> renewed(Account account, RefreshTokens.Issued rotated, long rotatedAt) {
        if (!eligible(account)) {
            return refresh.revokeFamily(rotated.account(), rotated.family())
                    .compose(v -> Future.failedFuture(new FlowException(Failure.INVALID_GRANT)));
        }
        return Future.succeededFuture(pair(account, rotated.amr(), rotated, rotatedAt));
    }

    /** The pages get a browser session; the API a token pair, with a refresh family for the password alone. */
    private Future<Object> grant(Proof proof, List<String> amr, boolean page) {
        Account a = proof.account();
        if (page) {
            return session(a, amr, proof.checkedAt()).map(session -> session);
        }
        if (proof.method() != Method.PASSWORD) {
            return Future.succeededFuture(pair(a, amr, null, proof.checkedAt()));
        }
        return refresh.issue(a.id(), amr).map(rt -> pair(a, amr, rt, proof.checkedAt()));
    }

    /** What the second step keeps of the first: how, when and from where it was proven. */
    private static JsonObject proved(Proof proof) {
        return new JsonObject()
                .put("method", proof.method().code())
                .put("checked_at", proof.checkedAt())
                .put("ip", proof.ip());
    }

    private void recorded(Proof proof, List<String> amr) {
        Account a = proof.account();
        JsonObject detail = new JsonObject().put("method", proof.method().code());
        if (amr.size() > 1) {
            detail.put("amr", new JsonArray(amr));
        }
        audit.record(Audit.LOGIN_SUCCESS, a.id(), a.category(), a.login(), proof.ip(), detail);
    }

    /** An access token, with the refresh token of its family when there is one. */
    private TokenPair pair(Account account, List<String> amr, RefreshTokens.Issued family, long since) {
        TokenService.Issued at = tokens.issueAccess(account, amr, family == null ? null : family.family(), since);
        return family == null
                ? new TokenPair(at.token(), at.expiresIn(), null, 0)
                : new TokenPair(at.token(), at.expiresIn(), family.token(), family.expiresIn());
    }

    /** What the pages keep of a sign-in: who, how, and since when, for {@code /auth/verify}. */
    private Future<BrowserSession> session(Account account, List<String> amr, long since) {
        JsonObject who = new JsonObject()
                .put("sub", account.id().toString())
                .put("login", account.login())
                .put("cat", account.category())
                .put("role", account.role())
                .put("amr", new JsonArray(amr))
                .put("iat_ms", since);
        return browser.create(who).map(id -> new BrowserSession(id, browser.ttl()));
    }
}
