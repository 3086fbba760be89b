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
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * «По SMS»: «Выслать код подтверждения», then «SMS код». The code is for one visit: the tokens
 * carry no refresh token and the permanent password does not change. The request answers the
 * same whether or not the number has an account; only an account's number gets an SMS.
 */
public final class SmsLoginFlow {
    private final LoginParser logins;
    private final AccountRepository accounts;
    private final SmsCodes codes;
    private final Outbox outbox;
    private final Letters letters;
    private final Throttles throttles;
    private final SignIn signIn;
    private final Audit audit;

    public SmsLoginFlow(Subscribers subscribers, SmsCodes codes, Throttles throttles, Notices notices, SignIn signIn) {
        this.logins = subscribers.logins();
        this.accounts = subscribers.accounts();
        this.codes = codes;
        this.throttles = throttles;
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
        // The IP's cap, then the number's own (in codes.issue), then the global SMS budget: only a
        // message that goes out spends it; every other request only looks at it, so the answer
        // depends on the budget alone, never on whether the number has an account.
        Spent spent = new Spent();
        return spent.settle(spent.counted(throttles.sendFromIp(ip), () -> throttles.sendFromIpAbandoned(ip))
                        .compose(v -> accounts.find(category, login))
                        .compose(found -> codes.issue(category, login).compose(code -> {
                            // A code that will not go out is taken back, and with it the number's counts.
                            spent.add(() -> codes.withdraw(category, login, code));
                            Account a = found.orElse(null);
                            // mfa.required-roles never sign in by SMS code: no code goes out, the answer is the same.
                            boolean send = signIn.eligible(a) && !signIn.stepRequiredFor(a);
                            return (send
                                            ? spent.counted(throttles.smsBudget(), throttles::smsBudgetAbandoned)
                                            : throttles.smsBudgetOpen())
                                    .recover(err -> codes.withdraw(category, login, code)
                                            .transform(x -> Future.<Void>failedFuture(err)))
                                    .compose(v -> {
                                        audit.record(
                                                Audit.CODE_SENT,
                                                a == null ? null : a.id(),
                                                category,
                                                login,
                                                ip,
                                                new JsonObject().put("sent", send));
                                        if (!send) {
                                            return Future.<Void>succeededFuture();
                                        }
                                        try {
                                            return outbox.enqueue(letters.codeSms(a.login(), code))
                                                    .<Void>mapEmpty();
                                        } catch (Exception e) {
                                            return Future.<Void>failedFuture(e);
                                        }
                                    });
                        })))
                .onFailure(err -> sendThrottled(audit, err, category, login, ip, "sms_code"))
                .map(v -> new CodeSent(
                        codes.config().ttl().toSeconds(),
                        codes.config().resendAfter().toSeconds()));
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
