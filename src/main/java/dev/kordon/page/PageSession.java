package dev.kordon.page;

import dev.kordon.answer.BrowserSession;
import dev.kordon.client.Backchannel;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.token.BrowserSessions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The browser session's cookie: whom it names, a new id at every sign-in (the old session ends),
 * none after signing out. The session itself lives in Redis (see {@link BrowserSessions}). Signing
 * out tells the OpenID Connect clients of that session ({@link Backchannel}).
 */
final class PageSession {
    private final Cookies cookies;
    private final BrowserSessions sessions;
    private final Backchannel backchannel;

    PageSession(Cookies cookies, BrowserSessions sessions, Backchannel backchannel) {
        this.cookies = cookies;
        this.sessions = sessions;
        this.backchannel = backchannel;
    }

    /** Who the session cookie belongs to; {@code /auth/verify} asks the same. */
    Future<JsonObject> who(RoutingContext ctx) {
        String id = cookies.get(ctx, Cookies.SESSION);
        return id == null ? Future.failedFuture(new FlowException(Failure.UNAUTHORIZED)) : sessions.lookup(id);
    }

    /** A sign-in's session goes into the cookie, the old one ends, the forms' leftovers go; then on to {@code target}. */
    void start(RoutingContext ctx, BrowserSession session, String target) {
        begin(ctx, session).onSuccess(v -> PageView.redirect(ctx, target)).onFailure(ctx::fail);
    }

    /** As {@link #start}, the caller answering: the enrolment shows its recovery codes on the same answer. */
    Future<Void> begin(RoutingContext ctx, BrowserSession session) {
        String old = cookies.get(ctx, Cookies.SESSION);
        Future<Void> ended = old == null ? Future.succeededFuture() : sessions.destroy(old);
        return ended.onSuccess(v -> {
            cookies.set(ctx, Cookies.SESSION, session.id(), session.ttl());
            cookies.clear(ctx, Cookies.HINT);
            cookies.clear(ctx, Cookies.CHANGE);
        });
    }

    /** The same person again, under a new session id (their change of password ended the old one). */
    void renew(RoutingContext ctx, JsonObject who, String target) {
        sessions.create(who)
                .onSuccess(id -> start(ctx, new BrowserSession(id, sessions.ttl()), target))
                .onFailure(ctx::fail);
    }

    /** Signs out: the session ends in Redis and its cookie goes; then on to {@code target}. */
    void end(RoutingContext ctx, String target) {
        String id = cookies.get(ctx, Cookies.SESSION);
        (id == null ? Future.<Void>succeededFuture() : signOut(id)).onComplete(ar -> {
            cookies.clear(ctx, Cookies.SESSION);
            PageView.redirect(ctx, target);
        });
    }

    /**
     * Signs out and leaves the answer to the caller: the session ends in Redis, then its cookie is
     * cleared. Fails when Redis does, and the cookie stays: a session still live is not shown as ended.
     */
    Future<Void> close(RoutingContext ctx) {
        String id = cookies.get(ctx, Cookies.SESSION);
        return (id == null ? Future.<Void>succeededFuture() : signOut(id))
                .onSuccess(v -> cookies.clear(ctx, Cookies.SESSION));
    }

    /** The session ends in Redis, then its OpenID Connect clients are sent a logout token. */
    private Future<Void> signOut(String id) {
        java.util.UUID account = BrowserSessions.accountOf(id);
        return sessions.destroy(id)
                .compose(v -> account == null
                        ? Future.succeededFuture()
                        : backchannel.sessionEnded(account, BrowserSessions.sidOfCookie(id)))
                .mapEmpty();
    }
}
