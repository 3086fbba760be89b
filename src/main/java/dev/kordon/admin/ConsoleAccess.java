package dev.kordon.admin;

import dev.kordon.audit.Audit;
import dev.kordon.config.KordonConfig;
import dev.kordon.guard.ConsoleSessions;
import dev.kordon.guard.Throttles;
import dev.kordon.operator.OperatorSignIn;
import dev.kordon.ops.RequestScope;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may use the operator console: a named operator after their password and second step (that
 * sign-in is the {@code operator} package's), or, as break-glass, whoever types the admin token. A
 * wrong token is counted per client before it is compared ({@code admin.console-failures} per {@code
 * admin.console-failure-window}, then 429), compared in constant time, and audited; a right one opens
 * a console session ({@link ConsoleSessions}) audited as the token's. Each console request names its
 * session's holder to the audit ({@link RequestScope#actAs}). The console's actions themselves are
 * {@link AdminFlow}'s.
 */
public final class ConsoleAccess {
    private final KordonConfig.Admin config;
    private final byte[] token;
    private final ConsoleSessions sessions;
    private final Throttles throttles;
    private final Audit audit;
    private final OperatorSignIn operators;

    public ConsoleAccess(
            KordonConfig.Admin config,
            ConsoleSessions sessions,
            Throttles throttles,
            Audit audit,
            OperatorSignIn operators) {
        this.config = config;
        this.operators = operators;
        this.token = config.token().getBytes(StandardCharsets.UTF_8);
        this.sessions = sessions;
        this.throttles = throttles;
        this.audit = audit;
    }

    public ConsoleSessions sessions() {
        return sessions;
    }

    /** A named operator's sign-in, the console's usual way in. */
    public OperatorSignIn operators() {
        return operators;
    }

    /**
     * A new console session's id for the right admin token; INVALID_CREDENTIALS for a wrong one,
     * TOO_MANY_REQUESTS (with Retry-After) once the client has typed too many wrong ones.
     */
    public Future<String> signIn(String presented, String ip) {
        return throttles
                .consoleAttempt(ip, config.consoleFailures(), config.consoleFailureWindow())
                .onFailure(err -> {
                    if (err instanceof FlowException fe && fe.failure() == Failure.TOO_MANY_REQUESTS) {
                        failed(ip, new JsonObject().put("throttled", true));
                    }
                })
                .compose(v -> {
                    // Constant-time: the comparison must not tell how much of a guess was right.
                    boolean right = token.length > 0
                            && presented != null
                            && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
                    if (!right) {
                        failed(ip, new JsonObject());
                        return Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS));
                    }
                    return throttles
                            .consoleSucceeded(ip)
                            .compose(x -> sessions.open())
                            .onSuccess(id -> audit.record(
                                    Audit.CONSOLE_SIGNED_IN,
                                    null,
                                    null,
                                    null,
                                    ip,
                                    new JsonObject().put("actor", ConsoleSessions.TOKEN)));
                });
    }

    /** A wrong or throttled token, audited as the token's way in. */
    private void failed(String ip, JsonObject detail) {
        audit.record(Audit.CONSOLE_SIGN_IN_FAILED, null, null, null, ip, detail.put("via", ConsoleSessions.TOKEN));
    }

    /**
     * Who holds the live console session the cookie's id names ({@link ConsoleSessions#TOKEN} or an
     * operator's name), named to the audit for the rest of the request; null for none. The session
     * of an operator disabled, deleted or reset since it was opened ends here.
     */
    public Future<String> signedIn(String id) {
        if (id == null) {
            return Future.succeededFuture(null);
        }
        return sessions.holder(id)
                .compose(holder -> {
                    if (holder == null || ConsoleSessions.TOKEN.equals(holder)) {
                        return Future.succeededFuture(holder);
                    }
                    return operators
                            .active(holder)
                            .compose(name -> name != null
                                    ? Future.succeededFuture(name)
                                    : sessions.close(id).map(v -> name));
                })
                .onSuccess(holder -> {
                    if (holder != null) {
                        RequestScope.actAs(holder);
                    }
                });
    }

    /** Ends the session (audited when there was one to end). */
    public Future<Void> signOut(String id, String ip) {
        return signedIn(id)
                .compose(holder -> sessions.close(id).onSuccess(v -> {
                    if (holder != null) {
                        audit.record(Audit.CONSOLE_SIGNED_OUT, null, null, null, ip, new JsonObject());
                    }
                }));
    }
}
