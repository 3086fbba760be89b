package dev.kordon.audit;

import dev.kordon.ops.Metrics;
import dev.kordon.ops.RequestScope;
import dev.kordon.store.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The security trail: every event goes to the {@code audit_events} table and, as one JSON line
 * with the login masked, to the {@code kordon.audit} log. Writing never holds up or fails the
 * request it describes. Callers pass no secrets; the detail names outcomes and reasons only.
 */
public final class Audit {
    private static final Logger LOG = LoggerFactory.getLogger("kordon.audit");
    private static final String INSERT =
            "INSERT INTO audit_events (event, account_id, category, login, ip, detail, request_id) "
                    + "VALUES ($1, $2, $3, $4, $5, $6, $7)";
    private static final String FOR_LOGIN =
            "SELECT at, event, account_id, ip, detail FROM audit_events WHERE category = $1 AND login = $2 "
                    + "ORDER BY at DESC, id DESC LIMIT $3";

    // The names of the events, defined once.
    public static final String LOGIN_SUCCESS = "login.success";
    public static final String LOGIN_FAILURE = "login.failure";
    public static final String LOGIN_THROTTLED = "login.throttled";
    public static final String LOGIN_LOCKED = "login.locked";
    public static final String CODE_SENT = "sms_code.sent";
    /** The SIM swap check refused an SMS code, or could not answer (detail: outcome, refused). */
    public static final String SMS_SIM_SWAP = "sms.sim_swap";

    public static final String SEND_THROTTLED = "send.throttled";
    public static final String RECOVERY = "recovery.requested";
    public static final String PASSWORD_CHANGED = "password.changed";
    public static final String PASSWORD_CHANGE_FAILED = "password.change_failed";
    public static final String REFRESH_REUSE = "refresh.reuse";
    public static final String ADMIN_ACCOUNT = "admin.account_saved";
    public static final String ADMIN_UNLOCK = "admin.unlocked";
    public static final String ADMIN_DISABLED = "admin.account_disabled";
    public static final String ADMIN_ENABLED = "admin.account_enabled";
    public static final String ADMIN_SESSION_ENDED = "admin.session_ended";
    public static final String ADMIN_PASSWORD_RESET = "admin.password_reset";
    public static final String ADMIN_TEMP_PASSWORD_SENT = "admin.temp_password_sent";
    public static final String CONSOLE_SIGNED_IN = "console.signed_in";
    public static final String CONSOLE_SIGN_IN_FAILED = "console.sign_in_failed";
    public static final String CONSOLE_SIGNED_OUT = "console.signed_out";
    public static final String DEAD_LETTER = "outbox.dead_letter";
    public static final String DEAD_LETTER_REDRIVEN = "outbox.redriven";
    public static final String CLIENT_SAVED = "client.saved";
    public static final String CLIENT_DELETED = "client.deleted";
    public static final String CLIENT_SECRET_ROTATED = "client.secret_rotated";
    public static final String OIDC_LOGOUT = "oidc.logout";
    public static final String MFA_ENROLLED = "mfa.enrolled";
    public static final String RECOVERY_CODE_USED = "mfa.recovery_code_used";
    public static final String ADMIN_MFA_RESET = "admin.mfa_reset";
    /** The person removed a method of their own on the security page. */
    public static final String MFA_REMOVED = "mfa.removed";
    /** A new set of recovery codes: the old ones are void. */
    public static final String MFA_CODES_RENEWED = "mfa.recovery_codes_renewed";
    /** A passkey's signature counter did not move forward: a copy of the authenticator signed. */
    public static final String PASSKEY_CLONED = "mfa.passkey_cloned";
    /** The network said the account's number had its SIM swapped: every credential ended, SMS sign-in refused. */
    public static final String SIM_SWAP_EVENT = "sim_swap.event";
    /** The network ended Kordon's subscription to SIM swap events: no more will come until it is renewed. */
    public static final String SIM_SWAP_SUBSCRIPTION_ENDED = "sim_swap.subscription_ended";

    public static final String OPERATOR_SAVED = "operator.saved";
    public static final String OPERATOR_DISABLED = "operator.disabled";
    public static final String OPERATOR_ENABLED = "operator.enabled";
    public static final String OPERATOR_RESET = "operator.reset";
    public static final String OPERATOR_DELETED = "operator.deleted";
    public static final String OPERATOR_PASSWORD_CHANGED = "operator.password_changed";
    public static final String OPERATOR_ENROLLED = "operator.enrolled";

    private final Database db;
    private final Pool pool;
    private final Metrics metrics;

    public Audit(Database db, Metrics metrics) {
        this.db = db;
        this.pool = db.pool();
        this.metrics = metrics;
    }

    public void record(String event, UUID account, String category, String login, String ip, JsonObject detail) {
        JsonObject d = detail == null ? new JsonObject() : detail;
        // Who did it, when a console or admin API request is being served: the operator's name or "token".
        String actor = RequestScope.actor();
        if (actor != null && !d.containsKey("actor")) {
            d = d.copy().put("actor", actor);
        }
        // The request being served, when there is one: its log lines and this event name the same id.
        String requestId = RequestScope.requestId();
        if (LOG.isInfoEnabled()) {
            // The log names a login only masked: enough to tell logins apart, not to read one off.
            String shown = masked(login);
            String accountId = account == null ? null : account.toString();
            JsonObject line = new JsonObject()
                    .put("event", event)
                    .put("account", accountId)
                    .put("category", category)
                    .put("login", shown)
                    .put("ip", ip)
                    .put("detail", d);
            if (requestId != null) {
                line.put("request_id", requestId);
            }
            // In production's JSON lines these are fields of their own, beside the request's id; an
            // absent one is left out rather than written as null.
            LoggingEventBuilder out = LOG.atInfo().setMessage(line.encode()).addKeyValue("event", event);
            field(out, "account_id", accountId);
            field(out, "category", category);
            field(out, "login", shown);
            out.log();
        }
        metrics.securityEvent(event);
        db.within(pool.preparedQuery(INSERT).execute(Tuple.of(event, account, category, login, ip, d, requestId)))
                .onFailure(err -> LOG.warn("audit event " + event + " not stored: " + err.getMessage()));
    }

    private static void field(LoggingEventBuilder out, String key, String value) {
        if (value != null) {
            out.addKeyValue(key, value);
        }
    }

    /**
     * A login for the log: its first 6 characters (a phone number's country and operator codes) and
     * its last 2 stay when that still stars 5 or more; otherwise only the last 2 stay, and a login of
     * 5 characters or fewer is all stars.
     */
    static String masked(String login) {
        if (login == null) {
            return null;
        }
        int n = login.length();
        if (n <= 5) {
            return "*".repeat(n);
        }
        int head = n - 8 >= 5 ? 6 : 0;
        return login.substring(0, head) + "*".repeat(n - head - 2) + login.substring(n - 2);
    }

    /** The latest events of a login, newest first. */
    public Future<List<AuditEvent>> forLogin(String category, String login, int limit) {
        return db.within(pool.preparedQuery(FOR_LOGIN).execute(Tuple.of(category, login, limit)))
                .map(rows -> {
                    List<AuditEvent> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new AuditEvent(
                                r.getOffsetDateTime("at").toString(),
                                r.getString("event"),
                                r.getUUID("account_id") == null
                                        ? null
                                        : r.getUUID("account_id").toString(),
                                r.getString("ip"),
                                r.getJsonObject("detail")));
                    }
                    return out;
                });
    }
}
