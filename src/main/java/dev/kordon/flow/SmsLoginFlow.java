package dev.kordon.flow;

import dev.kordon.account.Account;
import dev.kordon.account.AccountRepository;
import dev.kordon.account.LoginParser;
import dev.kordon.answer.Answer;
import dev.kordon.answer.Channel;
import dev.kordon.answer.CodeSent;
import dev.kordon.audit.Audit;
import dev.kordon.config.KordonConfig.LoginKind;
import dev.kordon.dispatch.Letters;
import dev.kordon.dispatch.Outbox;
import dev.kordon.guard.SmsCodes;
import dev.kordon.guard.Spent;
import dev.kordon.guard.Throttles;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import dev.kordon.simswap.SimSwapCheck;
import dev.kordon.simswap.SwapVerdict;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * «По SMS»: «Выслать код подтверждения», then «SMS код». The code is for one visit: the tokens
 * carry no refresh token and the permanent password does not change. The request answers the
 * same whether or not the number has an account; only an account's number gets an SMS.
 */
public final class SmsLoginFlow {
    private static final Logger LOG = LoggerFactory.getLogger(SmsLoginFlow.class);

    private final LoginParser logins;
    private final AccountRepository accounts;
    private final SmsCodes codes;
    private final Outbox outbox;
    private final Letters letters;
    private final Throttles throttles;
    private final SimSwapCheck swaps;
    private final SignIn signIn;
    private final Audit audit;

    /** What a decided request leaves for after its answer: whose code, whether it may go out, its place. */
    private record Decided(Account account, boolean send, String place) {}

    public SmsLoginFlow(Subscribers subscribers, SmsGuards guards, Notices notices, SignIn signIn) {
        this.logins = subscribers.logins();
        this.accounts = subscribers.accounts();
        this.codes = guards.codes();
        this.throttles = guards.throttles();
        this.swaps = guards.swaps();
        this.outbox = notices.outbox();
        this.letters = notices.letters();
        this.audit = notices.audit();
        this.signIn = signIn;
    }

    public Future<CodeSent> sendCode(String category, String rawLogin, String ip) {
        Map<String, Text> errors = new LinkedHashMap<>();
        String login = smsLogin(category, rawLogin, errors);
        if (!errors.isEmpty()) {
            return Future.failedFuture(FlowException.invalid(errors));
        }
        // The IP's cap, then the number's own (in codes.reserve), then the global SMS budget: only a
        // message that goes out spends it; every other request only looks at it, so the answer
        // depends on the budget alone, never on whether the number has an account.
        Spent spent = new Spent();
        Future<Decided> decided = spent.settle(spent.counted(
                                throttles.sendFromIp(ip), () -> throttles.sendFromIpAbandoned(ip))
                        .compose(v -> accounts.find(category, login))
                        .compose(found -> codes.reserve(category, login).compose(place -> {
                            // A place whose code will not go out is taken back, and with it the number's counts.
                            spent.add(() -> codes.withdraw(category, login, place));
                            Account a = found.orElse(null);
                            // mfa.required-roles never sign in by SMS code: no code goes out, the answer is the same.
                            boolean send = signIn.eligible(a) && !signIn.stepRequiredFor(a);
                            return (send
                                            ? spent.counted(throttles.smsBudget(), throttles::smsBudgetAbandoned)
                                            : throttles.smsBudgetOpen())
                                    .recover(err -> codes.withdraw(category, login, place)
                                            .transform(x -> Future.<Void>failedFuture(err)))
                                    .map(v -> new Decided(a, send, place));
                        })))
                .onFailure(err -> sendThrottled(audit, err, category, login, ip, "sms_code"));
        // The answer is decided. The SIM swap check and what goes out come after it, so how long the
        // answer takes says nothing of the number: swapped, not swapped or without an account.
        decided.onSuccess(d -> afterAnswer(() -> deliver(category, login, ip, d)));
        return decided.map(d -> new CodeSent(
                codes.config().ttl().toSeconds(), codes.config().resendAfter().toSeconds()));
    }

    private static void afterAnswer(Runnable work) {
        Context context = Vertx.currentContext();
        if (context != null) {
            context.runOnContext(v -> work.run());
        } else {
            work.run();
        }
    }

    private void deliver(String category, String login, String ip, Decided d) {
        Account a = d.account();
        if (!d.send()) {
            codeSent(category, login, ip, a, new JsonObject().put("sent", false));
            return;
        }
        swaps.verdict(login)
                .compose(v -> {
                    if (v.refused()) {
                        return refuse(category, login, ip, a, v);
                    }
                    if (v.unanswered()) {
                        // sim-swap.on-error: allow: the code goes out, and the trail says no one checked.
                        swapAudit(category, login, ip, a, v);
                    }
                    return codes.arm(category, login, d.place()).compose(code -> {
                        codeSent(category, login, ip, a, new JsonObject().put("sent", code != null));
                        if (code == null) {
                            // A newer request took the place: its own answer covers the number.
                            throttles.smsBudgetAbandoned();
                            return Future.<Void>succeededFuture();
                        }
                        return outbox.enqueue(letters.codeSms(a.login(), code)).<Void>mapEmpty();
                    });
                })
                .onFailure(err -> {
                    // After the answer nothing is told to the client; nothing that did not go out stays counted.
                    LOG.warn("SMS code not sent after its answer: {}", err.getMessage());
                    throttles.smsBudgetAbandoned();
                    codes.kill(category, login);
                });
    }

