package dev.kordon.flow;

import dev.kordon.account.Account;
import dev.kordon.account.AccountRepository;
import dev.kordon.account.LoginParser;
import dev.kordon.answer.RecoveryStarted;
import dev.kordon.audit.Audit;
import dev.kordon.config.KordonConfig.LoginKind;
import dev.kordon.dispatch.Letters;
import dev.kordon.dispatch.Outbox;
import dev.kordon.guard.Spent;
import dev.kordon.guard.TempPasswords;
import dev.kordon.guard.Throttles;
import dev.kordon.problem.FlowException;
import dev.kordon.problem.Text;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * «Забыли пароль?» and «Первичная регистрация»: a temporary password, valid for
 * {@code temp-password.ttl}, sent to the organisation's e-mail on file («Идентификация через
 * E-mail») or by SMS. Requesting one changes nothing else: the old password keeps working until
 * the temporary one is used. The answer is the same whether or not the account exists.
 */
public final class RecoveryFlow {
    public static final List<String> CHANNELS = List.of("email", "sms");

    private final LoginParser logins;
    private final AccountRepository accounts;
    private final TempPasswords temps;
    private final Throttles throttles;
    private final Outbox outbox;
    private final Letters letters;
    private final Audit audit;
    private final SignIn signIn;

    public RecoveryFlow(
            Subscribers subscribers, TempPasswords temps, Throttles throttles, Notices notices, SignIn signIn) {
        this.logins = subscribers.logins();
        this.accounts = subscribers.accounts();
        this.temps = temps;
        this.throttles = throttles;
        this.outbox = notices.outbox();
        this.letters = notices.letters();
        this.audit = notices.audit();
        this.signIn = signIn;
    }

    public Future<RecoveryStarted> request(String category, String rawLogin, String channel, String ip) {
        Map<String, Text> errors = new LinkedHashMap<>();
        String login = Inputs.login(logins, category, rawLogin, errors);
        Inputs.required("channel", channel, errors);
        if (channel != null && !channel.isEmpty() && !CHANNELS.contains(channel)) {
            errors.put("channel", Text.of("field.choice", String.join(", ", CHANNELS)));
        }
        if (!errors.isEmpty()) {
            return Future.failedFuture(FlowException.invalid(errors));
        }
        RecoveryStarted answer =
                new RecoveryStarted(channel, temps.config().ttl().toSeconds());
        boolean bySms = "sms".equals(channel);
        // Its own caps, apart from sign-in's: recovery stays open while the password path is attacked.
        // The global SMS budget comes last and is spent only by an SMS that goes out; any other SMS
        // request only looks at it, so the answer depends on the budget alone, never on the account.
        Spent spent = new Spent();
        return spent.settle(spent.counted(throttles.sendFromIp(ip), () -> throttles.sendFromIpAbandoned(ip))
                .compose(v -> spent.counted(
                        throttles.recoveryFor(category, login), () -> throttles.recoveryAbandoned(category, login)))
                .compose(v -> accounts.find(category, login))
                .compose(found -> {
                    Account a = found.orElse(null);
                    boolean send = signIn.eligible(a) && !(bySms && logins.kind(category) != LoginKind.PHONE);
                    Future<Void> budget = !bySms
                            ? Future.succeededFuture()
                            : send
                                    ? spent.counted(throttles.smsBudget(), throttles::smsBudgetAbandoned)
                                    : throttles.smsBudgetOpen();
                    return budget.map(v -> new Eligible(a, send));
                })
                .onFailure(err -> SmsLoginFlow.sendThrottled(audit, err, category, login, ip, "recovery"))
                .compose(found -> temps.issue(category, login).compose(temp -> {
                    // A temporary password is stored for every request, so known and unknown logins cost the same;
                    // only an account that may sign in gets it sent (one without an account can never use it).
                    Account a = found.account();
                    boolean send = found.send();
                    audit.record(
                            Audit.RECOVERY,
                            a == null ? null : a.id(),
                            category,
                            login,
                            ip,
                            new JsonObject().put("channel", channel).put("sent", send));
                    if (!send) {
                        return Future.succeededFuture(answer);
                    }
                    try {
                        return outbox.enqueue(bySms ? letters.tempSms(a.login(), temp) : letters.recoveryMail(a, temp))
                                .map(id -> answer);
                    } catch (Exception e) {
                        return Future.failedFuture(e);
                    }
                })));
    }

    /** The account asked for (null when there is none), and whether it gets the message. */
    private record Eligible(Account account, boolean send) {}
}
