package dev.kordon.api;

import dev.kordon.answer.Answer;
import dev.kordon.answer.Channel;
import dev.kordon.flow.Flows;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import dev.kordon.server.Edge;
import dev.kordon.server.JsonBody;
import dev.kordon.server.Mount;
import dev.kordon.server.Problems;
import dev.kordon.server.Routes;
import dev.kordon.step.StepFlows;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** The public JSON API (/api/v1, the contract's openapi.yaml) and the JWKS. */
public final class PublicApi implements Mount {
    private static final String PASSWORD_LOGIN = "/api/v1/login/password";
    private static final String SECOND_STEP = "/api/v1/login/second-step";
    private final Edge edge;
    private final Flows flows;
    private final StepFlows steps;

    public PublicApi(Edge edge, Flows flows, StepFlows steps) {
        this.edge = edge;
        this.flows = flows;
        this.steps = steps;
    }

    @Override
    public void on(Router router, Vertx vertx) {
        // One pacer per event loop: it is only ever touched there.
        ShedPacer pacer = new ShedPacer(
                vertx, (double) edge.config().hash().shedRate() / edge.config().httpInstances());
        // Under a storm a sign-in that could not be hashed in time is refused here, before its body is
        // read, parsed or validated: a refusal must cost the event loop next to nothing.
        router.post(PASSWORD_LOGIN).handler(ctx -> shedEarly(ctx, pacer));
        router.route("/api/*")
                .handler(BodyHandler.create(false)
                        .setBodyLimit(edge.config().http().bodyLimit()));
        router.route("/api/*").handler(Routes::noStore);
        router.post("/api/*").handler(Routes::requireJson);
        router.route("/api/*").handler(new ApiValidation(vertx, edge.contract())::handle);
        router.get("/openapi.yaml")
                .handler(ctx -> ctx.response()
                        .putHeader("Content-Type", "application/yaml; charset=utf-8")
                        .sendFile("openapi.yaml"));
        router.post(PASSWORD_LOGIN).handler(this::passwordLogin);
        router.post("/api/v1/login/sms-code").handler(this::smsCode);
        router.post("/api/v1/login/sms").handler(this::smsLogin);
        router.post(SECOND_STEP).handler(this::secondStep);
        router.post(SECOND_STEP + "/passkey/options").handler(this::passkeyOptions);
        router.post(SECOND_STEP + "/totp").handler(this::enrolTotp);
        router.post(SECOND_STEP + "/totp/confirm").handler(this::confirmTotp);
        router.post("/api/v1/password/recovery").handler(this::recovery);
        router.post("/api/v1/password/change").handler(this::passwordChange);
        router.post("/api/v1/token/refresh").handler(this::refresh);
        router.post("/api/v1/logout").handler(this::logout);
        router.get("/api/v1/me").handler(this::me);
        router.get("/.well-known/jwks.json").handler(this::jwks);
    }

    private void shedEarly(RoutingContext ctx, ShedPacer pacer) {
        FlowException shed = flows.passwordLogin().shedNow();
        if (shed == null) {
            ctx.next();
            return;
        }
        pacer.answer(() -> {
            if (!ctx.response().closed()) {
                Problems.send(ctx, shed.failure(), shed.fields(), shed.retryAfter(), null);
            }
        });
    }

    private void passwordLogin(RoutingContext ctx) {
        JsonBody body = JsonBody.of(ctx);
        String category = body.string("category");
        String login = body.string("login");
        String password = body.string("password");
        body.check();
        flows.passwordLogin()
                .login(category, login, password, edge.clientIp().of(ctx))
                .onSuccess(pair -> Routes.json(ctx, 200, ApiJson.of(pair)))
                .onFailure(ctx::fail);
    }

    private void smsCode(RoutingContext ctx) {
        JsonBody body = JsonBody.of(ctx);
        String category = body.string("category");
        String login = body.string("login");
        body.check();
        flows.smsLogin()
                .sendCode(category, login, edge.clientIp().of(ctx))
                .onSuccess(sent -> Routes.json(ctx, 202, ApiJson.of(sent)))
                .onFailure(ctx::fail);
    }

    private void smsLogin(RoutingContext ctx) {
        JsonBody body = JsonBody.of(ctx);
        String category = body.string("category");
        String login = body.string("login");
        String code = body.string("code");
        body.check();
        flows.smsLogin()
                .login(category, login, code, edge.clientIp().of(ctx))
                .onSuccess(pair -> Routes.json(ctx, 200, ApiJson.of(pair)))
                .onFailure(ctx::fail);
    }

    /** The second step: {@code totp}, {@code recovery_code} or {@code passkey}, exactly one, with the step token. */
    private void secondStep(RoutingContext ctx) {
        JsonBody body = JsonBody.of(ctx);
        String token = body.string("step_token");
        String totp = body.string("totp");
        String recovery = body.string("recovery_code");
        String passkey = body.objectText("passkey");
        body.check();
        if (java.util.stream.Stream.of(totp, recovery, passkey)
                        .filter(java.util.Objects::nonNull)
                        .count()
                != 1) {
            ctx.fail(FlowException.invalid(
                    java.util.Map.of("totp", Text.of("field.one-of", "totp, recovery_code, passkey"))));
            return;
        }
        String ip = edge.clientIp().of(ctx);
        Future<Answer> answer;
        if (passkey != null) {
            answer = steps.passkeys().passkey(token, passkey, ip, Channel.API);
        } else if (totp != null) {
            answer = steps.codes().totp(token, totp, ip, Channel.API);
        } else {
            answer = steps.codes().recovery(token, recovery, ip, Channel.API);
        }
        answer.onSuccess(pair -> Routes.json(ctx, 200, ApiJson.of(pair))).onFailure(ctx::fail);
    }

    /** The options of {@code navigator.credentials.get()} for the step token's account; no try is spent. */
    private void passkeyOptions(RoutingContext ctx) {
        JsonBody body = JsonBody.of(ctx);
        String token = body.string("step_token");
        body.check();
        steps.passkeys()
                .options(token)
                .onSuccess(options -> Routes.json(ctx, 200, options))
                .onFailure(ctx::fail);
    }

    private void enrolTotp(RoutingContext ctx) {
        JsonBody body = JsonBody.of(ctx);
        String token = body.string("step_token");
        body.check();
        steps.codes()
                .enrolTotp(token)
                .onSuccess(enrolment -> Routes.json(ctx, 200, ApiJson.of(enrolment)))
                .onFailure(ctx::fail);
    }

    private void confirmTotp(RoutingContext ctx) {
        JsonBody body = JsonBody.of(ctx);
        String token = body.string("step_token");
        String code = body.string("totp");
        body.check();
        steps.codes()
                .confirmTotp(token, code, edge.clientIp().of(ctx), Channel.API)
                .onSuccess(enrolled -> Routes.json(ctx, 200, ApiJson.of(enrolled)))
                .onFailure(ctx::fail);
    }

    private void recovery(RoutingContext ctx) {
        JsonBody body = JsonBody.of(ctx);
        String category = body.string("category");
        String login = body.string("login");
        String channel = body.string("channel");
        body.check();
        flows.recovery()
                .request(category, login, channel, edge.clientIp().of(ctx))
                .onSuccess(started -> Routes.json(ctx, 202, ApiJson.of(started)))
                .onFailure(ctx::fail);
    }

    private void passwordChange(RoutingContext ctx) {
        JsonBody body = JsonBody.of(ctx);
        String current = body.string("current_password");
        String next = body.string("new_password");
        String confirm = body.string("confirm_password");
        body.check();
        flows.passwordChange()
                .change(
                        Routes.bearer(ctx),
                        current,
                        next,
                        confirm,
                        edge.clientIp().of(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void refresh(RoutingContext ctx) {
        JsonBody body = JsonBody.of(ctx);
        String token = body.string("refresh_token");
        body.check();
        flows.sessions()
                .refresh(token)
                .onSuccess(pair -> Routes.json(ctx, 200, ApiJson.of(pair)))
                .onFailure(ctx::fail);
    }

    private void logout(RoutingContext ctx) {
        flows.sessions()
                .logout(Routes.bearer(ctx))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void me(RoutingContext ctx) {
        flows.sessions()
                .me(Routes.bearer(ctx))
                .onSuccess(me -> Routes.json(ctx, 200, ApiJson.of(me)))
                .onFailure(ctx::fail);
    }

    private void jwks(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Type", "application/jwk-set+json")
                .putHeader("Cache-Control", "public, max-age=300")
                .end(flows.sessions().jwks().encode());
    }
}