    /**
     * No code for the number: the SIM was swapped lately, or (sim-swap.on-error: deny) no one could
     * say. The reserved place and any older code die, the budget is given back, and the owner and the
     * organisation are told why, without a code.
     */
    private Future<Void> refuse(String category, String login, String ip, Account a, SwapVerdict v) {
        boolean unavailable = v.action() == SwapVerdict.Action.UNAVAILABLE;
        throttles.smsBudgetAbandoned();
        swapAudit(category, login, ip, a, v);
        codeSent(category, login, ip, a, new JsonObject().put("sent", false).put("reason", "sim_swap"));
        return codes.kill(category, login)
                .compose(x -> outbox.enqueue(letters.simSwapSms(a.login(), unavailable)))
                .compose(x -> {
                    if (a.email() == null || a.email().isBlank()) {
                        return Future.<Void>succeededFuture();
                    }
                    try {
                        return outbox.enqueue(letters.simSwapMail(a, unavailable))
                                .<Void>mapEmpty();
                    } catch (Exception e) {
                        return Future.<Void>failedFuture(e);
                    }
                });
    }

    private void codeSent(String category, String login, String ip, Account a, JsonObject detail) {
        audit.record(Audit.CODE_SENT, a == null ? null : a.id(), category, login, ip, detail);
    }

    private void swapAudit(String category, String login, String ip, Account a, SwapVerdict v) {
        JsonObject detail = new JsonObject().put("outcome", v.outcome()).put("refused", v.refused());
        if (v.reason() != null) {
            detail.put("reason", v.reason());
        }
        audit.record(Audit.SMS_SIM_SWAP, a.id(), category, login, ip, detail);
    }

    public Future<Answer> login(String category, String rawLogin, String code, String ip) {
        return login(category, rawLogin, code, ip, Channel.API);
    }

    public <A> Future<A> login(String category, String rawLogin, String code, String ip, Channel<A> channel) {
        Map<String, Text> errors = new LinkedHashMap<>();
        String login = smsLogin(category, rawLogin, errors);
        Inputs.required("code", code, errors);
        if (code != null && !code.isEmpty() && !code.strip().matches("\\d{6}")) {
            errors.put("code", Text.of("field.code"));
        }
        if (!errors.isEmpty()) {
            return Future.failedFuture(FlowException.invalid(errors));
        }
        // The account is read before the code is looked at: were Postgres out of reach after a right
        // code, the code would be spent on an answer the person never got.
        return throttles.ipAttempt(ip).compose(v -> {
            Spent spent = new Spent();
            spent.add(() -> throttles.ipAttemptAbandoned(ip));
            return spent.settle(accounts.find(category, login)
                    .compose(found -> swaps.marks().marked(login).compose(marked -> {
                        if (!marked) {
                            return Future.succeededFuture(found);
                        }
                        // The SIM was swapped since the code went out: the code dies with the news.
                        audit.record(
                                Audit.LOGIN_FAILURE,
                                found.map(Account::id).orElse(null),
                                category,
                                login,
                                ip,
                                new JsonObject().put("method", "sms").put("reason", "sim_swap"));
                        return codes.kill(category, login)
                                .transform(x -> Future.<java.util.Optional<Account>>failedFuture(
                                        new FlowException(Failure.INVALID_CREDENTIALS)));
                    }))
                    .compose(found -> codes.check(category, login, code.strip()).compose(result -> {
                        if (result != SmsCodes.Check.RIGHT) {
                            audit.record(
                                    Audit.LOGIN_FAILURE,
                                    null,
                                    category,
                                    login,
                                    ip,
                                    new JsonObject()
                                            .put("method", "sms")
                                            .put("reason", result.name().toLowerCase(java.util.Locale.ROOT)));
                            return Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS));
                        }
                        Account a = found.orElse(null);
                        if (!signIn.eligible(a)) {
                            audit.record(
                                    Audit.LOGIN_FAILURE,
                                    a == null ? null : a.id(),
                                    category,
                                    login,
                                    ip,
                                    new JsonObject().put("method", "sms").put("reason", "not_eligible"));
                            return Future.failedFuture(new FlowException(Failure.INVALID_CREDENTIALS));
                        }
                        return signIn.granted(
                                new SignIn.Proof(a, SignIn.Method.SMS, ip, System.currentTimeMillis()), channel);
                    })));
        });
    }

    /** A refused send is a security event too: someone is asking for more than the caps allow. */
    static void sendThrottled(Audit audit, Throwable err, String category, String login, String ip, String what) {
        if (err instanceof FlowException fe && fe.failure() == Failure.TOO_MANY_REQUESTS) {
            audit.record(
                    Audit.SEND_THROTTLED,
                    null,
                    category,
                    login,
                    ip,
                    new JsonObject()
                            .put("what", what)
                            .put(
                                    "retry_after_s",
                                    fe.retryAfter() == null
                                            ? 0
                                            : fe.retryAfter().toSeconds()));
        }
    }

    /**
     * The login, for a category whose logins are phone numbers only: any other category has no phone
     * to send a code to, so it has no SMS sign-in at all (a field error on the category, decided by
     * configuration alone, telling nothing about any account).
     */
    private String smsLogin(String category, String rawLogin, Map<String, Text> errors) {
        String login = Inputs.login(logins, category, rawLogin, errors);
        if (!errors.containsKey("category") && logins.kind(category) != LoginKind.PHONE) {
            errors.clear();
            errors.put("category", Text.of("field.sms-category"));
            return null;
        }
        return login;
    }
}
