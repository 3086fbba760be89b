package dev.kordon.admin;

import dev.kordon.audit.Audit;
import dev.kordon.config.KordonConfig;
import dev.kordon.guard.ConsoleSessions;
import dev.kordon.guard.Throttles;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may use the operator console: whoever types the admin token. A wrong token is counted per
 * client before it is compared ({@code admin.console-failures} per {@code admin.console-failure-window},
 * then 429), compared in constant time, and audited; a right one opens a console session
 * ({@link ConsoleSessions}). The console's actions themselves are {@link AdminFlow}'s.
 */
public final class ConsoleAccess {
    private final KordonConfig.Admin config;
    private final byte[] token;
    private final ConsoleSessions sessions;
    private final Throttles throttles;
    private final Audit audit;

    public ConsoleAccess(KordonConfig.Admin config, ConsoleSessions sessions, Throttles throttles, Audit audit) {
        this.config = config;
        this.token = config.token().getBytes(StandardCharsets.UTF_8);
        this.sessions = sessions;
        this.throttles = throttles;
        this.audit = audit;
    }

    public ConsoleSessions sessions() {
        return sessions;
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
                        audit.record(
                                Audit.CONSOLE_SIGN_IN_FAILED,
                                null,
                                null,
                                null,
                                ip,
                                new JsonObject().put("throttled", true));
                    }
                })
                .compose(v -> {
                    // Constant-time: the comparison must not tell how much of a guess was right.
                    boolean right = token.length > 0
                            && presented != null
                            && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
                    if (!right) {
                        audit.record(Audit.CONSOLE_SIGN_IN_FAILED, null, null, null, ip, new JsonObject());
                        return Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS));
                    }
                    return throttles
                            .consoleSucceeded(ip)
                            .compose(x -> sessions.open())
                            .onSuccess(id ->
                                    audit.record(Audit.CONSOLE_SIGNED_IN, null, null, null, ip, new JsonObject()));
                });
    }

    /** Whether the cookie's id names a live console session. */
    public Future<Boolean> signedIn(String id) {
        return id == null ? Future.succeededFuture(false) : sessions.live(id);
    }

    /** Ends the session (audited when there was one to end). */
    public Future<Void> signOut(String id, String ip) {
        return signedIn(id)
                .compose(live -> sessions.close(id).onSuccess(v -> {
                    if (live) {
                        audit.record(Audit.CONSOLE_SIGNED_OUT, null, null, null, ip, new JsonObject());
                    }
                }));
    }
}
